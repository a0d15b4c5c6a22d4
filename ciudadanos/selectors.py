"""Reads about citizens, and what the portal holds about each one."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.db.models import CharField, F, QuerySet, Value
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from egov.dominio import NoEncontrado

from . import ubigeo
from .models import (
    ConsultaPide,
    Notificacion,
    OrigenConsulta,
    Perfil,
    ResultadoConsulta,
    ServicioPide,
    Usuario,
)

# Other apps (which may depend on this one, never the reverse) add their part of
# a citizen's data export here from their AppConfig.ready().
ExportadorDatos = Callable[[Usuario], tuple[str, object]]
_EXPORTADORES: list[ExportadorDatos] = []


def exportador_registrar(funcion: ExportadorDatos) -> ExportadorDatos:
    if funcion not in _EXPORTADORES:
        _EXPORTADORES.append(funcion)
    return funcion


# --- "Uso de mis datos": what was done with the citizen's data ----------------------------
# Every PIDE lookup about the citizen (ConsultaPide, here) and what other apps
# contribute from their AppConfig.ready() (tramites: each time staff opened one
# of their requests), merged newest first. A source gives a queryset of rows
# with the columns `tipo`, `fecha` and `pk` (uso_columnas) — they are merged
# in the database, so a page costs one query per source — and a function that
# describes the rows of one page.


@dataclass(frozen=True)
class UsoDeDatos:
    fecha: datetime.datetime
    que: str  # what happened, in plain words
    quien: str  # tú / personal de la entidad (office and role, never a name) / paso automático
    para_que: str
    enlace: str = ""  # where the citizen sees the procedure it was for
    resultado: str = ""


@dataclass(frozen=True)
class FuenteUso:
    tipo: str
    filas: Callable[[Usuario], QuerySet]
    describir: Callable[[list[int]], dict[int, UsoDeDatos]]


_FUENTES_USO: dict[str, FuenteUso] = {}
# "solicitud" -> function(list of ids as text) -> {id: (text, link)}
_REFERENCIAS: dict[str, Callable[[list[str]], dict[str, tuple[str, str]]]] = {}
# describes a servant as office and role (never their name), given by tramites
_PERSONAL: list[Callable[[list[int]], dict[int, str]]] = []


def uso_columnas(queryset: QuerySet, *, tipo: str, fecha: str) -> QuerySet:
    """A source's rows in the shape the merge needs."""
    return queryset.annotate(
        uso_tipo=Value(tipo, output_field=CharField()), uso_fecha=F(fecha)
    ).values("pk", "uso_tipo", "uso_fecha")


def fuente_uso_registrar(*, tipo: str, filas, describir) -> None:
    _FUENTES_USO[tipo] = FuenteUso(tipo, filas, describir)


def referencia_registrar(prefijo: str, funcion) -> None:
    """How to name (and link) what a lookup was for, e.g. "solicitud:123"."""
    _REFERENCIAS[prefijo] = funcion


def personal_describir_registrar(funcion) -> None:
    if funcion not in _PERSONAL:
        _PERSONAL.append(funcion)


def _consultas_filas(usuario):
    return uso_columnas(ConsultaPide.objects.filter(titular=usuario), tipo="pide", fecha="creada_en")


QUE_CONSULTA = {
    ServicioPide.RENIEC: _lazy("Consulta a RENIEC de tus nombres por tu DNI"),
    ServicioPide.SUNAT: _lazy("Consulta a SUNAT de los datos de la empresa con RUC %(documento)s"),
}
RESULTADO_CONSULTA = {
    ResultadoConsulta.ENCONTRADO: _lazy("Respondió con los datos pedidos"),
    ResultadoConsulta.NO_ENCONTRADO: _lazy("No encontró el número consultado"),
    ResultadoConsulta.RECHAZADA: _lazy("No respondió (credenciales de la entidad rechazadas)"),
    ResultadoConsulta.NO_DISPONIBLE: _lazy("No respondió (servicio no disponible)"),
}


def _referencias_describir(referencias: list[str]) -> dict[str, tuple[str, str]]:
    por_prefijo: dict[str, list[str]] = {}
    for referencia in referencias:
        prefijo, _sep, valor = referencia.partition(":")
        if valor and prefijo in _REFERENCIAS:
            por_prefijo.setdefault(prefijo, []).append(valor)
    descritas = {}
    for prefijo, valores in por_prefijo.items():
        for valor, descripcion in _REFERENCIAS[prefijo](valores).items():
            descritas[f"{prefijo}:{valor}"] = descripcion
    return descritas


def _personal(ids: list[int]) -> dict[int, str]:
    descritos: dict[int, str] = {}
    for funcion in _PERSONAL:
        descritos.update(funcion(ids))
    return descritos


def _consultas_describir(pks: list[int]) -> dict[int, UsoDeDatos]:
    consultas = list(ConsultaPide.objects.filter(pk__in=pks))
    referencias = _referencias_describir([c.referencia for c in consultas if c.referencia])
    personal = _personal(sorted({c.solicitada_por_id for c in consultas
                                 if c.origen == OrigenConsulta.SERVIDOR and c.solicitada_por_id}))
    descritas = {}
    for c in consultas:
        if c.origen == OrigenConsulta.SERVIDOR:
            oficina = personal.get(c.solicitada_por_id)
            quien = _("Personal de la entidad: %(oficina)s") % {"oficina": oficina} if oficina else str(
                OrigenConsulta.SERVIDOR.label)
        else:
            quien = str(OrigenConsulta(c.origen).label)
        texto, enlace = referencias.get(c.referencia, ("", ""))
        para_que = f"{c.motivo} ({texto})" if texto else c.motivo
        resultado = str(RESULTADO_CONSULTA.get(c.resultado, c.get_resultado_display()))
        if c.en_cache:
            resultado = _("Respondida con una consulta de hace unos minutos, sin volver a preguntar")
        descritas[c.pk] = UsoDeDatos(
            fecha=c.creada_en, que=str(QUE_CONSULTA[c.servicio]) % {"documento": c.documento},
            quien=quien, para_que=para_que, enlace=enlace, resultado=resultado,
        )
    return descritas


def _fuentes() -> dict[str, FuenteUso]:
    return {"pide": FuenteUso("pide", _consultas_filas, _consultas_describir), **_FUENTES_USO}


def uso_de_datos_filas(*, usuario: Usuario) -> QuerySet:
    """Every use of the citizen's data, newest first, as (pk, uso_tipo,
    uso_fecha) rows: paginate this, then uso_de_datos_describir a page."""
    fuentes = list(_fuentes().values())
    filas = fuentes[0].filas(usuario)
    if len(fuentes) > 1:
        filas = filas.union(*(f.filas(usuario) for f in fuentes[1:]), all=True)
    return filas.order_by("-uso_fecha", "-uso_tipo", "-pk")


def uso_de_datos_describir(filas) -> list[UsoDeDatos]:
    fuentes = _fuentes()
    por_tipo: dict[str, list[int]] = {}
    for fila in filas:
        por_tipo.setdefault(fila["uso_tipo"], []).append(fila["pk"])
    descritas = {
        (tipo, pk): uso
        for tipo, pks in por_tipo.items() if tipo in fuentes
        for pk, uso in fuentes[tipo].describir(pks).items()
    }
    return [descritas[(f["uso_tipo"], f["pk"])] for f in filas if (f["uso_tipo"], f["pk"]) in descritas]


def _uso_de_datos_exportar(usuario: Usuario) -> list[dict]:
    return [
        {
            "fecha": _fecha(uso.fecha),
            "que": uso.que,
            "quien": uso.quien,
            "para_que": uso.para_que,
            "resultado": uso.resultado,
        }
        for uso in uso_de_datos_describir(list(uso_de_datos_filas(usuario=usuario)))
    ]


def personal_habilitado(usuario) -> bool:
    """Whether staff rights count for this account: an active staff account
    with two-factor authentication (TOTP) activated. allauth asks every login
    of such an account for the second factor, so a session that did not pass
    it never reaches what staff rights open. A staff account without it is
    treated as a citizen's everywhere (admin, selectors, services)."""
    if usuario is None or not (usuario.is_authenticated and usuario.is_active and usuario.is_staff):
        return False
    habilitado = getattr(usuario, "_personal_habilitado", None)
    if habilitado is None:
        habilitado = Authenticator.objects.filter(user=usuario, type=Authenticator.Type.TOTP).exists()
        usuario._personal_habilitado = habilitado
    return habilitado


def perfil_de_usuario(*, usuario: Usuario) -> Perfil | None:
    return Perfil.objects.filter(usuario=usuario).first()


def campos_discrepantes(perfil: Perfil) -> list[str]:
    """Which names (their labels) differ from RENIEC, to tell the citizen
    without showing RENIEC's values (the staff see those)."""
    texto = perfil.discrepancia_reniec or ""
    return [
        str(Perfil._meta.get_field(c).verbose_name)
        for c in ("nombres", "apellido_paterno", "apellido_materno")
        if f"- {Perfil._meta.get_field(c).verbose_name}:" in texto
    ]


def perfil_completo(*, usuario: Usuario) -> bool:
    return Perfil.objects.filter(usuario=usuario).exists()


def _fecha(valor):
    return timezone.localtime(valor).isoformat() if valor else None


def datos_personales_exportar(*, usuario: Usuario) -> dict:
    """All personal data the portal holds about the citizen (right of access,
    Ley 29733), as plain JSON-ready values."""
    datos = {
        "generado_el": _fecha(timezone.now()),
        "cuenta": {
            "correo": usuario.email,
            "fecha_registro": _fecha(usuario.date_joined),
            "ultimo_ingreso": _fecha(usuario.last_login),
        },
        "correos": [
            {"correo": e.email, "verificado": e.verified, "principal": e.primary}
            for e in EmailAddress.objects.filter(user=usuario).order_by("email")
        ],
        "verificacion_en_dos_pasos": [
            {
                "tipo": a.get_type_display(),
                "activado_el": _fecha(a.created_at),
                "ultimo_uso": _fecha(a.last_used_at),
            }
            for a in Authenticator.objects.filter(user=usuario).order_by("created_at")
        ],
        "perfil": None,
    }
    perfil = perfil_de_usuario(usuario=usuario)
    if perfil is not None:
        lugar = ubigeo.ubicacion(perfil.ubigeo)
        datos["perfil"] = {
            "tipo_documento": perfil.get_tipo_documento_display(),
            "numero_documento": perfil.numero_documento,
            "digito_verificacion": perfil.digito_verificacion,
            "nombres": perfil.nombres,
            "primer_apellido": perfil.apellido_paterno,
            "segundo_apellido": perfil.apellido_materno,
            "fecha_nacimiento": perfil.fecha_nacimiento.isoformat(),
            "celular": perfil.telefono,
            "direccion": perfil.direccion,
            "ubigeo_inei": perfil.ubigeo,
            "ubigeo_reniec": lugar["distrito"].codigo_reniec if lugar else None,
            "departamento": lugar["departamento"].nombre if lugar else None,
            "provincia": lugar["provincia"].nombre if lugar else None,
            "distrito": lugar["distrito"].nombre if lugar else None,
            "nivel_garantia_identidad": perfil.get_nivel_identidad_display(),
            "identidad_verificada_el": _fecha(perfil.identidad_verificada_en),
            "nombres_verificados_con_reniec_el": _fecha(perfil.datos_reniec_en),
            "nombres_distintos_de_reniec": campos_discrepantes(perfil),
            "creado_el": _fecha(perfil.creado_en),
            "actualizado_el": _fecha(perfil.actualizado_en),
        }
    datos["casilla_electronica"] = [
        {
            "asunto": n.asunto,
            "mensaje": n.cuerpo,
            "depositada_el": _fecha(n.depositada_en),
            "leida_el": _fecha(n.leida_en),
        }
        for n in notificaciones_de(usuario=usuario)
    ]
    datos["uso_de_mis_datos"] = _uso_de_datos_exportar(usuario)
    for exportador in _EXPORTADORES:
        clave, valor = exportador(usuario)
        datos[clave] = valor
    return datos


def notificaciones_de(*, usuario: Usuario):
    return Notificacion.objects.filter(usuario=usuario).order_by("-depositada_en", "-id")


def notificacion_de(*, usuario: Usuario, pk: int) -> Notificacion:
    notificacion = Notificacion.objects.filter(usuario=usuario, pk=pk).first()
    if notificacion is None:
        raise NoEncontrado
    return notificacion


def aviso_sin_leer_desde(*, usuario_id: int, referencia: str, desde) -> bool:
    """Whether a notice about this reference, deposited since then, is still
    unread (so what it announced has not been looked at yet)."""
    return Notificacion.objects.filter(
        usuario_id=usuario_id, referencia=referencia, depositada_en__gte=desde, leida_en__isnull=True
    ).exists()


def no_leidas_contar(*, usuario: Usuario) -> int:
    """Unread notices for the header, cached until one is deposited or read."""
    from django.core.cache import cache

    from .services import clave_no_leidas

    return cache.get_or_set(
        clave_no_leidas(usuario.pk),
        lambda: Notificacion.objects.filter(usuario=usuario, leida_en__isnull=True).count(),
        3600,
    )
