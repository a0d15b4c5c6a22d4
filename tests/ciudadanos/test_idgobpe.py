"""ID GOB.PE's claims as the portal's fields, the login levels and where a
procedure's level is asked for. The whole login against a real provider is in
tests/navegador/test_idgobpe.py."""

import pytest
from django.test import override_settings

from ciudadanos import identidad, niveles
from ciudadanos.models import NivelIngreso, Perfil
from tests import factories
from tests.fixtures import DOMICILIO, borrador_completo, persona
from tramites.models import Tramite

RENIEC = {
    "sub": "40000004",
    "doc": " 40000004 ",
    "first_name": "pedro  pablo",
    "fathers_lastname": "Ramos",
    "mothers_lastname": "CHAVEZ",
    "email": "Pedro.Ramos@Example.PE",
    "email_verified": "true",
    "phone_number": "+51987000004",
    "acr": "two_factor",
}


# --- Claims -------------------------------------------------------------------------------------


def test_claims_de_reniec_en_los_campos_del_perfil():
    assert identidad.claims_mapear(RENIEC) == {
        "numero_documento": "40000004",
        "nombres": "PEDRO PABLO",
        "apellido_paterno": "RAMOS",
        "apellido_materno": "CHAVEZ",
        "email": "pedro.ramos@example.pe",
        "email_verificado": True,
        "telefono": "+51987000004",
        "nivel": NivelIngreso.IDGOBPE_DOS_FACTORES,
    }


@pytest.mark.parametrize("valor, verificado", [(True, True), ("true", True), (False, False), ("false", False),
                                               (None, False), ("", False)])
def test_correo_verificado_solo_si_el_claim_lo_dice(valor, verificado):
    assert identidad.claims_mapear({**RENIEC, "email_verified": valor})["email_verificado"] is verificado


def test_claims_ausentes_quedan_vacios_y_sin_nivel():
    mapeado = identidad.claims_mapear({"sub": "x", "doc": "40000003"})
    assert mapeado["numero_documento"] == "40000003"
    assert mapeado["nombres"] == mapeado["email"] == mapeado["telefono"] == ""
    assert mapeado["email_verificado"] is False
    assert mapeado["nivel"] is None


def test_un_proveedor_con_otros_nombres_de_claims_se_configura(settings):
    settings.IDGOBPE_CLAIMS = {**settings.IDGOBPE_CLAIMS, "numero_documento": "dni", "nombres": "given_name"}
    mapeado = identidad.claims_mapear({"dni": "40000003", "given_name": "María Luisa"})
    assert (mapeado["numero_documento"], mapeado["nombres"]) == ("40000003", "MARÍA LUISA")


def test_el_id_token_da_el_nivel_y_la_userinfo_los_datos():
    extra = {"id_token": {"sub": "40000004", "acr": "one_factor", "nonce": "n"}, "userinfo": RENIEC | {"acr": None}}
    assert identidad.claims_mapear(identidad.claims_de(extra))["nombres"] == "PEDRO PABLO"
    solo_token = {"id_token": {"sub": "40000004", "acr": "one_factor"}, "userinfo": {"doc": "40000004"}}
    assert identidad.claims_mapear(identidad.claims_de(solo_token))["nivel"] == NivelIngreso.IDGOBPE_UN_FACTOR


@pytest.mark.parametrize("telefono, local", [("+51987000004", "987000004"), ("987000004", "987000004"),
                                             ("+1 415 555 0100", "+14155550100")])
def test_celular_peruano_sin_codigo_de_pais(telefono, local):
    assert identidad.telefono_local(telefono) == local


# --- Levels -------------------------------------------------------------------------------------


@pytest.mark.parametrize("acr, nivel", [("one_factor", 3), ("two_factor", 4), ("pki_dnie", 5), ("pki_token", 5),
                                        ("", None), ("loa-9", None)])
def test_nivel_de_cada_acr(acr, nivel):
    assert identidad.nivel_de_acr(acr) == nivel


@pytest.mark.parametrize("nivel, acr", [(1, "one_factor"), (2, "one_factor"), (3, "one_factor"),
                                        (4, "two_factor"), (5, "pki_dnie")])
def test_acr_values_que_pide_cada_nivel(nivel, acr):
    assert niveles.acr_para(nivel) == acr


def test_el_tramite_dice_en_palabras_el_nivel_que_exige():
    assert niveles.requisito_texto(NivelIngreso.CLAVE) == ""
    assert niveles.requisito_texto(NivelIngreso.IDGOBPE_DOS_FACTORES) == (
        "Para este trámite debes ingresar con ID GOB.PE con dos factores."
    )


def _entrar(client, email, codigo=False):
    respuesta = client.post("/cuenta/login/", {"login": email, "password": factories.CLAVE})
    if codigo:
        assert respuesta["Location"] == "/cuenta/2fa/authenticate/"
        respuesta = client.post("/cuenta/2fa/authenticate/", {"code": factories.codigo_totp()})
    assert respuesta.status_code == 302
    return respuesta


@pytest.mark.django_db
def test_ingreso_con_contrasena_es_nivel_1_y_con_codigo_nivel_2(client):
    sin_codigo = persona(numero_documento="41000001")
    _entrar(client, sin_codigo.email)
    assert client.session[niveles.SESION_NIVEL] == NivelIngreso.CLAVE
    assert Perfil.objects.get(usuario=sin_codigo).nivel_ingreso == NivelIngreso.CLAVE

    client.post("/cuenta/logout/")
    con_codigo = persona(numero_documento="41000002")
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(con_codigo, factories.SECRETO_TOTP)
    _entrar(client, con_codigo.email, codigo=True)
    assert client.session[niveles.SESION_NIVEL] == NivelIngreso.CLAVE_Y_CODIGO
    perfil = Perfil.objects.get(usuario=con_codigo)
    assert perfil.nivel_ingreso == NivelIngreso.CLAVE_Y_CODIGO and perfil.nivel_ingreso_en is not None


@pytest.mark.django_db
def test_tramite_que_pide_codigo_manda_a_confirmar_y_vuelve(client, catalogo):
    Tramite.objects.filter(slug=DOMICILIO).update(nivel_ingreso_minimo=NivelIngreso.CLAVE_Y_CODIGO)
    ciudadana = persona(numero_documento="41000003")
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(ciudadana, factories.SECRETO_TOTP)
    borrador = borrador_completo(ciudadana, DOMICILIO)
    client.force_login(ciudadana)  # a session without its level: counts as the password alone

    # Starting is refused below the level...
    iniciar = client.post(f"/tramites/{DOMICILIO}/solicitar/")
    assert iniciar.status_code == 302 and iniciar["Location"].startswith("/cuenta/nivel/?nivel=2&next=")
    # ...and so is filing, which keeps the draft as it was.
    revisar = f"/tramites/{DOMICILIO}/solicitar/{borrador.uuid}/revisar/"
    presentar = client.post(revisar, {"declaracion_jurada": "on"})
    subir = presentar["Location"]
    assert subir.startswith("/cuenta/nivel/?nivel=2&next=")
    borrador.refresh_from_db()
    assert borrador.estado == "borrador"

    pagina = client.get(subir)
    assert pagina.status_code == 200
    texto = pagina.content.decode()
    assert "Confirmar con el código de mi aplicación" in texto
    assert "Ingresar con ID GOB.PE" not in texto  # not configured here

    # The code confirmed: back to the same step, and filing records level 2.
    client.post(f"/cuenta/2fa/reauthenticate/?next={subir}", {"code": factories.codigo_totp()})
    vuelta = client.get(subir)
    assert vuelta.status_code == 302 and vuelta["Location"] == revisar
    presentada = client.post(revisar, {"declaracion_jurada": "on"})
    assert "/confirmacion/" in presentada["Location"]
    borrador.refresh_from_db()
    assert borrador.nivel_ingreso == NivelIngreso.CLAVE_Y_CODIGO
    assert "Contraseña del portal y código de tu aplicación" in borrador.eventos.get(tipo="presentada").nota


@pytest.mark.django_db
def test_sin_segundo_factor_la_pagina_dice_como_activarlo(client, catalogo):
    ciudadana = persona(numero_documento="41000004")
    client.force_login(ciudadana)
    texto = client.get("/cuenta/nivel/?nivel=2&next=/mis-tramites/").content.decode()
    assert "Activar la verificación en dos pasos" in texto
    # A next outside the portal is never followed.
    assert client.get("/cuenta/nivel/?nivel=1&next=https://otro.example/")["Location"] == "/mis-tramites/"


@pytest.mark.django_db
def test_la_pagina_del_tramite_dice_el_nivel(client, catalogo):
    Tramite.objects.filter(slug=DOMICILIO).update(nivel_ingreso_minimo=NivelIngreso.IDGOBPE_DOS_FACTORES)
    texto = client.get(f"/tramites/{DOMICILIO}/").content.decode()
    assert "Para este trámite debes ingresar con ID GOB.PE con dos factores." in texto


# --- Configuration ------------------------------------------------------------------------------


IDGOBPE = {"IDGOBPE_SERVER_URL": "http://127.0.0.1:9", "IDGOBPE_CLIENT_ID": "portal", "IDGOBPE_CLIENT_SECRET": "s"}


@pytest.mark.django_db
def test_el_boton_aparece_solo_con_las_tres_variables(client):
    assert "Ingresar con ID GOB.PE" not in client.get("/cuenta/login/").content.decode()
    with override_settings(**IDGOBPE):
        for pagina in ("/cuenta/login/", "/cuenta/signup/"):
            texto = client.get(pagina).content.decode()
            assert "Ingresar con ID GOB.PE" in texto
            assert 'action="/cuenta/oidc/idgobpe/login/"' in texto and 'method="post"' in texto
    with override_settings(**{**IDGOBPE, "IDGOBPE_CLIENT_SECRET": ""}):
        assert "Ingresar con ID GOB.PE" not in client.get("/cuenta/login/").content.decode()


@pytest.mark.django_db
@override_settings(**IDGOBPE)
def test_solo_existe_el_proveedor_configurado(client):
    for ruta in ("/cuenta/oidc/%00/login/", "/cuenta/oidc/otro/login/", "/cuenta/oidc/otro/login/callback/",
                 "/cuenta/oidc/%00/login/callback/"):
        assert client.post(ruta).status_code == 404, ruta
    assert client.get("/cuenta/oidc/idgobpe/login/").status_code == 404  # logins start with a POST only


@pytest.mark.django_db
@override_settings(**IDGOBPE)
def test_proveedor_caido_se_explica_sin_error_500(client):
    respuesta = client.post("/cuenta/oidc/idgobpe/login/")
    assert respuesta.status_code == 503
    assert "ID GOB.PE no responde" in respuesta.content.decode()


# --- The filing receipt -------------------------------------------------------------------------


@pytest.mark.django_db
def test_el_cargo_dice_con_que_identidad_se_presento(catalogo, ciudadano, al_confirmar):
    import io

    from pypdf import PdfReader

    from tramites import services

    with al_confirmar():
        solicitud = services.solicitud_presentar(
            solicitud=borrador_completo(ciudadano, DOMICILIO), ciudadano=ciudadano, declaracion_jurada=True,
            nivel_ingreso=NivelIngreso.IDGOBPE_DOS_FACTORES,
        )
    solicitud.refresh_from_db()
    with solicitud.cargo.archivo.open("rb") as archivo:
        texto = " ".join("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(archivo.read())).pages).split())
    assert "Identidad al presentar ID GOB.PE con dos factores" in texto
