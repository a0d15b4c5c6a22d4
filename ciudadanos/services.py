"""Every write about citizens: profiles, identity assurance, email alerts."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import NivelIdentidad, Perfil, Usuario

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
    from .tasks import perfil_cambio_alertar

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
        perfil_cambio_alertar.delay_on_commit(
            usuario_id=usuario.pk, campos=[] if nuevo else etiquetas
        )
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


def correo_enviar(*, asunto: str, texto: str, para: list[str], html: str = "") -> None:
    mensaje = EmailMultiAlternatives(asunto, texto, settings.DEFAULT_FROM_EMAIL, para)
    if html:
        mensaje.attach_alternative(html, "text/html")
    mensaje.send()


def perfil_alerta_enviar(*, usuario_id: int, campos: list[str]) -> bool:
    """Tells the citizen their profile was created or changed, so a change they
    did not make does not go unnoticed. Returns False when there is no one to tell."""
    usuario = (
        Usuario.objects.select_related("perfil").filter(pk=usuario_id, is_active=True).first()
    )
    if usuario is None or not hasattr(usuario, "perfil"):
        return False
    contexto = {
        "perfil": usuario.perfil,
        "campos": campos,
        "cuando": timezone.localtime(),
        "perfil_url": settings.SITE_URL + "/cuenta/perfil/",
        "ENTIDAD_NOMBRE": settings.ENTIDAD_NOMBRE,
        "ENTIDAD_CORREO_CONTACTO": settings.ENTIDAD_CORREO_CONTACTO,
    }
    asunto = (
        _("Actualizaste los datos de tu perfil")
        if campos
        else _("Completaste tu perfil de identidad")
    )
    correo_enviar(
        asunto=asunto,
        texto=render_to_string("ciudadanos/correo/perfil_cambio.txt", contexto),
        para=[usuario.email],
    )
    return True


def aviso_depositar(*, usuario: Usuario, asunto: str, cuerpo: str, enlace: str) -> None:
    """The one way the portal tells a citizen something about their requests.

    Other apps give a subject, a text and a link (never their own objects); the
    alert is emailed by a Celery task after the transaction commits.
    """
    from .tasks import aviso_enviar

    aviso_enviar.delay_on_commit(
        usuario_id=usuario.pk, asunto=asunto, cuerpo=cuerpo, enlace=enlace
    )


def aviso_correo_enviar(*, usuario_id: int, asunto: str, cuerpo: str, enlace: str) -> bool:
    usuario = Usuario.objects.filter(pk=usuario_id, is_active=True).first()
    if usuario is None:
        return False
    enlace_absoluto = enlace if enlace.startswith("http") else settings.SITE_URL + enlace
    texto = render_to_string(
        "ciudadanos/correo/aviso.txt",
        {
            "usuario": usuario,
            "cuerpo": cuerpo,
            "enlace": enlace_absoluto,
            "ENTIDAD_NOMBRE": settings.ENTIDAD_NOMBRE,
        },
    )
    correo_enviar(asunto=asunto, texto=texto, para=[usuario.email])
    return True
