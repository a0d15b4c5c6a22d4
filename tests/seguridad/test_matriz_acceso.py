"""Who reaches what, for every URL of the project.

The patterns come from the resolver (a new URL appears here by itself and the
test fails until it is given an expectation). Each one is requested, with its
parameters filled from citizen A's objects and office X's, by an anonymous
visitor, citizens A and B, heads of offices X and Y with TOTP, a member of X's
staff without TOTP and the superuser, with GET and, where the view changes
something, with POST. Every cell must give what its rule says:

* allowed: 200 (or 400 for a form that was read and refused), or a redirect
  that is not a refusal;
* refused: 404 or 403, or a redirect to the login page (visitors and citizens)
  or to the TOTP activation page (staff without TOTP); for whoever has no
  staff rights, a redirect to the panel's index (itself a login wall); for an
  account without a profile, the filing pages' "complete your profile" gate;
* never a 5xx, never someone else's personal data in the body (for a refused
  cell, no personal data of anyone but the visitor themself).

All failing cells are reported together."""

import dataclasses
import html
import json
from collections.abc import Callable

import pytest
from django.contrib import admin

from tests.seguridad.conftest import ACTORES, RECLAMANTE_X, Actor, Mundo, Objeto
from tests.seguridad.direcciones import Relleno, patrones, pedir, rellenos
from tramites.acciones import ACCIONES

pytestmark = pytest.mark.django_db

# --- The vocabulary of expectations ------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Regla:
    descripcion: str
    permite: Callable[[Actor, Relleno], bool]

    def __str__(self):
        return self.descripcion


def _es_dueno(actor: Actor, relleno: Relleno) -> bool:
    return actor.autenticado and relleno.objeto.dueno == actor.usuario.pk


def _codigo(codigo: str, objeto: Objeto) -> str:
    """"view" -> "app.view_model" of the object's model; a full "app.codename" as is."""
    return codigo if "." in codigo else f"{objeto.app}.{codigo}_{objeto.clase}"


def permiso(*codigos: str) -> Regla:
    """Staff with TOTP holding one of these permissions, on an object in their
    office scope (for the models scoped by office)."""
    return Regla(
        f"permiso {' o '.join(codigos)} en su alcance",
        lambda a, r: any(a.tiene_permiso(_codigo(c, r.objeto)) for c in codigos) and a.en_alcance(r.objeto),
    )


def _permiso_de_la_accion(actor: Actor, relleno: Relleno) -> bool:
    accion = relleno.valores["accion"]
    if not actor.tiene_permiso(ACCIONES[accion].permiso) or not actor.en_alcance(relleno.objeto):
        return False
    # Deciding actions belong to the resolving office only (the front desk decides nothing).
    return actor.superusuario or not ACCIONES[accion].solo_resolucion or relleno.objeto.resuelve in actor.oficinas


PUBLICO = Regla("público", lambda a, r: True)
SESION = Regla("cualquier usuario con sesión", lambda a, r: a.autenticado)
DUENO = Regla("solo el dueño", _es_dueno)
DUENO_U_OFICINA = Regla(
    "el dueño, o el personal con TOTP de la oficina del objeto",
    lambda a, r: _es_dueno(a, r) or a.de_su_oficina(r.objeto),
)
OFICINA = Regla("el personal con TOTP de la oficina del objeto", lambda a, r: a.de_su_oficina(r.objeto))
PERSONAL = Regla("cualquier servidor con TOTP", lambda a, r: a.habilitado)
CON_TOTP = Regla("quien ya activó TOTP", lambda a, r: a.totp)
CON_CODIGOS = Regla("quien tiene códigos de recuperación", lambda a, r: a.codigos_de_recuperacion)
NADIE = Regla("nadie", lambda a, r: False)


def _representa(actor: Actor, relleno: Relleno, *estados) -> bool:
    from ciudadanos.models import Representacion

    return actor.autenticado and Representacion.objects.filter(
        empresa_id=relleno.objeto.pk, usuario=actor.usuario, estado__in=estados).exists()


REPRESENTANTE = Regla(
    "quien representa a la empresa, confirmado o en espera (ve su estado)",
    lambda a, r: _representa(a, r, "confirmada", "pendiente"),
)
REPRESENTANTE_CONFIRMADO = Regla(
    "un representante confirmado de la empresa", lambda a, r: _representa(a, r, "confirmada"),
)
PERMISO_DE_LA_ACCION = Regla("el permiso de la acción (tramites/roles.py) en su alcance", _permiso_de_la_accion)
ALGUN_PERMISO_EN_LA_APP = Regla(
    "algún permiso en la app (servidor con TOTP)",
    lambda a, r: a.superusuario or (a.habilitado and any(p.startswith(f"{r.objeto.app}.") for p in a.permisos)),
)


@dataclasses.dataclass(frozen=True)
class Esperado:
    get: Regla | None  # None: not requested with this method
    post: Regla | None = None
    datos: Callable[[Mundo, Relleno], dict] | None = None  # what a POST sends


def _vacio(mundo, relleno):
    return {}


def solo_get(regla):
    return Esperado(get=regla)


def get_y_post(regla, datos=_vacio, post=None):
    return Esperado(get=regla, post=post or regla, datos=datos)


def solo_post(regla, datos=_vacio):
    return Esperado(get=None, post=regla, datos=datos)


def modelo_admin(ruta: str, *, ver, agregar, cambiar, borrar, datos_cambio=_vacio) -> dict:
    """The six URLs Django's admin gives each registered model."""
    app, modelo = ruta.split("/")
    prefijo = f"admin:{app}_{modelo}"
    return {
        f"{prefijo}_changelist": get_y_post(ver, datos=_accion_de_lista),
        f"{prefijo}_add": get_y_post(agregar),
        f"{prefijo}_change": get_y_post(ver, post=cambiar, datos=datos_cambio),
        f"{prefijo}_history": solo_get(ver),
        f"{prefijo}_delete": get_y_post(borrar, datos=lambda m, r: {"post": "yes"}),
        # The old change address only redirects to the new one, which is checked itself.
        f"ruta:admin/{app}/{modelo}/<object_id>/": solo_get(PERSONAL),
    }


def catalogo_admin(ruta: str) -> dict:
    """A model admin with Django's model permissions and no office scope."""
    return modelo_admin(
        ruta, ver=permiso("view", "change"), agregar=permiso("add"), cambiar=permiso("change"),
        borrar=permiso("delete"),
    )


def _accion_de_lista(mundo, relleno):
    """The list's first own action (or "delete", confirmed) on the model's first object."""
    from django.apps import apps

    registrado = admin.site.get_model_admin(apps.get_model(relleno.objeto.modelo))
    accion = next((a for a in registrado.actions or () if isinstance(a, str)), "delete_selected")
    objeto = mundo.admin[relleno.objeto.modelo][0]
    return {"action": accion, "_selected_action": [str(objeto.pk)], "index": "0", "post": "yes"}


def _accion_datos(mundo, relleno):
    return {
        "observar": {"mensaje": "Falta el recibo de luz."},
        "denegar": {"motivo": "No cumple los requisitos."},
        "aprobar": {"nota": "Conforme."},
        "asignar": {"asignado": mundo.actor("personal_x").usuario.pk},
    }.get(relleno.valores["accion"], {})


def _seguimiento_datos(mundo, relleno):
    from transparencia.models import Reclamo

    reclamo = Reclamo.objects.get(pk=mundo.objetos["reclamo_x"].pk)
    return {"codigo": reclamo.codigo, "numero_documento": RECLAMANTE_X["numero_documento"]}


# The expected policy, one entry per URL name (or route, for unnamed patterns).
ESPERADO = {
    # Public pages and the API
    "inicio": solo_get(PUBLICO),
    "accesibilidad": solo_get(PUBLICO),
    "privacidad": solo_get(PUBLICO),
    "salud": solo_get(PUBLICO),
    "tramites:catalogo": solo_get(PUBLICO),
    "tramites:detalle": solo_get(PUBLICO),
    "tramites:verificar": get_y_post(PUBLICO),
    "tramites:verificar_codigo": solo_get(PUBLICO),
    "ciudadanos:ubigeo_hijos": solo_get(PUBLICO),
    "transparencia:inicio": solo_get(PUBLICO),
    "transparencia:tramite": solo_get(PUBLICO),
    "transparencia:datos_abiertos": solo_get(PUBLICO),
    "transparencia:indicadores": solo_get(PUBLICO),
    "transparencia:tupa": solo_get(PUBLICO),
    "transparencia:reclamo_nuevo": get_y_post(PUBLICO),
    "transparencia:reclamo_registrado": solo_get(PUBLICO),
    # Whoever holds the complaint's code and the complainant's document reads it.
    "transparencia:reclamo_seguimiento": get_y_post(PUBLICO, datos=_seguimiento_datos),
    # The sheet: for the browser that filed the complaint or looked it up (tests/transparencia).
    "transparencia:reclamo_hoja": solo_get(NADIE),
    "api:api-root": solo_get(NADIE),  # no index page: the interactive docs are off
    "api:openapi-json": solo_get(PUBLICO),
    "api:tramites": solo_get(PUBLICO),
    "api:tramite": solo_get(PUBLICO),
    "api:indicadores": solo_get(PUBLICO),
    "api:indicadores_tramite": solo_get(PUBLICO),
    # Accounts (allauth)
    "account_login": get_y_post(PUBLICO),
    "account_logout": get_y_post(PUBLICO),
    # ID GOB.PE (ciudadanos/idgobpe.py, niveles.py). Unconfigured here: its login and callback are 404s,
    # as is every provider id but the configured one; allauth's own addresses for them are shadowed.
    "cuenta_salir": get_y_post(PUBLICO),
    "idgobpe_ingresar": get_y_post(NADIE),
    "idgobpe_regresar": get_y_post(NADIE),
    "openid_connect_login": get_y_post(NADIE),
    "openid_connect_callback": get_y_post(NADIE),
    "idgobpe_vincular": get_y_post(SESION),  # nothing to link: a 404 for visitors, back to the profile
    "nivel_subir": solo_get(SESION),
    "idgobpe_vincular_correo_enviar": solo_post(NADIE),  # nothing to link: 404
    "idgobpe_vincular_correo": get_y_post(PUBLICO),  # a bad link: its clear 400 page
    # Linked accounts are not listed (ID GOB.PE is the only one); the rest is allauth's flow.
    "ruta:cuenta/3rdparty/": get_y_post(NADIE),
    "socialaccount_connections": get_y_post(NADIE),
    "socialaccount_login_cancelled": solo_get(PUBLICO),
    "ruta:cuenta/3rdparty/login/error/": solo_get(NADIE),  # the portal's own error page says why (idgobpe.py)
    "socialaccount_login_error": solo_get(NADIE),
    # No extra signup form: ID GOB.PE gives everything an account needs (idgobpe.py).
    "ruta:cuenta/3rdparty/signup/": get_y_post(NADIE),
    "socialaccount_signup": get_y_post(NADIE),
    "ruta:cuenta/social/connections/": solo_get(PUBLICO),  # allauth's old addresses: redirects
    "ruta:cuenta/social/login/cancelled/": solo_get(PUBLICO),
    "ruta:cuenta/social/login/error/": solo_get(PUBLICO),
    "ruta:cuenta/social/signup/": solo_get(PUBLICO),
    "account_inactive": solo_get(PUBLICO),
    "account_signup": get_y_post(PUBLICO),
    "account_reauthenticate": get_y_post(SESION),
    "account_request_reauthentication_code": get_y_post(SESION),
    "account_confirm_reauthentication_code": get_y_post(SESION),
    # Only in the middle of a login; whoever is already in is sent to their profile.
    "account_confirm_login_code": get_y_post(SESION),
    "account_email": get_y_post(SESION),
    "account_email_verification_sent": solo_get(PUBLICO),
    # An unknown key: GET explains the link expired, POST finds nothing to confirm.
    "account_confirm_email": get_y_post(PUBLICO, post=NADIE),
    "account_change_password": get_y_post(SESION),
    "account_set_password": get_y_post(SESION),
    "account_reset_password": get_y_post(PUBLICO),
    "account_reset_password_done": solo_get(PUBLICO),
    "account_reset_password_from_key": get_y_post(PUBLICO),  # an unknown key: "bad token"
    "account_reset_password_from_key_done": solo_get(PUBLICO),
    "mfa_index": solo_get(SESION),
    "mfa_authenticate": get_y_post(SESION),  # as account_confirm_login_code
    "mfa_reauthenticate": get_y_post(SESION),  # without TOTP: sent to reauthenticate with the password
    "mfa_activate_totp": get_y_post(SESION),
    "mfa_deactivate_totp": get_y_post(CON_TOTP),
    "mfa_view_recovery_codes": solo_get(CON_CODIGOS),
    "mfa_generate_recovery_codes": get_y_post(SESION),  # asks to reauthenticate first
    "mfa_download_recovery_codes": solo_get(CON_CODIGOS),
    # The citizen's own pages
    "ciudadanos:perfil": solo_get(SESION),
    "ciudadanos:perfil_editar": get_y_post(SESION),
    "ciudadanos:datos_descargar": solo_get(SESION),
    "ciudadanos:uso_de_mis_datos": solo_get(SESION),
    "ciudadanos:casilla": solo_get(SESION),
    "ciudadanos:casilla_marcar_leidas": solo_post(SESION),
    "ciudadanos:notificacion": solo_get(DUENO),
    # Notificaciones y avisos: consent, the phone and its code, the SMS choices.
    "ciudadanos:avisos": solo_get(SESION),
    "ciudadanos:consentimiento": get_y_post(SESION),
    "ciudadanos:consentimiento_retirar": get_y_post(SESION),
    "ciudadanos:telefono_registrar": get_y_post(SESION),
    "ciudadanos:telefono_codigo": get_y_post(SESION),
    "ciudadanos:telefono_reenviar": solo_post(SESION),
    "ciudadanos:telefono_quitar": get_y_post(SESION),
    "ciudadanos:preferencias_sms": solo_post(SESION),
    # Providers' delivery receipts: a session proves nothing, only the shared secret does.
    # The email provider's webhook exists only for the configured provider (SMTP here: 404);
    # an SMS receipt without the provider's signature is a 401.
    "correo_recibo": get_y_post(NADIE),
    "sms_recibo": solo_post(NADIE),
    # Mis empresas: a wrong check digit is refused before SUNAT is asked.
    "ciudadanos:empresas": solo_get(SESION),
    "ciudadanos:empresa_agregar": get_y_post(SESION, datos=lambda m, r: {"ruc": "20600000014"}),
    "ciudadanos:empresa": solo_get(REPRESENTANTE),
    "ciudadanos:invitacion_enviar": solo_post(REPRESENTANTE_CONFIRMADO, datos=lambda m, r: {"correo": "nuevo@correo.pe"}),
    "ciudadanos:representacion_confirmar": solo_post(REPRESENTANTE_CONFIRMADO),
    "ciudadanos:representacion_rechazar": solo_post(REPRESENTANTE_CONFIRMADO),
    # A damaged link: explained to whoever is logged in.
    "ciudadanos:invitacion_aceptar": get_y_post(SESION),
    "tramites:iniciar": get_y_post(SESION),
    "tramites:paso": get_y_post(DUENO, datos=lambda m, r: {"direccion": "Jr. Ajeno 1"}),
    "tramites:borrador": solo_get(DUENO),
    "tramites:borrador_eliminar": get_y_post(DUENO),
    "tramites:mis_tramites": solo_get(SESION),
    "tramites:mi_solicitud": solo_get(DUENO),
    "tramites:confirmacion": solo_get(DUENO),
    "tramites:subsanar": get_y_post(DUENO),
    "tramites:desistir": get_y_post(DUENO, datos=lambda m, r: {"motivo": "Ya no lo necesito."}),
    "transparencia:valorar": get_y_post(DUENO, datos=lambda m, r: {"puntaje": "1", "comentario": "Ajeno"}),
    # Files: the owner, or the staff of the procedure's offices (never a draft's)
    "tramites:adjunto": solo_get(DUENO_U_OFICINA),
    "tramites:adjunto_ver": solo_get(DUENO_U_OFICINA),
    "tramites:documento": solo_get(DUENO_U_OFICINA),
    "tramites:resolucion": solo_get(DUENO),
    # The constancia de notificación: who follows the request, or (in the admin) its offices' staff.
    "tramites:constancia_notificacion": solo_get(DUENO),
    "admin:tramites_solicitud_constancia": solo_get(permiso("view", "change")),
    # The back office
    "admin:index": solo_get(PERSONAL),
    "admin:login": solo_get(PERSONAL),
    "admin:logout": solo_post(PERSONAL),
    "admin:password_change": get_y_post(PERSONAL),
    "admin:password_change_done": solo_get(PERSONAL),
    "admin:jsi18n": solo_get(PERSONAL),
    "admin:autocomplete": solo_get(NADIE),  # no model declares autocomplete fields
    "admin:app_list": solo_get(ALGUN_PERMISO_EN_LA_APP),
    "admin:view_on_site": solo_get(permiso("view", "change")),
    "ruta:admin/<url>": solo_get(NADIE),
    "admin:tramites_supervision": solo_get(permiso("tramites.ver_supervision")),
    # GET only redirects to the request's page; POST acts.
    "admin:tramites_solicitud_accion": get_y_post(PERSONAL, post=PERMISO_DE_LA_ACCION, datos=_accion_datos),
    # The request page's one decision form: the chosen action, as above (a denial shows its confirmation).
    "admin:tramites_solicitud_decidir": get_y_post(
        PERSONAL, post=PERMISO_DE_LA_ACCION, datos=lambda m, r: {"decision": r.valores["accion"], **_accion_datos(m, r)}
    ),
    "admin:tramites_tramite_vista_previa": solo_get(permiso("tramites.change_tramite")),
    "admin:tramites_certificado_revocar": get_y_post(
        OFICINA, post=permiso("tramites.revocar_certificado"), datos=lambda m, r: {"motivo": "Prueba de acceso."}
    ),
    "admin:auth_user_password_change": get_y_post(permiso("change")),
    **catalogo_admin("auth/group"),
    **catalogo_admin("account/emailaddress"),
    **catalogo_admin("mfa/authenticator"),
    **catalogo_admin("ciudadanos/usuario"),
    **catalogo_admin("ciudadanos/perfil"),
    **modelo_admin(
        "ciudadanos/bloqueoacceso", ver=permiso("ciudadanos.change_usuario"), agregar=NADIE, cambiar=NADIE,
        borrar=NADIE,
    ),
    # Read only: companies and their representatives, and the PIDE lookups (audit).
    **modelo_admin("ciudadanos/empresa", ver=permiso("view", "change"), agregar=NADIE, cambiar=NADIE, borrar=NADIE),
    # Read only: the evidence of consent to electronic notification, and the alert channels.
    **modelo_admin("ciudadanos/consentimientonotificacion", ver=permiso("view", "change"), agregar=NADIE,
                   cambiar=NADIE, borrar=NADIE),
    **modelo_admin("ciudadanos/canalaviso", ver=permiso("view", "change"), agregar=NADIE, cambiar=NADIE,
                   borrar=NADIE),
    **modelo_admin("ciudadanos/consultapide", ver=permiso("view", "change"), agregar=NADIE, cambiar=NADIE,
                   borrar=NADIE),
    # An office with procedures, a procedure with requests: never deleted, only deactivated.
    **modelo_admin("tramites/oficina", ver=permiso("view", "change"), agregar=permiso("add"),
                   cambiar=permiso("change"), borrar=NADIE),
    **modelo_admin("tramites/tramite", ver=permiso("view", "change"), agregar=permiso("add"),
                   cambiar=permiso("change"), borrar=NADIE),
    **catalogo_admin("tramites/dianolaborable"),
    **catalogo_admin("transparencia/atencionpresencial"),
    **catalogo_admin("transparencia/costomensual"),
    **modelo_admin("transparencia/valoracion", ver=permiso("view", "change"), agregar=NADIE,
                   cambiar=permiso("change"), borrar=permiso("delete")),
    # Scoped by office: a servant reads only their offices' requests, documents and complaints.
    **modelo_admin("tramites/solicitud", ver=permiso("view", "change"), agregar=NADIE, cambiar=NADIE, borrar=NADIE),
    **modelo_admin("tramites/accesoexpediente", ver=permiso("view", "change"), agregar=NADIE, cambiar=NADIE,
                   borrar=NADIE),
    **modelo_admin("tramites/certificado", ver=permiso("view", "change"), agregar=NADIE, cambiar=NADIE, borrar=NADIE),
    **modelo_admin("tramites/cargopresentacion", ver=permiso("view", "change"), agregar=NADIE, cambiar=NADIE,
                   borrar=NADIE),
    **modelo_admin("tramites/resolucion", ver=permiso("view", "change"), agregar=NADIE, cambiar=NADIE, borrar=NADIE),
    **modelo_admin("tramites/constancianotificacion", ver=permiso("view", "change"), agregar=NADIE, cambiar=NADIE,
                   borrar=NADIE),
    **modelo_admin("transparencia/reclamo", ver=permiso("view", "change"), agregar=NADIE, cambiar=permiso("change"),
                   borrar=NADIE, datos_cambio=lambda m, r: {"respuesta": "Lo atendimos."}),
    **modelo_admin("transparencia/hojareclamo", ver=permiso("view", "change"), agregar=NADIE, cambiar=NADIE,
                   borrar=NADIE),
    # The outbox: only who holds its permissions (the operators) sees or retries a message.
    **modelo_admin("egov/mensaje", ver=permiso("view", "change"), agregar=NADIE, cambiar=NADIE, borrar=NADIE),
}


# --- Judging a response -------------------------------------------------------------------------

LOGIN = ("/cuenta/login/", "/admin/login/")
PANEL = "/admin/"
ACTIVAR_TOTP = "/cuenta/2fa/totp/activate/"
COMPLETAR_PERFIL = "/cuenta/perfil/editar/"


def desenlace(respuesta) -> str:
    estado = respuesta.status_code
    if estado >= 500:
        return "error"
    if estado in (301, 302, 303, 307, 308):
        destino = respuesta["Location"]
        if destino.startswith(LOGIN):
            return "login"
        if destino.startswith(ACTIVAR_TOTP):
            return "activar_totp"
        if destino.startswith(COMPLETAR_PERFIL + "?next="):
            return "completar_perfil"
        if destino == PANEL:
            return "al_panel"
        return "redirige"
    if estado in (401, 403, 404):  # 401: a webhook whose caller did not prove the shared secret
        return "negado"
    if 200 <= estado < 300 or estado == 400:
        return "atendido"
    return f"estado {estado}"


def negaciones_validas(actor: Actor) -> set[str]:
    validas = {"negado"}
    if not actor.autenticado or not actor.usuario.is_staff:
        validas.add("login")
    elif not actor.habilitado:
        validas.add("activar_totp")
    if not actor.habilitado:
        # The panel's index is itself a login (or TOTP) wall for whoever has no staff rights.
        validas.add("al_panel")
    if actor.autenticado and not actor.con_perfil:
        # The filing pages ask for a profile before anything else: a gate, not an answer.
        validas.add("completar_perfil")
    return validas


def permisos_validos(actor: Actor) -> set[str]:
    validas = {"atendido", "redirige", "al_panel"}
    if actor.autenticado and not actor.con_perfil:
        validas.add("completar_perfil")
    return validas


def _marcas(dato: str) -> set[str]:
    """How a datum can appear in a body: as is, HTML-escaped or inside JSON."""
    return {dato, html.escape(dato), json.dumps(dato)[1:-1]}


def datos_ajenos(cuerpo: str, actor: Actor, relleno: Relleno, permitido: bool, mundo: Mundo) -> list[str]:
    """Personal data in the body that this actor may not read here: on a
    refused cell anything but their own; on an allowed one, anything of what
    they may not see anywhere (other than the object the URL reaches)."""
    propios, visibles, todos = set(), set(), set()
    for objeto in mundo.todos_los_objetos():
        todos.update(objeto.datos)
        if actor.autenticado and objeto.dueno == actor.usuario.pk:
            propios.update(objeto.datos)
        if permitido and (actor.ve(objeto) or objeto == relleno.objeto):
            visibles.update(objeto.datos)
    prohibidos = todos - propios - visibles
    return sorted(d for d in prohibidos if any(m in cuerpo for m in _marcas(d)))


@dataclasses.dataclass
class Celda:
    clave: str
    metodo: str
    url: str
    actor: str
    objeto: str
    esperado: str
    obtenido: str

    def __str__(self):
        return (f"{self.metodo} {self.url} [{self.clave}] como {self.actor}, sobre {self.objeto}: "
                f"se esperaba {self.esperado} y dio {self.obtenido}")


def _excepcion(respuesta) -> str:
    info = getattr(respuesta, "exc_info", None)
    if not info:
        return ""
    import traceback

    marco = traceback.extract_tb(info[2])[-1]
    return f"{info[0].__name__}: {str(info[1])[:200]} en {marco.filename}:{marco.lineno}"


def juzgar(respuesta, actor: Actor, relleno: Relleno, permitido: bool, mundo: Mundo) -> str | None:
    """What is wrong with this response, or None."""
    obtenido = desenlace(respuesta)
    if obtenido == "error":
        return f"{respuesta.status_code} {_excepcion(respuesta)}"
    if permitido and obtenido not in permisos_validos(actor):
        return f"{respuesta.status_code} ({obtenido}) {respuesta.get('Location', '')}"
    if not permitido and obtenido not in negaciones_validas(actor):
        return f"{respuesta.status_code} ({obtenido}) {respuesta.get('Location', '')}"
    if not respuesta.streaming:
        cuerpo = respuesta.content.decode("utf-8", errors="replace")
        ajenos = datos_ajenos(cuerpo, actor, relleno, permitido, mundo)
        if ajenos:
            return f"{respuesta.status_code} y muestra datos ajenos: {', '.join(sorted(set(ajenos)))}"
    return None


# --- The tests ------------------------------------------------------------------------------------


def test_cada_url_del_proyecto_tiene_una_expectativa():
    claves = {p.clave for p in patrones()}
    sin_expectativa = sorted(claves - set(ESPERADO))
    sobrantes = sorted(set(ESPERADO) - claves)
    assert not sin_expectativa, "URLs sin expectativa (clasifícalas en ESPERADO):\n" + "\n".join(sin_expectativa)
    assert not sobrantes, "Expectativas de URLs que ya no existen:\n" + "\n".join(sobrantes)


def test_cada_modelo_del_admin_tiene_un_objeto_para_probar(mundo):
    registrados = {modelo._meta.label_lower for modelo in admin.site._registry}
    faltan = sorted(registrados - set(mundo.admin))
    assert not faltan, f"Modelos del admin sin objeto en el mundo de prueba: {faltan}"


def test_matriz_de_acceso(mundo):
    fallas, celdas, sin_valores = [], 0, []
    por_actor = {clave: mundo.actor(clave) for clave in ACTORES}
    clientes = {clave: actor.cliente() for clave, actor in por_actor.items()}
    lista = [p for p in patrones() if p.clave in ESPERADO]
    for metodo in ("GET", "POST"):
        for patron in lista:
            esperado = ESPERADO[patron.clave]
            regla = esperado.get if metodo == "GET" else esperado.post
            if regla is None:
                continue
            casos = rellenos(patron, mundo)
            if not casos:
                sin_valores.append(patron.clave)
                continue
            for relleno in casos:
                url = patron.url(relleno.valores)
                datos = esperado.datos(mundo, relleno) if metodo == "POST" else None
                for clave, actor in por_actor.items():
                    permitido = regla.permite(actor, relleno)
                    respuesta = pedir(clientes[clave], metodo, url, datos)
                    celdas += 1
                    problema = juzgar(respuesta, actor, relleno, permitido, mundo)
                    if problema:
                        fallas.append(Celda(
                            patron.clave, metodo, url, clave, relleno.objeto.nombre,
                            f"{'permitido' if permitido else 'negado'} («{regla}»)", problema,
                        ))
                    if metodo == "POST":
                        clientes[clave] = actor.cliente()  # a POST may have logged out
    assert not sin_valores, f"URLs sin valores para sus parámetros: {sorted(set(sin_valores))}"
    assert celdas > 1000
    assert not fallas, f"{len(fallas)} de {celdas} celdas fallan:\n" + "\n".join(str(f) for f in fallas)
