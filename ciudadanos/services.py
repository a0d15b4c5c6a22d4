"""Every write about citizens: profiles, identity assurance, the casilla's notices."""

import datetime

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.mensajes import correo_registrar

from .models import (
    CategoriaAviso,
    ConsultaPide,
    NivelIdentidad,
    Notificacion,
    OrigenConsulta,
    Perfil,
    ServicioPide,
    TipoDocumento,
    Usuario,
)
from .signals import notificacion_leida

CAMPOS_IDENTIDAD = (
    "tipo_documento",
    "numero_documento",
    "digito_verificacion",
    "nombres",
    "apellido_paterno",
    "apellido_materno",
    "fecha_nacimiento",
)
CAMPOS_CONTACTO = ("telefono", "direccion", "ubigeo")


class DocumentoYaRegistrado(ValidationError):
    def __init__(self):
        super().__init__(
            _(
                "Ya existe una cuenta con ese documento de identidad. Si es tuya, inicia "
                "sesión con ella o recupera su contraseña; si no lo es, escríbenos."
            ),
            code="documento_duplicado",
        )


def perfil_guardar(*, usuario: Usuario, datos: dict, reniec=None) -> Perfil:
    """Creates or updates the citizen's profile and alerts them by email.

    A verified identity is not changed here (only the contact data is), nor
    are names verified with RENIEC while the document stays the same. Two
    accounts can never hold the same document: the database's unique
    constraint decides, even when two registrations arrive at the same time.
    `reniec` is RENIEC's answer for the document (pide.Persona), when the
    portal asked: names that match are marked verified; names that differ
    are kept as typed and the difference is left for the servant.
    """
    with transaction.atomic():
        perfil = Perfil.objects.select_for_update().filter(usuario=usuario).first()
        nuevo = perfil is None
        if nuevo:
            perfil = Perfil(usuario=usuario)
        documento_cambia = nuevo or (perfil.tipo_documento, perfil.numero_documento) != (
            datos.get("tipo_documento", ""), datos.get("numero_documento", "")
        )
        campos = CAMPOS_CONTACTO
        if not perfil.identidad_verificada:
            campos = CAMPOS_IDENTIDAD + CAMPOS_CONTACTO
            if perfil.datos_reniec_en and not documento_cambia:
                campos = tuple(c for c in campos if c not in CAMPOS_NOMBRES)
        cambiados = [c for c in campos if getattr(perfil, c) != datos.get(c, "")]
        for campo in cambiados:
            setattr(perfil, campo, datos.get(campo, ""))
        reniec_antes = (perfil.datos_reniec_en, perfil.discrepancia_reniec)
        if documento_cambia and not perfil.identidad_verificada:
            perfil.datos_reniec_en, perfil.discrepancia_reniec = None, ""
        if reniec is not None and not perfil.identidad_verificada:
            _reniec_comparar(perfil, reniec)
        reniec_cambia = (perfil.datos_reniec_en, perfil.discrepancia_reniec) != reniec_antes
        if not cambiados and not nuevo and not reniec_cambia:
            return perfil
        try:
            with transaction.atomic():
                perfil.save()
        except IntegrityError:
            raise DocumentoYaRegistrado() from None
        if cambiados or nuevo:
            etiquetas = sorted({str(Perfil._meta.get_field(c).verbose_name) for c in cambiados})
            _perfil_alerta_registrar(usuario=usuario, perfil=perfil, campos=[] if nuevo else etiquetas)
    return perfil


# --- Names verified with RENIEC (through PIDE) ---------------------------------------------

CAMPOS_NOMBRES = ("nombres", "apellido_paterno", "apellido_materno")
# RENIEC lookups a citizen can start from their profile in 24 hours: enough to
# fix a typo, too few to find out the names behind other people's DNIs.
RENIEC_CONSULTAS_DIARIAS = 5


class ResultadoReniec:
    SIN_CONSULTA = "sin_consulta"  # PIDE not configured, not a DNI, or already verified
    VERIFICADO = "verificado"
    DISCREPANCIA = "discrepancia"
    NO_ENCONTRADO = "no_encontrado"
    NO_DISPONIBLE = "no_disponible"


class NombresRequeridos(ValidationError):
    """The citizen left their names for RENIEC to fill in, and RENIEC did not
    answer (or has no such DNI): they type them. `campo` is the field to fix."""

    def __init__(self, mensaje, campo="nombres"):
        self.campo = campo
        super().__init__(mensaje, code="nombres_requeridos")


def _comparable(texto: str) -> str:
    """A name as compared with RENIEC's: no accents, no case, single spaces
    (RENIEC writes MARIA JOSE where the citizen writes María José)."""
    import unicodedata

    sin_tildes = "".join(
        c for c in unicodedata.normalize("NFD", texto or "") if unicodedata.category(c) != "Mn"
    )
    return " ".join(sin_tildes.replace("’", "'").casefold().split())


def _reniec_comparar(perfil: Perfil, persona) -> None:
    diferentes = [c for c in CAMPOS_NOMBRES if _comparable(getattr(perfil, c)) != _comparable(getattr(persona, c))]
    if not diferentes:
        perfil.datos_reniec_en = timezone.now()
        perfil.discrepancia_reniec = ""
        return
    perfil.datos_reniec_en = None
    etiquetas = {c: str(Perfil._meta.get_field(c).verbose_name) for c in CAMPOS_NOMBRES}
    lineas = [
        _("RENIEC, consulta del %(fecha)s por el DNI %(dni)s:") % {
            "fecha": timezone.localtime().strftime("%d/%m/%Y %H:%M"), "dni": persona.dni,
        }
    ]
    for campo in diferentes:
        lineas.append(_("- %(campo)s: escrito «%(escrito)s», RENIEC «%(reniec)s»") % {
            "campo": etiquetas[campo], "escrito": getattr(perfil, campo), "reniec": getattr(persona, campo),
        })
    perfil.discrepancia_reniec = "\n".join(lineas)


def _consultas_del_dia(usuario: Usuario) -> int:
    return ConsultaPide.objects.filter(
        solicitada_por=usuario, origen=OrigenConsulta.CIUDADANO, servicio=ServicioPide.RENIEC,
        creada_en__gte=timezone.now() - datetime.timedelta(hours=24),
    ).count()


def perfil_guardar_con_reniec(*, usuario: Usuario, datos: dict, consultar_reniec: bool = True) -> tuple[Perfil, str]:
    """The profile form's save: with a DNI (and PIDE configured) the names
    come from RENIEC. Names the citizen left blank are filled from RENIEC;
    names typed are compared and kept. When RENIEC does not answer the
    profile is saved with the names typed (unverified); if they were left
    blank, NombresRequeridos asks for them. Returns the profile and what
    happened (ResultadoReniec)."""
    from . import pide

    datos = dict(datos)
    actual = Perfil.objects.filter(usuario=usuario).first()
    consultar = (
        consultar_reniec  # False: the names come from ID GOB.PE, verified by RENIEC already
        and datos.get("tipo_documento") == TipoDocumento.DNI
        and pide.configurado()
        and not (actual and actual.identidad_verificada)
        and not (
            actual and actual.datos_reniec_en
            and (actual.tipo_documento, actual.numero_documento) == (TipoDocumento.DNI, datos.get("numero_documento"))
        )
    )
    faltan = [c for c in ("nombres", "apellido_paterno") if not datos.get(c)]
    if not consultar:
        if faltan:
            raise NombresRequeridos(_("Escribe tus nombres y apellidos como figuran en tu documento."))
        return perfil_guardar(usuario=usuario, datos=datos), ResultadoReniec.SIN_CONSULTA
    if Perfil.objects.filter(
        tipo_documento=TipoDocumento.DNI, numero_documento=datos.get("numero_documento")
    ).exclude(usuario=usuario).exists():
        raise DocumentoYaRegistrado()  # before asking RENIEC about someone else's DNI

    persona, resultado = None, ResultadoReniec.NO_DISPONIBLE
    if _consultas_del_dia(usuario) < RENIEC_CONSULTAS_DIARIAS:
        try:
            persona = pide.persona_consultar(
                dni=datos["numero_documento"], titular=usuario, origen=OrigenConsulta.CIUDADANO,
                motivo=_("Completar tu perfil"), solicitada_por=usuario, referencia="perfil",
            )
        except pide.NoEncontrado:
            resultado = ResultadoReniec.NO_ENCONTRADO
        except pide.NoDisponible:
            resultado = ResultadoReniec.NO_DISPONIBLE
    if persona is None:
        if faltan and resultado == ResultadoReniec.NO_ENCONTRADO:
            raise NombresRequeridos(
                _("RENIEC no tiene registrado ese DNI. Revisa el número: son las 8 cifras de tu DNI."),
                campo="numero_documento",
            )
        if faltan:
            raise NombresRequeridos(_(
                "No pudimos consultar tus nombres en RENIEC en este momento. Escríbelos tal como "
                "figuran en tu DNI y guarda otra vez."
            ))
        return perfil_guardar(usuario=usuario, datos=datos), resultado
    for campo in CAMPOS_NOMBRES:
        if not datos.get(campo):
            datos[campo] = getattr(persona, campo)
    perfil = perfil_guardar(usuario=usuario, datos=datos, reniec=persona)
    return perfil, ResultadoReniec.VERIFICADO if perfil.datos_reniec_en else ResultadoReniec.DISCREPANCIA


def identidad_sin_verificar(perfil: Perfil | None) -> bool:
    """Whether nobody has checked the identity data the citizen typed: no
    RENIEC match, no in-person or provider verification."""
    return perfil is None or not (perfil.identidad_verificada or perfil.datos_reniec_en)


def perfil_reniec_al_presentar(*, usuario: Usuario, referencia: str) -> bool:
    """An automatic step when a request is filed: a DNI whose names were
    never checked (RENIEC did not answer before) is looked up once more.
    Never raises for PIDE: filing goes on either way. Returns whether the
    identity is verified now."""
    from . import pide

    perfil = Perfil.objects.filter(usuario=usuario).first()
    if not identidad_sin_verificar(perfil):
        return True
    if (
        perfil is None or perfil.tipo_documento != TipoDocumento.DNI or perfil.discrepancia_reniec
        or not pide.disponible(ServicioPide.RENIEC)
    ):
        return False
    try:
        persona = pide.persona_consultar(
            dni=perfil.numero_documento, titular=usuario, origen=OrigenConsulta.AUTOMATICO,
            motivo=_("Verificar tu identidad al presentar tu solicitud"), referencia=referencia,
        )
    except (pide.NoEncontrado, pide.NoDisponible):
        return False
    with transaction.atomic():
        perfil = Perfil.objects.select_for_update().get(pk=perfil.pk)
        if identidad_sin_verificar(perfil) and perfil.numero_documento == persona.dni:
            _reniec_comparar(perfil, persona)
            perfil.save(update_fields=["datos_reniec_en", "discrepancia_reniec", "actualizado_en"])
    return not identidad_sin_verificar(perfil)


def perfil_verificar_identidad(
    *, perfil: Perfil, metodo: str, verificador: Usuario | None
) -> Perfil:
    """Records that a servant (in person) or an identity provider confirmed who
    the citizen is."""
    if metodo not in (NivelIdentidad.PRESENCIAL, NivelIdentidad.PROVEEDOR):
        raise ValueError(f"Método de verificación desconocido: {metodo}")
    with transaction.atomic():
        perfil = Perfil.objects.select_for_update().get(pk=perfil.pk)
        perfil.nivel_identidad = metodo
        perfil.identidad_verificada_en = timezone.now()
        perfil.identidad_verificada_por = verificador
        perfil.save(
            update_fields=[
                "nivel_identidad",
                "identidad_verificada_en",
                "identidad_verificada_por",
                "actualizado_en",
            ]
        )
    return perfil


def _perfil_alerta_registrar(*, usuario: Usuario, perfil: Perfil, campos: list[str]) -> None:
    """Tells the citizen their profile was created or changed, so a change they
    did not make does not go unnoticed."""
    contexto = {
        "perfil": perfil,
        "campos": campos,
        "cuando": timezone.localtime(),
        "perfil_url": settings.SITE_URL + "/cuenta/perfil/",
        "ENTIDAD_NOMBRE": settings.ENTIDAD_NOMBRE,
        "ENTIDAD_CORREO_CONTACTO": settings.ENTIDAD_CORREO_CONTACTO,
    }
    asunto = _("Actualizaste los datos de tu perfil") if campos else _("Completaste tu perfil de identidad")
    correo_registrar(
        para=[usuario.email], asunto=asunto,
        texto=render_to_string("ciudadanos/correo/perfil_cambio.txt", contexto),
        referencia=f"perfil:{usuario.pk}",
    )


def _no_leidas_invalidar(usuario_id: int) -> None:
    transaction.on_commit(lambda: cache.delete(clave_no_leidas(usuario_id)), robust=True)


def clave_no_leidas(usuario_id: int) -> str:
    return f"casilla:no_leidas:{usuario_id}"


def aviso_depositar(
    *, usuario: Usuario, asunto: str, cuerpo: str, enlace: str, referencia: str = "",
    categoria: str = CategoriaAviso.NOVEDAD, plazo_vence_en=None,
) -> Notificacion:
    """The one way the portal tells a citizen something about their requests.

    Other apps give a subject, a text, a link, an opaque reference (never
    their own objects), how urgent it is (`categoria`) and the deadline it
    starts, if any. The notice is deposited in the casilla electrónica and
    its alerts recorded in the portal's outbox in the same transaction (at
    once, or in the day's digest for routine news: ciudadanos/alertas.py).
    A notice with legal effect needs the citizen's consent in force
    (`canales.consentimiento_vigente`): the caller checks it first and
    notifies by other means without it.
    """
    from .alertas import alertas_registrar

    with transaction.atomic():
        notificacion = Notificacion.objects.create(
            usuario=usuario, asunto=asunto[:200], cuerpo=cuerpo, enlace=enlace, referencia=referencia,
            categoria=categoria, plazo_vence_en=plazo_vence_en,
        )
        _no_leidas_invalidar(usuario.pk)
        if categoria != CategoriaAviso.NOVEDAD:
            alertas_registrar(notificacion=notificacion)
    return notificacion


def notificacion_leer(*, notificacion: Notificacion, usuario: Usuario) -> Notificacion:
    """The citizen opens the notice: the first opening is the acknowledgement."""
    if notificacion.usuario_id != usuario.pk:
        raise PermissionError("Solo el destinatario puede leer su notificación.")
    with transaction.atomic():
        actualizadas = Notificacion.objects.filter(pk=notificacion.pk, leida_en__isnull=True).update(
            leida_en=timezone.now()
        )
        notificacion.refresh_from_db()
        if actualizadas:
            _no_leidas_invalidar(usuario.pk)
            notificacion_leida.send(sender=Notificacion, notificacion=notificacion)
    return notificacion


def notificaciones_leer_todas(*, usuario: Usuario) -> int:
    """The citizen marks every unread notice as read. Each one gets its read
    time recorded and announced exactly as if it had been opened: the citizen
    declares, from inside their casilla, that they have taken notice of them,
    so it is the acknowledgement (Ley 31736) and any term they set starts to
    run. Returns how many were unread."""
    with transaction.atomic():
        pendientes = list(
            Notificacion.objects.select_for_update()
            .filter(usuario=usuario, leida_en__isnull=True)
            .order_by("depositada_en", "id")
        )
        if not pendientes:
            return 0
        ahora = timezone.now()
        Notificacion.objects.filter(pk__in=[n.pk for n in pendientes]).update(leida_en=ahora)
        _no_leidas_invalidar(usuario.pk)
        for notificacion in pendientes:
            notificacion.leida_en = ahora
            notificacion_leida.send(sender=Notificacion, notificacion=notificacion)
    return len(pendientes)
