"""Tables of what citizens type about themselves, and what the portal answers."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from stdnum.pe import cui

from ciudadanos import validators
from egov.forms import FechaField
from tests import factories

# --- DNI --------------------------------------------------------------------------

PESOS_DNI = (3, 2, 7, 6, 5, 4, 3, 2)


def verificacion_dni(numero: str) -> tuple[str, str]:
    """The check digit and check letter printed after a DNI, computed from the
    published rule (independently of python-stdnum)."""
    c = sum(int(cifra) * peso for cifra, peso in zip(numero, PESOS_DNI, strict=True)) % 11
    return "65432110987"[c], "KJIHGFEDCBA"[c]


def test_la_regla_de_verificacion_da_el_ejemplo_conocido():
    # 1·3 + 0·2 + 1·7 + 1·6 + 7·5 + 4·4 + 1·3 + 0·2 = 70; 70 mod 11 = 4.
    assert verificacion_dni("10117410") == ("2", "G")


@pytest.mark.parametrize(
    "escrito, esperado",
    [
        ("10117410", ("10117410", "")),
        ("10117410-2", ("10117410", "2")),
        ("10117410G", ("10117410", "G")),
        ("10117410g", ("10117410", "G")),
        ("10117410 g", ("10117410", "G")),
        (" 1011 7410 - 2 ", ("10117410", "2")),
        ("10.117.410-2", ("10117410", "2")),
        ("00000001", ("00000001", "")),
    ],
)
def test_dni_valido(escrito, esperado):
    assert validators.dni_normalizar(escrito) == esperado


@pytest.mark.parametrize(
    "escrito, codigo",
    [
        ("10117410-3", "dni_verificacion"),
        ("10117410H", "dni_verificacion"),
        ("10117410-Z", "dni_verificacion"),
        ("1011741", "dni_formato"),
        ("101174102X", "dni_formato"),
        ("1011741023", "dni_formato"),
        ("A0117410", "dni_formato"),
        ("10117410-22", "dni_formato"),
        ("diez", "dni_formato"),
        ("10117410ñ", "dni_formato"),
        # Passes the check-digit rule (its check digit is 6 or K) but is no one's DNI.
        ("00000000", "dni_inexistente"),
        ("00000000-6", "dni_inexistente"),
        ("0000 0000 K", "dni_inexistente"),
        ("", "required"),
        ("  ", "required"),
        (None, "required"),
    ],
)
def test_dni_invalido(escrito, codigo):
    with pytest.raises(ValidationError) as error:
        validators.dni_normalizar(escrito)
    assert error.value.code == codigo


def test_el_dni_mas_bajo_que_reniec_asigna_se_acepta():
    assert validators.dni_normalizar("00000001") == ("00000001", "")


def test_dni_con_verificacion_equivocada_explica_como_corregirlo():
    with pytest.raises(ValidationError) as error:
        validators.dni_normalizar("10117410-3")
    assert "El dígito de verificación no corresponde a ese DNI" in error.value.messages[0]
    assert "escribe solo las 8 cifras" in error.value.messages[0]


OTROS_DNI = ["45678912", "70012345", "12345678", "99999999", "06172839", "41527364", "00000001"]


@pytest.mark.parametrize("numero", OTROS_DNI)
def test_dni_con_verificacion_calculada_por_la_regla(numero):
    digito, letra = verificacion_dni(numero)
    # The rule and python-stdnum (which the app uses) agree.
    assert cui.calc_check_digits(numero) == digito + letra

    assert validators.dni_normalizar(numero) == (numero, "")
    assert validators.dni_normalizar(f"{numero}-{digito}") == (numero, digito)
    assert validators.dni_normalizar(f"{numero}{letra}") == (numero, letra)
    assert validators.dni_normalizar(f"{numero}{letra.lower()}") == (numero, letra)

    otro_digito = next(d for d in "0123456789" if d != digito)
    otra_letra = next(x for x in "ABCDEFGHIJKZ" if x != letra)
    for malo in (otro_digito, otra_letra):
        with pytest.raises(ValidationError) as error:
            validators.dni_normalizar(f"{numero}-{malo}")
        assert error.value.code == "dni_verificacion"


# --- Carné de Extranjería and passport -------------------------------------------


@pytest.mark.parametrize(
    "escrito, esperado",
    [
        ("001234567", "001234567"),
        ("001 234 567", "001234567"),
        ("001-234-567", "001234567"),
        ("987654321", "987654321"),
    ],
)
def test_carne_de_extranjeria_valido(escrito, esperado):
    assert validators.ce_normalizar(escrito) == esperado


@pytest.mark.parametrize("escrito", ["12345678", "0012345678", "00123456A", "", None, "CE1234567"])
def test_carne_de_extranjeria_invalido(escrito):
    with pytest.raises(ValidationError) as error:
        validators.ce_normalizar(escrito)
    assert error.value.code == "ce_formato"
    assert "9 cifras" in error.value.messages[0]


@pytest.mark.parametrize(
    "escrito, esperado",
    [
        ("AB123456", "AB123456"),
        ("ab123456", "AB123456"),
        ("ab 123-456", "AB123456"),
        ("123456", "123456"),
        ("A1B2C3D4E5F6", "A1B2C3D4E5F6"),
    ],
)
def test_pasaporte_valido(escrito, esperado):
    assert validators.pasaporte_normalizar(escrito) == esperado


@pytest.mark.parametrize(
    "escrito", ["12345", "A1B2C3D4E5F6G", "AB.123456", "AB/123456", "ÑB123456", "", None]
)
def test_pasaporte_invalido(escrito):
    with pytest.raises(ValidationError) as error:
        validators.pasaporte_normalizar(escrito)
    assert error.value.code == "pasaporte_formato"


# --- Names ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "escrito, esperado",
    [
        ("María José", "María José"),
        ("Ch'aska", "Ch'aska"),
        ("Ñahui", "Ñahui"),
        ("Pérez-Albela", "Pérez-Albela"),
        ("De la Cruz", "De la Cruz"),
        ("O’Higgins", "O’Higgins"),
        ("Müller", "Müller"),
        ("  María    José  ", "María José"),
        # A decomposed accent (as some keyboards send it) is stored composed.
        ("Mari\u0301a", "María"),
        ("A" * 60, "A" * 60),
    ],
)
def test_nombre_valido(escrito, esperado):
    assert validators.nombre_normalizar(escrito) == esperado


@pytest.mark.parametrize(
    "escrito, codigo",
    [
        ("<script>alert(1)</script>", "nombre_caracteres"),
        ("Juan2", "nombre_caracteres"),
        ("a_b", "nombre_caracteres"),
        ("Rosa;", "nombre_caracteres"),
        ("-Rosa", "nombre_caracteres"),
        ("Rosa--María", "nombre_caracteres"),
        ("", "required"),
        ("   ", "required"),
        ("A" * 61, "max_length"),
        ("María " * 11, "max_length"),
    ],
)
def test_nombre_invalido(escrito, codigo):
    with pytest.raises(ValidationError) as error:
        validators.nombre_normalizar(escrito)
    assert error.value.code == codigo


def test_nombre_con_simbolos_dice_que_caracteres_usar():
    with pytest.raises(ValidationError) as error:
        validators.nombre_normalizar("Juan2")
    assert "Usa solo letras, espacios, guiones y apóstrofos" in error.value.messages[0]


def test_segundo_apellido_puede_quedar_vacio():
    assert validators.nombre_normalizar("  ", requerido=False) == ""


# --- Phones -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "escrito, esperado",
    [
        ("987654321", "+51987654321"),
        ("987 654 321", "+51987654321"),
        ("987-654-321", "+51987654321"),
        ("+51 987 654 321", "+51987654321"),
        ("+51987654321", "+51987654321"),
        ("+34612345678", "+34612345678"),
        ("0034 612 345 678", "+34612345678"),
        ("+1 (212) 555-0100", "+12125550100"),
    ],
)
def test_telefono_valido(escrito, esperado):
    assert validators.telefono_normalizar(escrito) == esperado


@pytest.mark.parametrize(
    "escrito",
    [
        "12345",
        "+51 123 456 789",  # Peruvian, but not a mobile
        "+51 98765432",  # Peruvian mobile one digit short
        "+51 9876543210",
        "812345678",  # 9 digits not starting with 9
        "98765432a",
        "nueve ocho siete",
        "+0 1234 5678",
        "",
        None,
    ],
)
def test_telefono_invalido(escrito):
    with pytest.raises(ValidationError) as error:
        validators.telefono_normalizar(escrito)
    assert error.value.code == "telefono_formato"
    assert "celular peruano de 9 cifras" in error.value.messages[0]


# --- Free text ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "texto", ["Av. Larco 123, dpto. 4", "Jr. Junín 456 - Int. B", "Mz. A Lt. 5"]
)
def test_direccion_sin_marcado_se_acepta(texto):
    assert validators.texto_sin_marcado_validar(texto) == texto


@pytest.mark.parametrize("texto", ["<b>Av. Larco</b>", "Av. Larco 123 >", "<script>x</script>"])
def test_direccion_con_marcado_se_rechaza(texto):
    with pytest.raises(ValidationError) as error:
        validators.texto_sin_marcado_validar(texto)
    assert error.value.code == "marcado"


# --- Birth date ---------------------------------------------------------------------

LIMA = ZoneInfo("America/Lima")
HOY = datetime.date(2026, 3, 15)


@pytest.fixture
def hoy_fijo():
    # 23:30 in Lima is already the next day in UTC: "today" must be Lima's.
    with time_machine.travel(datetime.datetime(2026, 3, 15, 23, 30, tzinfo=LIMA), tick=False):
        yield HOY


@pytest.mark.parametrize(
    "fecha",
    [
        datetime.date(1996, 3, 15),  # 30 years old today
        datetime.date(2008, 3, 15),  # 18 today
        datetime.date(1906, 3, 15),  # 120 today
        datetime.date(1905, 3, 16),  # 120, turns 121 tomorrow
        datetime.date(1960, 2, 29),
    ],
)
def test_fecha_de_nacimiento_aceptada(hoy_fijo, fecha):
    assert validators.fecha_nacimiento_validar(fecha) == fecha


@pytest.mark.parametrize(
    "fecha, codigo",
    [
        (datetime.date(2026, 3, 16), "futuro"),  # tomorrow (already today in UTC)
        (datetime.date(2030, 1, 1), "futuro"),
        (HOY, "futuro"),
        (datetime.date(1905, 3, 15), "improbable"),  # 121 years today
        (datetime.date(1890, 1, 1), "improbable"),
        (datetime.date(2008, 3, 16), "menor"),  # 18 tomorrow
        (datetime.date(2015, 6, 1), "menor"),
    ],
)
def test_fecha_de_nacimiento_rechazada(hoy_fijo, fecha, codigo):
    with pytest.raises(ValidationError) as error:
        validators.fecha_nacimiento_validar(fecha)
    assert error.value.code == codigo


def test_fecha_de_nacimiento_relativa_a_hoy_sin_reloj_fijo():
    hoy = datetime.date.today()
    hace = lambda anios: hoy.replace(year=hoy.year - anios, day=min(hoy.day, 28))  # noqa: E731
    assert validators.fecha_nacimiento_validar(hace(30)) == hace(30)
    for fecha, codigo in [
        (hoy + datetime.timedelta(days=2), "futuro"),
        (hace(122), "improbable"),
        (hace(17), "menor"),
    ]:
        with pytest.raises(ValidationError) as error:
            validators.fecha_nacimiento_validar(fecha)
        assert error.value.code == codigo


# --- The three-input date field -------------------------------------------------------

MENSAJE_REAL = "La fecha debe ser una fecha real, por ejemplo 27 3 1990."
MENSAJE_ANIO = "Escribe el año con 4 cifras, por ejemplo 1990."
MENSAJE_INCOMPLETA = "Ingresa la fecha completa: día, mes y año."


@pytest.mark.parametrize(
    "partes, esperado",
    [
        (["27", "3", "1990"], datetime.date(1990, 3, 27)),
        ([" 7 ", "03", "1990"], datetime.date(1990, 3, 7)),
        (["29", "2", "2024"], datetime.date(2024, 2, 29)),
        (["31", "12", "1999"], datetime.date(1999, 12, 31)),
    ],
)
def test_fecha_field_acepta_fechas_reales(partes, esperado):
    assert FechaField().clean(partes) == esperado


@pytest.mark.parametrize(
    "partes, mensaje",
    [
        (["31", "2", "1990"], MENSAJE_REAL),
        (["29", "2", "2023"], MENSAJE_REAL),
        (["31", "4", "1990"], MENSAJE_REAL),
        (["32", "1", "1990"], MENSAJE_REAL),
        (["0", "1", "1990"], MENSAJE_REAL),
        (["1", "13", "1990"], MENSAJE_REAL),
        (["uno", "1", "1990"], MENSAJE_REAL),
        (["1", "enero", "1990"], MENSAJE_REAL),
        (["27", "3", "90"], MENSAJE_ANIO),
        (["27", "3", "990"], MENSAJE_ANIO),
        (["27", "3", "19900"], MENSAJE_ANIO),
        (["27", "3", ""], MENSAJE_INCOMPLETA),
        (["", "3", "1990"], MENSAJE_INCOMPLETA),
        (["", "", ""], MENSAJE_INCOMPLETA),
        (None, MENSAJE_INCOMPLETA),
    ],
)
def test_fecha_field_un_solo_mensaje_claro(partes, mensaje):
    with pytest.raises(ValidationError) as error:
        FechaField().clean(partes)
    assert error.value.messages == [mensaje]


# --- Passwords ------------------------------------------------------------------------


@pytest.fixture
def ciudadana(db):
    return factories.PerfilFactory(
        usuario__email="rosa.huaman@example.pe",
        numero_documento="10117410",
        nombres="Rosa",
        apellido_paterno="Huamán",
        apellido_materno="Ccori",
        fecha_nacimiento=datetime.date(1985, 7, 28),
    ).usuario


@pytest.mark.parametrize(
    "clave",
    [
        "rosa.huaman2026!",  # the email's local part
        "Mi-ROSA.HUAMAN-segura",
        "rosa.huaman@example.pe",
        "Clave-10117410",  # the DNI
        "HuamánCcori-77",  # the surnames
        "ccori-ccori-ccori",
        "28071985-Lima",  # the birth date
        "rosa.huamam",  # almost the local part
    ],
)
def test_contrasena_parecida_a_datos_personales_rechazada(ciudadana, clave):
    with pytest.raises(ValidationError) as error:
        validators.DatosPersonalesPasswordValidator().validate(clave, user=ciudadana)
    assert error.value.code == "password_datos_personales"
    assert "se parece demasiado a tus datos personales" in error.value.messages[0]


@pytest.mark.parametrize(
    "clave", ["Tortuga-Violeta-Marzo-83", "quinua con leche 2026", factories.CLAVE]
)
def test_contrasena_sin_relacion_aceptada(ciudadana, clave):
    assert validators.DatosPersonalesPasswordValidator().validate(clave, user=ciudadana) is None


def test_contrasena_al_registrarse_compara_con_el_correo():
    # At signup there is no saved user nor profile yet, only the email.
    from ciudadanos.models import Usuario

    nuevo = Usuario(email="vecina.quispe@example.pe")
    validador = validators.DatosPersonalesPasswordValidator()
    with pytest.raises(ValidationError):
        validador.validate("Vecina.Quispe-1", user=nuevo)
    validador.validate("Tortuga-Violeta-Marzo-83", user=nuevo)
    validador.validate("vecina.quispe", user=None)
