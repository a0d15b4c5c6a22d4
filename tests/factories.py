import datetime
import time

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

from ciudadanos.models import Perfil, TipoDocumento, Usuario

CLAVE = "Una-clave-larga-2026"
# The TOTP key of every servant the tests create (staff rights need a second factor).
SECRETO_TOTP = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def codigo_totp(secreto: str = SECRETO_TOTP) -> str:
    """The code an authenticator app shows now for that key."""
    return format_hotp_value(hotp_value(secreto, int(time.time()) // 30))


class UsuarioFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Usuario
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"persona{n}@example.pe")
    password = factory.PostGenerationMethodCall("set_password", CLAVE)

    @factory.post_generation
    def correo_verificado(obj, create, extracted, **kwargs):
        obj.save()
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)

    @factory.post_generation
    def segundo_factor(obj, create, extracted, **kwargs):
        """UsuarioFactory(is_staff=True, segundo_factor=True): a servant with
        TOTP activated (SECRETO_TOTP), as the back office demands."""
        if create and extracted:
            from allauth.mfa.totp.internal.auth import TOTP

            TOTP.activate(obj, SECRETO_TOTP)


class PerfilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Perfil
        skip_postgeneration_save = True

    usuario = factory.SubFactory(UsuarioFactory)
    tipo_documento = TipoDocumento.DNI
    numero_documento = factory.Sequence(lambda n: f"{40000000 + n:08d}")
    nombres = "Rosa"
    apellido_paterno = "Huamán"
    apellido_materno = "Ccori"
    fecha_nacimiento = datetime.date(1985, 7, 28)
    telefono = "+51987654321"
    direccion = "Jr. Junín 456"
    ubigeo = "150101"

    @factory.post_generation
    def consentimiento(obj, create, extracted, **kwargs):
        """A citizen with a profile has accepted to be notified in the casilla
        (as every citizen who filed online has); PerfilFactory(consentimiento=False)
        is one who has not."""
        if create and extracted is not False:
            from ciudadanos.canales import consentimiento_aceptar

            consentimiento_aceptar(usuario=obj.usuario, ip="127.0.0.1", nivel_ingreso=1)
