"""SMS alerts before any provider: the text fits one GSM-7 SMS without
losing its accents to "?", nothing goes out between 22:00 and 07:00 in Lima
unless a deadline ends within a day, a number gets at most SMS_POR_HORA an
hour (the rest wait, without counting as failures), and in development each
SMS lands as a file a person can read under var/sms (or on the console)."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured

from egov import mensajes, sms
from egov.models import EstadoMensaje, Mensaje
from egov.sms_adaptadores import AdaptadorHttp, adaptador
from tests.fixtures import en_lima

pytestmark = pytest.mark.django_db

NUMERO = "+51987000111"


@pytest.fixture
def carpeta_sms(settings, tmp_path):
    """SMS written as files under a folder of the test's own, not there yet."""
    carpeta = tmp_path / "var" / "sms"
    settings.SMS_URL = f"file://{carpeta}"
    return carpeta


def fichas(carpeta) -> list[str]:
    return [archivo.read_text(encoding="utf-8") for archivo in sorted(carpeta.glob("*.txt"))]


def registrar(al_confirmar, texto="MDVE: tienes una notificacion en tu casilla", numero=NUMERO, **opciones):
    with al_confirmar():
        mensaje = sms.sms_registrar(numero=numero, texto=texto, **opciones)
    mensaje.refresh_from_db()
    return mensaje


# --- GSM-7 --------------------------------------------------------------------------------------


def test_las_tildes_se_transliteran_y_lo_que_tiene_gsm7_se_conserva():
    texto = "Tu trámite está en revisión: ¿cuándo? ¡Ya! Pingüino, niño, café, ÉXITO, Ángel, Úrsula, Íñigo"
    assert sms.gsm7(texto) == (
        "Tu tramite esta en revision: ¿cuando? ¡Ya! Pingüino, niño, café, ÉXITO, Angel, Ursula, Iñigo"
    )


def test_la_tipografia_y_los_emojis_no_obligan_a_ucs2():
    texto = "Hola 👋 vecina — tu “casilla” tiene 1º aviso… «léelo» ‘hoy’"
    assert sms.gsm7(texto) == "Hola vecina - tu \"casilla\" tiene 1o aviso... \"léelo\" 'hoy'"


def test_un_texto_largo_se_corta_en_una_palabra_dentro_de_160_caracteres():
    texto = "Municipalidad Distrital de Villa Esperanza: " + "tienes un aviso nuevo en tu casilla " * 8

    corto = sms.gsm7(texto)

    assert sms.septetos(corto) <= 160 and len(corto) > 140
    assert corto.endswith("...")
    assert texto.startswith(corto[:-3])  # cut, not rewritten
    assert corto[:-3].split(" ")[-1] in texto.split(" ")  # the last word is whole


def test_los_caracteres_de_extension_cuentan_doble():
    assert sms.septetos("a€[]{}") == 11
    exacto = "€" * 80  # 160 septets: fits as it is
    assert sms.gsm7(exacto) == exacto
    cortado = sms.gsm7("€" * 81)
    assert cortado.endswith("...") and sms.septetos(cortado) <= 160


def test_el_sms_registrado_ya_va_en_gsm7(al_confirmar, carpeta_sms):
    with time_machine.travel(en_lima(2026, 3, 2, 10), tick=False):
        mensaje = registrar(al_confirmar, "Ingresa a tu casilla electrónica: revisión pendiente " * 5)
    assert mensaje.estado == EstadoMensaje.ENVIADO
    assert sms.septetos(mensaje.texto) <= 160 and "electronica" in mensaje.texto and "revision" in mensaje.texto
    assert mensaje.texto in fichas(carpeta_sms)[0]


# --- Quiet hours --------------------------------------------------------------------------------


def test_un_sms_de_las_23_espera_hasta_las_7_y_el_barrido_lo_envia(al_confirmar, carpeta_sms):
    with time_machine.travel(en_lima(2026, 3, 2, 23), tick=False):
        mensaje = registrar(al_confirmar)
    assert mensaje.estado == EstadoMensaje.PENDIENTE
    assert mensaje.proximo_intento_en == en_lima(2026, 3, 3, 7)
    assert fichas(carpeta_sms) == []

    with time_machine.travel(en_lima(2026, 3, 3, 6, 59), tick=False), al_confirmar():
        assert mensajes.mensajes_pendientes_reencolar() == 0
    assert fichas(carpeta_sms) == []
    with time_machine.travel(en_lima(2026, 3, 3, 7, 1), tick=False), al_confirmar():
        assert mensajes.mensajes_pendientes_reencolar() == 1
    mensaje.refresh_from_db()
    assert mensaje.estado == EstadoMensaje.ENVIADO and mensaje.intentos == 1
    assert len(fichas(carpeta_sms)) == 1


@pytest.mark.parametrize(("hora", "minuto", "espera_hasta"), [
    (6, 59, en_lima(2026, 3, 3, 7)),
    (0, 30, en_lima(2026, 3, 3, 7)),
    (22, 0, en_lima(2026, 3, 4, 7)),
    (21, 59, None),
    (7, 0, None),
])
def test_la_noche_va_de_las_22_a_las_7_en_lima(al_confirmar, carpeta_sms, hora, minuto, espera_hasta):
    with time_machine.travel(en_lima(2026, 3, 3, hora, minuto), tick=False):
        mensaje = registrar(al_confirmar)
    assert mensaje.proximo_intento_en == espera_hasta
    assert mensaje.estado == (EstadoMensaje.PENDIENTE if espera_hasta else EstadoMensaje.ENVIADO)


def test_de_noche_sale_al_instante_si_el_plazo_vence_en_menos_de_un_dia(al_confirmar, carpeta_sms):
    noche = en_lima(2026, 3, 2, 23)
    with time_machine.travel(noche, tick=False):
        urgente = registrar(al_confirmar, plazo_vence_en=noche + datetime.timedelta(hours=20))
        no_urgente = registrar(al_confirmar, numero="+51987000222", plazo_vence_en=noche + datetime.timedelta(hours=30))

    assert urgente.estado == EstadoMensaje.ENVIADO and urgente.enviado_en == noche
    assert no_urgente.estado == EstadoMensaje.PENDIENTE and no_urgente.proximo_intento_en == en_lima(2026, 3, 3, 7)
    assert [ficha.split("\n", 1)[0] for ficha in fichas(carpeta_sms)] == [f"Para: {NUMERO}"]


def test_un_reintento_que_llega_de_noche_espera_a_las_7_salvo_si_es_urgente(settings, al_confirmar, carpeta_sms):
    """Quiet hours hold at every try, not only when the SMS is recorded: a
    failed SMS whose next try falls at 23:00 waits for the morning."""
    settings.SMS_URL = "http://clave:secreto@127.0.0.1:9/sms/json"  # nobody listens: the first try fails
    tarde = en_lima(2026, 3, 2, 21, 59)
    with time_machine.travel(tarde, tick=False):
        normal = registrar(al_confirmar)
        urgente = registrar(al_confirmar, numero="+51987000222", plazo_vence_en=tarde + datetime.timedelta(hours=3))
    assert normal.intentos == urgente.intentos == 1 and normal.estado == EstadoMensaje.PENDIENTE

    settings.SMS_URL = f"file://{carpeta_sms}"
    with time_machine.travel(en_lima(2026, 3, 2, 23), tick=False):
        assert mensajes.mensaje_enviar(mensaje_id=normal.pk) == "aplazado"
        assert mensajes.mensaje_enviar(mensaje_id=urgente.pk) == "enviado"
    normal.refresh_from_db()
    assert normal.proximo_intento_en == en_lima(2026, 3, 3, 7) and normal.intentos == 1
    assert [ficha.split("\n", 1)[0] for ficha in fichas(carpeta_sms)] == ["Para: +51987000222"]


# --- Hourly limit per number --------------------------------------------------------------------


def test_pasado_el_limite_por_hora_el_sms_espera_sin_contar_como_falla(settings, al_confirmar, carpeta_sms):
    """The third SMS within an hour waits until the first is an hour old, and goes then."""
    settings.SMS_POR_HORA = 2
    with time_machine.travel(en_lima(2026, 3, 2, 10), tick=False):
        primero = registrar(al_confirmar, "Aviso 1")
    with time_machine.travel(en_lima(2026, 3, 2, 10, 20), tick=False):
        registrar(al_confirmar, "Aviso 2")
        tercero = registrar(al_confirmar, "Aviso 3")
        otro_numero = registrar(al_confirmar, "Aviso 4", numero="+51987000222")

    assert tercero.estado == EstadoMensaje.PENDIENTE
    assert (tercero.intentos, tercero.error) == (0, "")  # waiting, not failing
    assert tercero.proximo_intento_en == primero.enviado_en + datetime.timedelta(hours=1)
    assert otro_numero.estado == EstadoMensaje.ENVIADO  # the limit is per number
    assert len(fichas(carpeta_sms)) == 3

    with time_machine.travel(en_lima(2026, 3, 2, 10, 30), tick=False):
        assert mensajes.mensaje_enviar(mensaje_id=tercero.pk) == "omitido"  # not due yet
    with time_machine.travel(en_lima(2026, 3, 2, 11), tick=False), al_confirmar():
        assert mensajes.mensajes_pendientes_reencolar() == 1
    tercero.refresh_from_db()
    assert tercero.estado == EstadoMensaje.ENVIADO and tercero.intentos == 1
    assert "Aviso 3" in fichas(carpeta_sms)[-1]


# --- Development adapters -----------------------------------------------------------------------


def test_cada_sms_queda_como_un_archivo_legible_bajo_la_carpeta(settings, al_confirmar, carpeta_sms):
    settings.SMS_REMITENTE = "MDVE"
    with time_machine.travel(en_lima(2026, 3, 2, 10, 15), tick=False):
        primero = registrar(al_confirmar, "MDVE: tu codigo es 123456")
    with time_machine.travel(en_lima(2026, 3, 2, 10, 16), tick=False):
        segundo = registrar(al_confirmar, "MDVE: tienes un aviso en tu casilla", numero="+51987000222")

    archivos = sorted(carpeta_sms.iterdir())
    # Named by Lima's time, so a listing sorts them; no temporary file left behind.
    assert [(a.name[:15], a.suffix) for a in archivos] == [("20260302-101500", ".txt"), ("20260302-101600", ".txt")]
    assert fichas(carpeta_sms)[0] == (
        f"Para: {NUMERO}\nDe: MDVE\nFecha: 2026-03-02 10:15:00 -0500\nReferencia: {primero.pk}\n"
        f"Identificador: {primero.proveedor_id}\n\nMDVE: tu codigo es 123456\n"
    )
    assert f"Identificador: {segundo.proveedor_id}\n" in fichas(carpeta_sms)[1]
    assert primero.proveedor_id != segundo.proveedor_id and len(primero.proveedor_id) == 36


def test_en_la_consola_el_sms_se_imprime(settings, capsys):
    settings.SMS_URL = "console://"
    proveedor_id = adaptador().enviar(numero=NUMERO, texto="Hola vecina", remitente="MDVE", referencia="7")
    salida = capsys.readouterr().out
    assert f"Para: {NUMERO}\nDe: MDVE\n" in salida
    assert f"Identificador: {proveedor_id}\n\nHola vecina\n" in salida


def test_la_url_del_proveedor_lleva_sus_credenciales_fuera_de_la_direccion(settings):
    settings.SMS_URL = "https://mi%40clave:se%2Fcreto@sms.proveedor.pe:8443/sms/json"
    settings.SITE_URL = "https://tramites.villaesperanza.gob.pe"
    http = adaptador()
    assert isinstance(http, AdaptadorHttp)
    assert (http.url, http.clave, http.secreto) == ("https://sms.proveedor.pe:8443/sms/json", "mi@clave", "se/creto")
    assert http.callback == "https://tramites.villaesperanza.gob.pe/webhooks/sms/recibo/"
    assert "se/creto" not in repr(http)
    settings.SMS_RECIBO_SECRETO = ""  # no receipts: the provider is given no callback
    assert adaptador().callback == ""


@pytest.mark.parametrize("url", [
    "smpp://clave:secreto@sms.proveedor.pe:2775",
    "https://sms.proveedor.pe/sms/json",  # without the account's credentials
    "https://clave:secreto@sms.proveedor.pe:puerto/sms/json",
    "file://var/sms",  # relative: two slashes only
])
def test_una_sms_url_mal_escrita_dice_como_escribirla(settings, url):
    settings.SMS_URL = url
    with pytest.raises(ImproperlyConfigured, match="SMS_URL"):
        adaptador()


def test_sin_sms_url_no_se_registran_sms(settings, al_confirmar):
    settings.SMS_URL = ""
    with al_confirmar():
        assert sms.sms_registrar(numero=NUMERO, texto="Hola") is None
    assert not Mensaje.objects.exists()

