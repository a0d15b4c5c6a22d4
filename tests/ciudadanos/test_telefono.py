"""The mobile phone as an alert channel: a Peruvian number normalised to
+519XXXXXXXX, verified with a 6-digit code sent by SMS (wrong, expired and
exhausted codes, a number another account verified, the hourly limit of
codes), changed (no longer verified) and removed, on the services and on
the pages."""

import datetime
import re

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from ciudadanos import canales, telefono
from ciudadanos.models import CanalAviso, TipoCanal
from egov.models import Mensaje
from tests.factories import UsuarioFactory
from tests.fixtures import en_lima, persona

pytestmark = pytest.mark.django_db

NUMERO = "+51987654321"
OTRO_NUMERO = "+51912345678"
AVISOS = "/cuenta/avisos/"
CELULAR = "/cuenta/avisos/celular/"
CODIGO = "/cuenta/avisos/celular/codigo/"


@pytest.fixture
def usuario():
    return UsuarioFactory()


def codigo_enviado(numero=NUMERO) -> str:
    """The code of the last SMS sent to `numero`, read from the outbox row
    before its task sends it (a reserved text is erased once sent)."""
    mensaje = Mensaje.objects.filter(canal=Mensaje.Canal.SMS, para=numero).order_by("-pk").first()
    assert mensaje is not None, f"no se envió un SMS a {numero}"
    return re.search(r"\b(\d{6})\b", mensaje.texto).group(1)


def incorrecto(codigo: str) -> str:
    return f"{(int(codigo) + 1) % 1_000_000:06d}"


def error_de(funcion, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as error:
        funcion(**kwargs)
    return error.value


# --- Numbers -----------------------------------------------------------------------------------


@pytest.mark.parametrize("escrito", ["987654321", "987 654 321", "+51 987 654 321", "+51987654321",
                                     "51987654321", "0051 987 654 321", "987-654-321"])
def test_un_celular_peruano_se_guarda_con_51_sin_espacios(usuario, escrito):
    canal = telefono.telefono_codigo_enviar(usuario=usuario, numero=escrito)
    canal.refresh_from_db()
    assert canal.destino == NUMERO
    assert not canal.verificado
    assert Mensaje.objects.get(canal=Mensaje.Canal.SMS).para == NUMERO


@pytest.mark.parametrize(("escrito", "se_lee"), [
    ("", "Escribe el número de tu celular"),
    ("98765432", "9 cifras que empiezan con 9"),
    ("9876543210", "9 cifras que empiezan con 9"),
    ("887654321", "9 cifras que empiezan con 9"),
    ("014567890", "Los teléfonos fijos no reciben SMS"),
    ("98765432a", "Escribe solo números"),
    ("+1 202 555 0100", "Solo podemos enviar SMS a celulares del Perú"),
])
def test_un_numero_que_no_es_celular_peruano_se_rechaza_diciendo_como_escribirlo(usuario, escrito, se_lee):
    error = error_de(telefono.telefono_codigo_enviar, usuario=usuario, numero=escrito)
    assert se_lee in error.messages[0]
    assert not CanalAviso.objects.exists() and not Mensaje.objects.exists()


def test_en_la_pagina_un_numero_invalido_se_explica_y_se_conserva_lo_escrito(client, usuario):
    client.force_login(usuario)
    respuesta = client.post(CELULAR, {"numero": "887 654 321"})
    assert respuesta.status_code == 400
    texto = respuesta.content.decode()
    assert "Hay un problema" in texto
    assert 'href="#id_numero"' in texto  # the summary links to the field
    assert "9 cifras que empiezan con 9" in texto
    assert 'value="887 654 321"' in texto
    assert not Mensaje.objects.exists()


# --- The code ----------------------------------------------------------------------------------


def test_el_sms_del_codigo_dice_quien_lo_envia_cuanto_dura_y_que_no_se_comparte(usuario, settings):
    telefono.telefono_codigo_enviar(usuario=usuario, numero=NUMERO)
    mensaje = Mensaje.objects.get(canal=Mensaje.Canal.SMS)
    codigo = codigo_enviado()
    assert mensaje.texto.startswith(f"{settings.SMS_REMITENTE}: {codigo}")
    assert "10 minutos" in mensaje.texto and "No lo compartas" in mensaje.texto
    assert len(mensaje.texto) <= 160
    assert mensaje.reservado  # erased once sent
    assert codigo not in mensaje.asunto  # the outbox's list shows subjects
    canal = CanalAviso.objects.get()
    assert codigo not in canal.codigo_hash  # only a keyed hash is kept


def test_el_sms_del_codigo_sale_aunque_sea_de_noche(usuario):
    with time_machine.travel(en_lima(2026, 5, 12, 23, 30), tick=False):
        telefono.telefono_codigo_enviar(usuario=usuario, numero=NUMERO)
    assert Mensaje.objects.get(canal=Mensaje.Canal.SMS).proximo_intento_en is None  # not held until 07:00


def test_el_codigo_correcto_verifica_el_celular(usuario):
    telefono.telefono_codigo_enviar(usuario=usuario, numero=NUMERO)
    canal = telefono.telefono_verificar(usuario=usuario, codigo=codigo_enviado())
    canal.refresh_from_db()
    assert canal.verificado_en is not None
    assert canal.codigo_hash == "" and canal.codigo_intentos == 0
    assert canales.telefono_verificado(usuario=usuario) == canal


def test_un_codigo_errado_dice_cuantos_intentos_quedan_y_luego_el_correcto_sirve(usuario):
    telefono.telefono_codigo_enviar(usuario=usuario, numero=NUMERO)
    codigo = codigo_enviado()
    error = error_de(telefono.telefono_verificar, usuario=usuario, codigo=incorrecto(codigo))
    assert error.code == "codigo_incorrecto"
    assert "te quedan 4 intentos" in error.messages[0]
    error = error_de(telefono.telefono_verificar, usuario=usuario, codigo=incorrecto(codigo))
    assert "te quedan 3 intentos" in error.messages[0]
    assert not CanalAviso.objects.get().verificado
    assert telefono.telefono_verificar(usuario=usuario, codigo=codigo).verificado


def test_tras_cinco_codigos_errados_ni_el_correcto_sirve_y_se_pide_otro(usuario):
    telefono.telefono_codigo_enviar(usuario=usuario, numero=NUMERO)
    codigo = codigo_enviado()
    for vez in range(4):
        error_de(telefono.telefono_verificar, usuario=usuario, codigo=incorrecto(codigo))
    error = error_de(telefono.telefono_verificar, usuario=usuario, codigo=incorrecto(codigo))
    assert error.code == "codigo_agotado"
    assert "ya no te quedan intentos" in error.messages[0] and "código nuevo" in error.messages[0]
    error = error_de(telefono.telefono_verificar, usuario=usuario, codigo=codigo)
    assert "pide un código nuevo" in error.messages[0]
    assert not CanalAviso.objects.get().verificado
    # A new code gives five new tries.
    telefono.telefono_codigo_enviar(usuario=usuario, numero=NUMERO)
    assert telefono.telefono_verificar(usuario=usuario, codigo=codigo_enviado()).verificado


def test_un_codigo_de_hace_mas_de_10_minutos_vencio(usuario):
    ahora = timezone.now()
    with time_machine.travel(ahora, tick=False):
        telefono.telefono_codigo_enviar(usuario=usuario, numero=NUMERO)
    codigo = codigo_enviado()
    with time_machine.travel(ahora + datetime.timedelta(minutes=10, seconds=1), tick=False):
        error = error_de(telefono.telefono_verificar, usuario=usuario, codigo=codigo)
    assert error.code == "codigo_vencido"
    assert "venció" in error.messages[0] and "código nuevo" in error.messages[0]
    assert not CanalAviso.objects.get().verificado


def test_un_codigo_de_hace_9_minutos_aun_sirve(usuario):
    ahora = timezone.now()
    with time_machine.travel(ahora, tick=False):
        telefono.telefono_codigo_enviar(usuario=usuario, numero=NUMERO)
    with time_machine.travel(ahora + datetime.timedelta(minutes=9), tick=False):
        assert telefono.telefono_verificar(usuario=usuario, codigo=codigo_enviado()).verificado


def test_el_codigo_nuevo_reemplaza_al_anterior(usuario):
    telefono.telefono_codigo_enviar(usuario=usuario, numero=NUMERO)
    primero = codigo_enviado()
    telefono.telefono_codigo_enviar(usuario=usuario, numero=NUMERO)
    segundo = codigo_enviado()
    if primero != segundo:
        error_de(telefono.telefono_verificar, usuario=usuario, codigo=primero)
    assert telefono.telefono_verificar(usuario=usuario, codigo=segundo).verificado


# --- One number, one account ------------------------------------------------------------------


def test_un_numero_verificado_por_otra_cuenta_se_rechaza_sin_decir_de_quien(usuario):
    otra = UsuarioFactory(email="dueña@example.pe")
    telefono.telefono_codigo_enviar(usuario=otra, numero=NUMERO)
    telefono.telefono_verificar(usuario=otra, codigo=codigo_enviado())
    enviados = Mensaje.objects.count()

    error = error_de(telefono.telefono_codigo_enviar, usuario=usuario, numero="987 654 321")
    assert error.code == "numero_de_otra_cuenta"
    assert "ya está verificado en otra cuenta" in error.messages[0]
    assert "dueña" not in error.messages[0]
    assert Mensaje.objects.count() == enviados  # no code sent
    assert not CanalAviso.objects.filter(usuario=usuario).exists()


def test_si_dos_cuentas_verifican_el_mismo_numero_gana_la_primera(usuario):
    otra = UsuarioFactory()
    telefono.telefono_codigo_enviar(usuario=usuario, numero=NUMERO)
    codigo_mio = codigo_enviado()
    telefono.telefono_codigo_enviar(usuario=otra, numero=NUMERO)
    codigo_otra = codigo_enviado()

    assert telefono.telefono_verificar(usuario=otra, codigo=codigo_otra).verificado
    error = error_de(telefono.telefono_verificar, usuario=usuario, codigo=codigo_mio)
    assert error.code == "numero_de_otra_cuenta"
    assert not CanalAviso.objects.get(usuario=usuario).verificado
    assert CanalAviso.objects.get(usuario=otra).verificado


def test_el_propio_numero_ya_verificado_no_pide_otro_codigo(usuario):
    telefono.telefono_codigo_enviar(usuario=usuario, numero=NUMERO)
    telefono.telefono_verificar(usuario=usuario, codigo=codigo_enviado())
    error = error_de(telefono.telefono_codigo_enviar, usuario=usuario, numero=NUMERO)
    assert error.code == "ya_verificado"
    assert Mensaje.objects.filter(canal=Mensaje.Canal.SMS).count() == 1


# --- The hourly limit of codes ----------------------------------------------------------------


def test_tres_codigos_por_hora_por_cuenta_y_luego_dice_a_que_hora_pedir_otro(usuario):
    inicio = timezone.now().replace(second=0, microsecond=0)
    for minuto in (0, 5, 10):
        with time_machine.travel(inicio + datetime.timedelta(minutes=minuto), tick=False):
            telefono.telefono_codigo_enviar(usuario=usuario, numero=NUMERO)
    with time_machine.travel(inicio + datetime.timedelta(minutes=20), tick=False):
        # Another number does not help: the limit is also the account's.
        error = error_de(telefono.telefono_codigo_enviar, usuario=usuario, numero=OTRO_NUMERO)
    assert error.code == "demasiados_codigos"
    hora = timezone.localtime(inicio + datetime.timedelta(hours=1)).strftime("%H:%M")
    assert f"Podrás pedir otro a las {hora}" in error.messages[0]
    assert Mensaje.objects.filter(canal=Mensaje.Canal.SMS).count() == 3
    with time_machine.travel(inicio + datetime.timedelta(hours=1, seconds=1), tick=False):
        telefono.telefono_codigo_enviar(usuario=usuario, numero=OTRO_NUMERO)
    assert Mensaje.objects.filter(canal=Mensaje.Canal.SMS).count() == 4


def test_tres_codigos_por_hora_por_numero_aunque_los_pidan_cuentas_distintas(usuario):
    for otra in UsuarioFactory.create_batch(3):
        telefono.telefono_codigo_enviar(usuario=otra, numero=NUMERO)
    error = error_de(telefono.telefono_codigo_enviar, usuario=usuario, numero=NUMERO)
    assert error.code == "demasiados_codigos"
    assert "A este número ya se enviaron 3 códigos" in error.messages[0]
    assert not CanalAviso.objects.filter(usuario=usuario).exists()


# --- Changing and removing -------------------------------------------------------------------


def test_cambiar_el_numero_deja_de_estar_verificado_y_el_nuevo_espera_su_codigo(usuario):
    telefono.telefono_codigo_enviar(usuario=usuario, numero=NUMERO)
    telefono.telefono_verificar(usuario=usuario, codigo=codigo_enviado())
    telefono.telefono_preferencias_guardar(usuario=usuario, sms_recordatorios=False, sms_novedades=True)

    telefono.telefono_codigo_enviar(usuario=usuario, numero="912 345 678")
    canal = CanalAviso.objects.get(usuario=usuario)
    assert canal.destino == OTRO_NUMERO and not canal.verificado
    assert canales.telefono_verificado(usuario=usuario) is None  # no SMS alerts until verified
    assert (canal.sms_recordatorios, canal.sms_novedades) == (False, True)  # the choices stay
    telefono.telefono_verificar(usuario=usuario, codigo=codigo_enviado(OTRO_NUMERO))
    assert canales.telefono_verificado(usuario=usuario).destino == OTRO_NUMERO


def test_un_numero_que_deja_una_cuenta_puede_verificarlo_otra(usuario):
    otra = UsuarioFactory()
    telefono.telefono_codigo_enviar(usuario=otra, numero=NUMERO)
    telefono.telefono_verificar(usuario=otra, codigo=codigo_enviado())
    telefono.telefono_quitar(usuario=otra)
    telefono.telefono_codigo_enviar(usuario=usuario, numero=NUMERO)
    assert telefono.telefono_verificar(usuario=usuario, codigo=codigo_enviado()).verificado


# --- The pages ----------------------------------------------------------------------------------


def test_registrar_y_verificar_en_las_paginas(client, usuario):
    client.force_login(usuario)
    respuesta = client.post(CELULAR, {"numero": "+51 987 654 321"}, follow=True)
    assert respuesta.redirect_chain[-1][0] == CODIGO
    texto = respuesta.content.decode()
    assert "Te enviamos un código por SMS al +51 987 654 321" in texto
    assert 'autocomplete="one-time-code"' in texto

    codigo = codigo_enviado()
    respuesta = client.post(CODIGO, {"codigo": incorrecto(codigo)})
    assert respuesta.status_code == 400
    texto = respuesta.content.decode()
    assert 'href="#id_codigo"' in texto and "te quedan 4 intentos" in texto
    assert f'value="{incorrecto(codigo)}"' in texto  # what was typed stays

    respuesta = client.post(CODIGO, {"codigo": f"{codigo[:3]} {codigo[3:]}"}, follow=True)
    assert respuesta.redirect_chain[-1][0] == AVISOS
    texto = respuesta.content.decode()
    assert "Verificamos tu celular +51 987 654 321" in texto
    assert "Verificado el" in texto


def test_un_codigo_con_letras_se_explica_sin_gastar_un_intento(client, usuario):
    client.force_login(usuario)
    telefono.telefono_codigo_enviar(usuario=usuario, numero=NUMERO)
    respuesta = client.post(CODIGO, {"codigo": "12a456"})
    assert respuesta.status_code == 400
    assert "El código tiene 6 cifras" in respuesta.content.decode()
    assert CanalAviso.objects.get().codigo_intentos == 0


def test_enviar_otro_codigo_y_el_limite_se_explica_en_la_pagina(client, usuario):
    client.force_login(usuario)
    client.post(CELULAR, {"numero": NUMERO})
    respuesta = client.post("/cuenta/avisos/celular/reenviar/", follow=True)
    assert "Te enviamos un código nuevo por SMS" in respuesta.content.decode()
    client.post("/cuenta/avisos/celular/reenviar/")
    respuesta = client.post("/cuenta/avisos/celular/reenviar/", follow=True)
    assert respuesta.redirect_chain[-1][0] == CODIGO
    assert "Ya te enviamos 3 códigos en la última hora. Podrás pedir otro a las" in respuesta.content.decode()
    assert Mensaje.objects.filter(canal=Mensaje.Canal.SMS).count() == 3


def test_quitar_el_celular_pide_confirmacion_y_borra_el_canal(client, usuario):
    client.force_login(usuario)
    telefono.telefono_codigo_enviar(usuario=usuario, numero=NUMERO)
    telefono.telefono_verificar(usuario=usuario, codigo=codigo_enviado())
    pagina = client.get("/cuenta/avisos/celular/quitar/").content.decode()
    assert "¿Quitar tu celular +51 987 654 321?" in pagina
    assert "Ya no te enviaremos SMS" in pagina
    assert CanalAviso.objects.filter(usuario=usuario).exists()  # GET changes nothing

    respuesta = client.post("/cuenta/avisos/celular/quitar/", follow=True)
    assert "Quitamos tu celular +51 987 654 321" in respuesta.content.decode()
    assert not CanalAviso.objects.filter(usuario=usuario, tipo=TipoCanal.SMS).exists()
    assert "Agregar un celular" in respuesta.content.decode()


def test_sin_sms_configurado_la_pagina_dice_que_no_hay_avisos_por_sms(client, usuario, settings):
    settings.SMS_URL = ""
    client.force_login(usuario)
    assert "Los avisos por SMS no están disponibles" in client.get(AVISOS).content.decode()
    pagina = client.post(CELULAR, {"numero": NUMERO})
    assert "Los avisos por SMS no están disponibles" in pagina.content.decode()
    assert not CanalAviso.objects.exists() and not Mensaje.objects.exists()
    error = error_de(telefono.telefono_codigo_enviar, usuario=usuario, numero=NUMERO)
    assert error.code == "sms_no_disponible"


def test_enviar_las_paginas_vacias_pide_el_dato_en_vez_de_ignorarlo(client, usuario):
    client.force_login(usuario)
    respuesta = client.post(CELULAR, {})
    assert respuesta.status_code == 400
    assert "Escribe el número de tu celular" in respuesta.content.decode()
    telefono.telefono_codigo_enviar(usuario=usuario, numero=NUMERO)
    respuesta = client.post(CODIGO, {})
    assert respuesta.status_code == 400
    assert "Escribe el código de 6 cifras que te enviamos por SMS" in respuesta.content.decode()
    assert CanalAviso.objects.get().codigo_intentos == 0


def test_el_celular_del_perfil_se_ofrece_sin_volver_a_escribirlo(client):
    ciudadano = persona(telefono="955123456")
    client.force_login(ciudadano)
    assert 'value="+51 955 123 456"' in client.get(CELULAR).content.decode()
    con_fijo = persona(telefono="014567890", nombres="Pedro")
    client.force_login(con_fijo)
    assert 'value="' not in re.search(r"<input[^>]*name=\"numero\"[^>]*>", client.get(CELULAR).content.decode()).group(0)
