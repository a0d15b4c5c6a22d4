"""Every URL pattern of the project, found by walking the resolver (includes,
namespaces, the admin of every registered model, allauth, the API), the way to
build a concrete address from one with any parameter values, the values that
reach the test world's objects, and a request that leaves the world as it was."""

import dataclasses
import re
from urllib.parse import quote

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

from tests.seguridad.conftest import Mundo, Objeto
from tramites.acciones import acciones_sobre


@dataclasses.dataclass(frozen=True)
class Patron:
    clave: str  # the URL name with its namespaces, or "ruta:<route>" for an unnamed pattern
    ruta: str  # the whole route, as written in the URL confs
    partes: tuple  # literal text and ("parametro", name) pieces, in order
    modelo: str | None  # "app_label.model_name" when the pattern belongs to a model admin
    vista: object

    @property
    def parametros(self) -> tuple[str, ...]:
        return tuple(p[1] for p in self.partes if isinstance(p, tuple))

    def url(self, valores: dict) -> str:
        """The address with these values (str or bytes), percent-encoded as a
        browser sends them; the values are not checked against the pattern."""
        trozos = []
        for parte in self.partes:
            if isinstance(parte, tuple):
                valor = valores[parte[1]]
                trozos.append(quote(valor if isinstance(valor, bytes) else str(valor), safe=""))
            else:
                trozos.append(parte)
        return "/" + "".join(trozos)


def _grupo_cierre(texto: str, inicio: int) -> int:
    """Index just past the parenthesis that closes the group opening at `inicio`."""
    nivel, i = 0, inicio
    while i < len(texto):
        if texto[i] == "\\":
            i += 2
            continue
        if texto[i] == "(":
            nivel += 1
        elif texto[i] == ")":
            nivel -= 1
            if nivel == 0:
                return i + 1
        i += 1
    raise ValueError(f"Paréntesis sin cerrar en {texto!r}")


def _partes_regex(regex: str) -> list:
    regex = regex.removeprefix("^").removesuffix("$").removesuffix("\\Z")
    partes, literal, i = [], "", 0
    while i < len(regex):
        nombrado = re.match(r"\(\?P<(\w+)>", regex[i:])
        if nombrado:
            if literal:
                partes.append(literal)
                literal = ""
            partes.append(("parametro", nombrado[1]))
            i = _grupo_cierre(regex, i)
        elif regex[i] == "\\":
            literal += regex[i + 1]
            i += 2
        else:
            literal += regex[i]
            i += 1
    if literal:
        partes.append(literal)
    return partes


def _partes(patron) -> list:
    if isinstance(patron, RoutePattern):
        trozos = re.split(r"<(?:\w+:)?(\w+)>", str(patron))
        return [t if i % 2 == 0 else ("parametro", t) for i, t in enumerate(trozos) if t or i % 2]
    if isinstance(patron, RegexPattern):
        return _partes_regex(str(patron))
    raise TypeError(f"Patrón de URL desconocido: {patron!r}")


def _modelo_de(resolver: URLResolver) -> str | None:
    """The model whose admin produced these patterns (Django marks its views)."""
    for patron in resolver.url_patterns:
        modelo_admin = getattr(getattr(patron, "callback", None), "model_admin", None)
        if modelo_admin is not None:
            return modelo_admin.opts.label_lower
    return None


def patrones() -> list[Patron]:
    resultado = []

    def recorrer(resolver, partes, espacio, modelo):
        for patron in resolver.url_patterns:
            propias = partes + tuple(_partes(patron.pattern))
            if isinstance(patron, URLResolver):
                nombre = patron.namespace
                hijo = f"{espacio}:{nombre}" if espacio and nombre else (nombre or espacio)
                recorrer(patron, propias, hijo, _modelo_de(patron) or modelo)
            elif isinstance(patron, URLPattern):
                ruta = "".join(p if isinstance(p, str) else f"<{p[1]}>" for p in propias)
                if patron.name:
                    clave = f"{espacio}:{patron.name}" if espacio else patron.name
                else:
                    clave = f"ruta:{ruta}"
                resultado.append(Patron(clave, ruta, propias, modelo, patron.callback))

    recorrer(get_resolver(), (), "", None)
    return resultado


@dataclasses.dataclass(frozen=True)
class Relleno:
    """One way of filling a pattern's parameters, and the object it reaches."""

    valores: dict
    objeto: Objeto


# --- Filling the parameters -------------------------------------------------------------------

GLOBAL = Objeto("", nombre="—")


def _de_modelo(modelo: str) -> Objeto:
    """A model's list or add page: its permissions, no particular object."""
    return Objeto(modelo, nombre=f"la lista de {modelo}")


def _expediente_de(documento: Objeto) -> str:
    from django.apps import apps

    return apps.get_model(documento.modelo).objects.get(pk=documento.pk).solicitud.expediente


def rellenos(patron: Patron, mundo: Mundo) -> list[Relleno]:
    o = mundo.objetos
    if patron.clave == "transparencia:reclamo_seguimiento":
        return [Relleno({}, o["reclamo_x"])]  # what it shows: the complaint whose code and document are sent
    if not patron.parametros:
        objeto = _de_modelo(patron.modelo) if patron.modelo else GLOBAL
        return [Relleno({}, objeto)]
    if patron.modelo and patron.parametros == ("object_id",):
        return [Relleno({"object_id": objeto.pk}, objeto) for objeto in mundo.admin.get(patron.modelo, [])]
    slug = mundo.tramite.slug
    expediente = mundo.aprobada.expediente
    por_expediente = [
        Relleno({"expediente": mundo.aprobada.expediente}, o["aprobada"]),
        Relleno({"expediente": mundo.pendiente.expediente}, o["pendiente"]),
    ]
    tipo_solicitud = ContentType.objects.get_by_natural_key("tramites", "solicitud").pk
    tipo_tramite = ContentType.objects.get_by_natural_key("tramites", "tramite").pk
    valores = {
        "ciudadanos:ubigeo_hijos": [Relleno({"codigo": "15"}, GLOBAL), Relleno({"codigo": "1501"}, GLOBAL)],
        "ciudadanos:notificacion": [Relleno({"pk": o["aviso"].pk}, o["aviso"])],
        "ciudadanos:empresa": [Relleno({"pk": o["empresa"].pk}, o["empresa"])],
        "ciudadanos:invitacion_enviar": [Relleno({"pk": o["empresa"].pk}, o["empresa"])],
        "ciudadanos:representacion_confirmar": [
            Relleno({"pk": o["empresa"].pk, "representacion": o["pedido_b"].pk}, o["empresa"])],
        "ciudadanos:representacion_rechazar": [
            Relleno({"pk": o["empresa"].pk, "representacion": o["pedido_b"].pk}, o["empresa"])],
        "ciudadanos:invitacion_aceptar": [Relleno({"token": "no-es-una-invitacion"}, GLOBAL)],
        "tramites:detalle": [Relleno({"slug": slug}, GLOBAL)],
        "tramites:iniciar": [Relleno({"slug": slug}, GLOBAL)],
        "tramites:paso": [
            Relleno({"slug": slug, "uuid": mundo.borrador.uuid, "paso": paso}, o["borrador"])
            for paso in ("direccion", "adjuntos", "pago", "revisar")
        ],
        "tramites:borrador": [Relleno({"uuid": mundo.borrador.uuid}, o["borrador"])],
        "tramites:borrador_eliminar": [Relleno({"uuid": mundo.borrador.uuid}, o["borrador"])],
        "tramites:mi_solicitud": por_expediente,
        "tramites:confirmacion": por_expediente,
        "tramites:subsanar": por_expediente,
        "tramites:desistir": por_expediente,
        "transparencia:valorar": por_expediente,
        "tramites:adjunto": [Relleno({"uuid": o["adjunto"].pk}, o["adjunto"]),
                             Relleno({"uuid": o["adjunto_borrador"].pk}, o["adjunto_borrador"])],
        "tramites:adjunto_ver": [Relleno({"uuid": o["adjunto"].pk}, o["adjunto"]),
                                 Relleno({"uuid": o["adjunto_borrador"].pk}, o["adjunto_borrador"])],
        "tramites:documento": [Relleno({"expediente": expediente, "tipo": "certificado"}, o["certificado"]),
                               Relleno({"expediente": expediente, "tipo": "cargo"}, o["cargo"])],
        "tramites:resolucion": [Relleno({"expediente": _expediente_de(o["resolucion"])}, o["resolucion"])],
        # The notice of the approval, by its request: the citizen's address and the office's.
        "tramites:constancia_notificacion": [
            Relleno({"expediente": expediente, "notificacion_id": o["aviso_aprobada"].pk}, o["aprobada"])],
        "admin:tramites_solicitud_constancia": [
            Relleno({"pk": o["aprobada"].pk, "notificacion": o["aviso_aprobada"].pk}, o["aprobada"])],
        "tramites:verificar_codigo": [
            Relleno({"codigo": mundo.aprobada.certificado.codigo}, GLOBAL),
            Relleno({"codigo": mundo.aprobada.certificado.codigo_legible.lower()}, GLOBAL),
        ],
        "transparencia:tramite": [Relleno({"slug": slug}, GLOBAL)],
        "transparencia:indicadores": [Relleno({"formato": f}, GLOBAL) for f in ("csv", "json")],
        "transparencia:tupa": [Relleno({"formato": f}, GLOBAL) for f in ("csv", "json")],
        "api:tramite": [Relleno({"slug": slug}, GLOBAL)],
        "api:indicadores_tramite": [Relleno({"slug": slug}, GLOBAL)],
        "account_confirm_email": [Relleno({"key": "clave-que-no-existe"}, GLOBAL)],
        "account_reset_password_from_key": [Relleno({"uidb36": "2s", "key": "clave-que-no-existe"}, GLOBAL)],
        "admin:app_list": [Relleno({"app_label": app}, Objeto(f"{app}.")) for app in ("tramites", "ciudadanos")],
        "admin:view_on_site": [
            Relleno({"content_type_id": tipo_solicitud, "object_id": o["aprobada"].pk}, o["aprobada"]),
            Relleno({"content_type_id": tipo_tramite, "object_id": o["tramite"].pk}, o["tramite"]),
        ],
        "ruta:admin/<url>": [Relleno({"url": "no-existe/"}, GLOBAL)],
        "admin:tramites_solicitud_accion": [
            Relleno({"pk": o["pendiente"].pk, "accion": accion}, o["pendiente"]) for accion in (a.nombre for a in acciones_sobre("solicitud"))
        ],
        # ("accion" is not in this address: it is the decision the form sends.)
        "admin:tramites_solicitud_decidir": [
            Relleno({"pk": o["pendiente"].pk, "accion": a.nombre}, o["pendiente"]) for a in acciones_sobre("solicitud")
        ],
        "admin:tramites_certificado_revocar": [Relleno({"pk": o["certificado"].pk}, o["certificado"])],
        # Only the browser that filed the complaint or looked it up downloads its sheet: none of these.
        "transparencia:reclamo_hoja": [Relleno({"codigo": mundo.reclamo_x.codigo}, o["reclamo_x"])],
        **{clave: [Relleno({"provider_id": "idgobpe"}, GLOBAL)] for clave in (
            "idgobpe_ingresar", "idgobpe_regresar", "openid_connect_login", "openid_connect_callback")},
        "idgobpe_vincular_correo": [Relleno({"token": "enlace-que-no-existe"}, GLOBAL)],
        "correo_recibo": [Relleno({"proveedor": p}, GLOBAL) for p in ("postmark", "mailgun", "mandrill")],
        "admin:auth_user_password_change": [Relleno({"id": o["ciudadana_a"].pk}, o["ciudadana_a"])],
    }
    return valores.get(patron.clave, [])


def pedir(cliente, metodo, url, datos=None, **extra):
    """One request, undone afterwards (rows, emails and tasks scheduled for the
    commit): each request starts from the same world, even after a database error."""
    with transaction.atomic():
        if metodo == "POST":
            respuesta = cliente.post(url, datos or {}, **extra)
        else:
            respuesta = cliente.get(url, datos, **extra)
        transaction.set_rollback(True)
    return respuesta
