"""Every write about citizens: profiles, identity assurance, email alerts."""

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.mensajes import correo_registrar

from .models import NivelIdentidad, Notificacion, Perfil, Usuario
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


def perfil_guardar(*, usuario: Usuario, datos: dict) -> Perfil:
    """Creates or updates the citizen's profile and alerts them by email.

    A verified identity is not changed here (only the contact data is). Two
    accounts can never hold the same document: the database's unique constraint
    decides, even when two registrations arrive at the same time.
    """
    with transaction.atomic():
        perfil = Perfil.objects.select_for_update().filter(usuario=usuario).first()
        nuevo = perfil is None
        if nuevo:
            perfil = Perfil(usuario=usuario)
        campos = CAMPOS_CONTACTO
        if not perfil.identidad_verificada:
            campos = CAMPOS_IDENTIDAD + CAMPOS_CONTACTO
        cambiados = [c for c in campos if getattr(perfil, c) != datos.get(c, "")]
        for campo in cambiados:
            setattr(perfil, campo, datos.get(campo, ""))
        if not cambiados and not nuevo:
            return perfil
        try:
            with transaction.atomic():
                perfil.save()
        except IntegrityError:
            raise DocumentoYaRegistrado() from None
        etiquetas = sorted({str(Perfil._meta.get_field(c).verbose_name) for c in cambiados})
        _perfil_alerta_registrar(usuario=usuario, perfil=perfil, campos=[] if nuevo else etiquetas)
    return perfil


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
    *, usuario: Usuario, asunto: str, cuerpo: str, enlace: str, referencia: str = ""
) -> Notificacion:
    """The one way the portal tells a citizen something about their requests.

    Other apps give a subject, a text, a link and an opaque reference (never
    their own objects). The notice is deposited in the casilla electrónica and
    its email alert recorded in the portal's outbox, in the same transaction.
    """
    with transaction.atomic():
        notificacion = Notificacion.objects.create(
            usuario=usuario, asunto=asunto[:200], cuerpo=cuerpo, enlace=enlace, referencia=referencia
        )
        _no_leidas_invalidar(usuario.pk)
        if usuario.is_active:
            correo_registrar(
                para=[usuario.email], asunto=notificacion.asunto,
                texto=render_to_string("ciudadanos/correo/aviso.txt", {
                    "usuario": usuario,
                    "asunto": notificacion.asunto,
                    "enlace": settings.SITE_URL + notificacion.get_absolute_url(),
                    "ENTIDAD_NOMBRE": settings.ENTIDAD_NOMBRE,
                }),
                referencia=f"notificacion:{notificacion.pk}",
            )
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
