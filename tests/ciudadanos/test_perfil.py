"""The identity profile page: errors a citizen can act on, the address selects
without JavaScript, one account per document, alerts, verified identities and
the personal-data download."""

import json
from html.parser import HTMLParser

import pytest
from allauth.mfa.totp.internal.auth import TOTP

from ciudadanos import services
from ciudadanos.models import NivelIdentidad, Perfil
from tests import factories

pytestmark = pytest.mark.django_db

EDITAR = "/cuenta/perfil/editar/"

PERFIL_VALIDO = {
    "tipo_documento": "DNI",
    "numero_documento": "10117410-2",
    "nombres": "María José",
    "apellido_paterno": "Pérez-Albela",
    "apellido_materno": "Ccori",
    "fecha_nacimiento_0": "27",
    "fecha_nacimiento_1": "3",
    "fecha_nacimiento_2": "1990",
    "telefono": "987 654 321",
    "direccion": "Av. Larco 123",
    "departamento": "15",
    "provincia": "1501",
    "distrito": "150122",
    "accion": "guardar",
}


def datos(**cambios):
    return {**PERFIL_VALIDO, **cambios}


class Pagina(HTMLParser):
    """What a person (or a screen reader) gets from the form page: input values,
    the options of each select, the error summary and the inline errors."""

    def __init__(self, contenido):
        super().__init__(convert_charrefs=True)
        self.ids = set()
        self.valores = {}  # text inputs: name -> value
        self.deshabilitados = set()
        self.marcados = {}  # radios: name -> checked value
        self.opciones = {}  # selects: name -> [(value, text)]
        self.seleccionado = {}  # selects: name -> selected value
        self.autofocus = set()
        self.resumen = []  # error summary links: (href, text)
        self.errores = {}  # inline error paragraphs: id -> text
        self._select = None
        self._opcion = None
        self._en_resumen = 0
        self._enlace = None
        self._error = None
        self.feed(contenido)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        clases = (a.get("class") or "").split()
        if tag == "div" and "resumen-errores" in clases:
            self._en_resumen = 1
        elif tag == "div" and self._en_resumen:
            self._en_resumen += 1
        if tag == "a" and self._en_resumen:
            self._enlace = [a.get("href"), ""]
        if tag == "p" and "mensaje-error" in clases:
            self._error = [a.get("id"), ""]
        if tag in ("input", "select") and "autofocus" in a:
            self.autofocus.add(a.get("name"))
        if tag in ("input", "select") and "disabled" in a:
            self.deshabilitados.add(a.get("name"))
        if tag == "input":
            tipo = a.get("type", "text")
            if tipo == "radio":
                if "checked" in a:
                    self.marcados[a["name"]] = a.get("value")
            elif tipo in ("text", "tel", "email"):
                self.valores[a["name"]] = a.get("value", "")
        elif tag == "select":
            self._select = a["name"]
            self.opciones[self._select] = []
        elif tag == "option" and self._select:
            self._opcion = [a.get("value"), ""]
            if "selected" in a:
                self.seleccionado[self._select] = a.get("value")

    def handle_endtag(self, tag):
        if tag == "div" and self._en_resumen:
            self._en_resumen -= 1
        if tag == "a" and self._enlace:
            self.resumen.append((self._enlace[0], self._enlace[1].strip()))
            self._enlace = None
        if tag == "p" and self._error:
            self.errores[self._error[0]] = " ".join(self._error[1].split())
            self._error = None
        if tag == "option" and self._opcion:
            self.opciones[self._select].append((self._opcion[0], self._opcion[1].strip()))
            self._opcion = None
        if tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._enlace:
            self._enlace[1] += data
        if self._error:
            self._error[1] += data
        if self._opcion:
            self._opcion[1] += data

    def nombres_de(self, select):
        return [texto for valor, texto in self.opciones[select] if valor]

    def error(self, campo):
        return self.errores.get(f"id_{campo}_error", "")


@pytest.fixture
def usuario(client):
    usuario = factories.UsuarioFactory(email="maria@example.pe")
    client.force_login(usuario)
    return usuario


@pytest.fixture
def con_perfil(client):
    perfil = factories.PerfilFactory(
        usuario__email="rosa@example.pe",
        numero_documento="10117410",
        digito_verificacion="2",
        ubigeo="150122",
    )
    client.force_login(perfil.usuario)
    return perfil


def datos_de(perfil, **cambios):
    base = {
        "tipo_documento": perfil.tipo_documento,
        "numero_documento": "-".join(
            filter(None, [perfil.numero_documento, perfil.digito_verificacion])
        ),
        "nombres": perfil.nombres,
        "apellido_paterno": perfil.apellido_paterno,
        "apellido_materno": perfil.apellido_materno,
        "fecha_nacimiento_0": str(perfil.fecha_nacimiento.day),
        "fecha_nacimiento_1": str(perfil.fecha_nacimiento.month),
        "fecha_nacimiento_2": str(perfil.fecha_nacimiento.year),
        "telefono": perfil.telefono,
        "direccion": perfil.direccion,
        "departamento": perfil.ubigeo[:2],
        "provincia": perfil.ubigeo[:4],
        "distrito": perfil.ubigeo,
        "accion": "guardar",
    }
    return {**base, **cambios}


# --- Errors the citizen can act on -------------------------------------------------------


def test_formulario_vacio_resumen_de_errores_con_enlaces(client, usuario):
    respuesta = client.post(EDITAR, {"accion": "guardar"})
    assert respuesta.status_code == 400
    pagina = Pagina(respuesta.content.decode())
    assert "Hay un problema" in respuesta.content.decode()

    esperados = {
        "#id_tipo_documento_0": "Elige el tipo de documento de identidad.",
        "#id_numero_documento": "Ingresa el número de tu documento.",
        "#id_nombres": "Ingresa tus nombres como figuran en tu documento.",
        "#id_apellido_paterno": "Ingresa tu primer apellido.",
        "#id_fecha_nacimiento_0": "Ingresa la fecha completa: día, mes y año.",
        "#id_telefono": "Ingresa tu número de celular.",
        "#id_direccion": "Ingresa tu dirección.",
        "#id_departamento": "Elige el departamento.",
        "#id_provincia": "Elige la provincia.",
        "#id_distrito": "Elige el distrito.",
    }
    assert dict(pagina.resumen) == esperados
    # Every link jumps to something that exists on the page.
    for href, _texto in pagina.resumen:
        assert href[1:] in pagina.ids
    # The same message next to each field; the optional one has none.
    for href, texto in esperados.items():
        campo = href[4:].removesuffix("_0")
        assert pagina.error(campo) == f"Error: {texto}"
    assert pagina.error("apellido_materno") == ""
    assert not Perfil.objects.exists()


def test_lo_escrito_se_conserva_al_mostrar_errores(client, usuario):
    respuesta = client.post(
        EDITAR,
        datos(
            nombres="María José",
            apellido_paterno="Ch'aska",
            telefono="12345",
            direccion="Jr. Junín 456",
            fecha_nacimiento_0="31",
            fecha_nacimiento_1="2",
        ),
    )
    assert respuesta.status_code == 400
    pagina = Pagina(respuesta.content.decode())
    assert pagina.valores["nombres"] == "María José"
    assert pagina.valores["apellido_paterno"] == "Ch'aska"
    assert pagina.valores["telefono"] == "12345"
    assert pagina.valores["direccion"] == "Jr. Junín 456"
    assert pagina.valores["numero_documento"] == "10117410-2"
    assert (
        pagina.valores["fecha_nacimiento_0"],
        pagina.valores["fecha_nacimiento_1"],
        pagina.valores["fecha_nacimiento_2"],
    ) == ("31", "2", "1990")
    assert pagina.marcados["tipo_documento"] == "DNI"
    assert pagina.seleccionado == {"departamento": "15", "provincia": "1501", "distrito": "150122"}
    assert "celular peruano de 9 cifras" in pagina.error("telefono")
    assert pagina.error("fecha_nacimiento") == (
        "Error: La fecha debe ser una fecha real, por ejemplo 27 3 1990."
    )
    assert [href for href, _ in pagina.resumen] == ["#id_fecha_nacimiento_0", "#id_telefono"]


@pytest.mark.parametrize(
    "cambios, campo, mensaje",
    [
        (
            {"numero_documento": "10117410-3"},
            "numero_documento",
            "El dígito de verificación no corresponde a ese DNI",
        ),
        ({"numero_documento": "1011741"}, "numero_documento", "El DNI tiene 8 cifras"),
        (
            {"tipo_documento": "CE", "numero_documento": "12345678"},
            "numero_documento",
            "El Carné de Extranjería tiene 9 cifras",
        ),
        (
            {"tipo_documento": "PAS", "numero_documento": "AB-12"},
            "numero_documento",
            "El número de pasaporte tiene entre 6 y 12 letras o cifras",
        ),
        ({"tipo_documento": "RUC"}, "tipo_documento", "Escoja una opción válida"),
        ({"nombres": "Juan2"}, "nombres", "Usa solo letras, espacios, guiones y apóstrofos"),
        ({"apellido_materno": "a_b"}, "apellido_materno", "Usa solo letras"),
        ({"fecha_nacimiento_2": "90"}, "fecha_nacimiento", "Escribe el año con 4 cifras"),
        ({"fecha_nacimiento_2": "2020"}, "fecha_nacimiento", "Debes ser mayor de edad"),
        ({"fecha_nacimiento_2": "2999"}, "fecha_nacimiento", "debe ser anterior a hoy"),
        ({"telefono": "+51 123 456 789"}, "telefono", "celular peruano de 9 cifras"),
        ({"direccion": "<b>Av. Larco</b> 123"}, "direccion", "No uses los caracteres < ni >"),
    ],
)
def test_dato_invalido_mensaje_en_castellano(client, usuario, cambios, campo, mensaje):
    respuesta = client.post(EDITAR, datos(**cambios))
    assert respuesta.status_code == 400
    pagina = Pagina(respuesta.content.decode())
    assert mensaje in pagina.error(campo)
    destino = "#id_tipo_documento_0" if campo == "tipo_documento" else f"#id_{campo}"
    destino = "#id_fecha_nacimiento_0" if campo == "fecha_nacimiento" else destino
    assert [href for href, _ in pagina.resumen] == [destino]
    assert not Perfil.objects.exists()


@pytest.mark.parametrize(
    "tipo, escrito, numero, digito",
    [
        ("DNI", "10117410", "10117410", ""),
        ("DNI", "10117410 g", "10117410", "G"),
        ("CE", "001-234-567", "001234567", ""),
        ("PAS", "ab 123456", "AB123456", ""),
    ],
)
def test_documento_se_guarda_normalizado(client, usuario, tipo, escrito, numero, digito):
    respuesta = client.post(EDITAR, datos(tipo_documento=tipo, numero_documento=escrito))
    assert respuesta.status_code == 302
    perfil = Perfil.objects.get(usuario=usuario)
    assert (perfil.tipo_documento, perfil.numero_documento, perfil.digito_verificacion) == (
        tipo,
        numero,
        digito,
    )


SCRIPT = "<script>alert(1)</script>"


@pytest.mark.parametrize("campo", ["nombres", "apellido_paterno", "apellido_materno"])
def test_marcado_en_nombres_rechazado_y_no_reflejado(client, usuario, campo):
    respuesta = client.post(EDITAR, datos(**{campo: SCRIPT}))
    assert respuesta.status_code == 400
    contenido = respuesta.content.decode()
    assert "<script>alert" not in contenido
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in contenido
    pagina = Pagina(contenido)
    assert pagina.valores[campo] == SCRIPT  # kept, as text, for the citizen to fix
    assert "Usa solo letras" in pagina.error(campo)
    assert not Perfil.objects.exists()


def test_marcado_en_direccion_rechazado_y_no_reflejado(client, con_perfil):
    antes = con_perfil.direccion
    respuesta = client.post(EDITAR, datos_de(con_perfil, direccion=f"Av. Larco 123 {SCRIPT}"))
    assert respuesta.status_code == 400
    contenido = respuesta.content.decode()
    assert "<script>alert" not in contenido
    assert "No uses los caracteres < ni >" in Pagina(contenido).error("direccion")
    con_perfil.refresh_from_db()
    assert con_perfil.direccion == antes


def test_marcado_en_campos_de_seleccion_no_se_refleja(client, usuario):
    respuesta = client.post(
        EDITAR, datos(departamento=SCRIPT, provincia=SCRIPT, distrito=SCRIPT, accion="provincias")
    )
    assert "<script>alert" not in respuesta.content.decode()
    respuesta = client.post(EDITAR, datos(departamento=SCRIPT, tipo_documento=SCRIPT))
    assert respuesta.status_code == 400
    assert "<script>alert" not in respuesta.content.decode()


# --- Address selects without JavaScript ----------------------------------------------------


def test_sin_javascript_mostrar_provincias_y_luego_distritos(client, usuario):
    escrito = datos(provincia="", distrito="", accion="provincias", telefono="12345")
    respuesta = client.post(EDITAR, escrito)
    assert respuesta.status_code == 200
    contenido = respuesta.content.decode()
    # Only refreshing the list: no errors yet (not even for the bad phone).
    assert "Hay un problema" not in contenido
    pagina = Pagina(contenido)
    assert pagina.errores == {}
    provincias = pagina.nombres_de("provincia")
    assert "Huaral" in provincias and "Lima" in provincias and "Cañete" in provincias
    assert len(provincias) == 10
    assert pagina.nombres_de("distrito") == []
    assert pagina.seleccionado["departamento"] == "15"
    assert "provincia" in pagina.autofocus
    # Everything typed is still there.
    assert pagina.valores["nombres"] == "María José"
    assert pagina.valores["apellido_paterno"] == "Pérez-Albela"
    assert pagina.valores["numero_documento"] == "10117410-2"
    assert pagina.valores["telefono"] == "12345"
    assert pagina.valores["direccion"] == "Av. Larco 123"
    assert pagina.valores["fecha_nacimiento_2"] == "1990"
    assert pagina.marcados["tipo_documento"] == "DNI"

    respuesta = client.post(EDITAR, {**escrito, "provincia": "1501", "accion": "distritos"})
    assert respuesta.status_code == 200
    pagina = Pagina(respuesta.content.decode())
    assert pagina.errores == {}
    assert ("150122", "Miraflores") in pagina.opciones["distrito"]
    assert len(pagina.nombres_de("distrito")) == 43
    assert pagina.seleccionado["provincia"] == "1501"
    assert "distrito" in pagina.autofocus
    assert pagina.valores["nombres"] == "María José"

    # Nothing is saved by asking for a list.
    assert not Perfil.objects.exists()


def test_cambiar_de_departamento_vacia_los_distritos_de_otro(client, usuario):
    respuesta = client.post(
        EDITAR, datos(departamento="07", provincia="1501", distrito="150122", accion="provincias")
    )
    pagina = Pagina(respuesta.content.decode())
    assert pagina.nombres_de("provincia") == ["Callao"]
    assert pagina.nombres_de("distrito") == []


@pytest.mark.parametrize(
    "departamento, provincia, distrito, campo",
    [
        ("15", "1501", "070101", "distrito"),  # Callao is not in the province of Lima
        ("15", "1501", "150201", "distrito"),  # a district of Barranca
        ("15", "1501", "999999", "distrito"),
        ("15", "0701", "070101", "provincia"),  # a province of another department
        ("99", "9901", "990101", "departamento"),
    ],
)
def test_distrito_inconsistente_rechazado(
    client, usuario, departamento, provincia, distrito, campo
):
    respuesta = client.post(
        EDITAR, datos(departamento=departamento, provincia=provincia, distrito=distrito)
    )
    assert respuesta.status_code == 400
    pagina = Pagina(respuesta.content.decode())
    assert pagina.error(campo).startswith("Error: Elige un")
    assert not Perfil.objects.exists()


# --- One account per document ----------------------------------------------------------------

DUPLICADO = "Ya existe una cuenta con ese documento de identidad"


@pytest.mark.parametrize("escrito", ["10117410", "10117410-2", "10117410G"])
def test_segunda_cuenta_con_el_mismo_dni_es_rechazada(client, mailoutbox, al_confirmar, escrito):
    primera = factories.PerfilFactory(numero_documento="10117410", nombres="Rosa")
    segunda = factories.UsuarioFactory()
    client.force_login(segunda)

    with al_confirmar():
        respuesta = client.post(EDITAR, datos(numero_documento=escrito))
    assert respuesta.status_code == 400
    pagina = Pagina(respuesta.content.decode())
    assert DUPLICADO in pagina.error("numero_documento")
    assert pagina.resumen[0][0] == "#id_numero_documento"
    assert DUPLICADO in pagina.resumen[0][1]
    assert pagina.valores["nombres"] == "María José"

    assert not Perfil.objects.filter(usuario=segunda).exists()
    assert Perfil.objects.filter(numero_documento="10117410").count() == 1
    primera.refresh_from_db()
    assert primera.nombres == "Rosa"
    assert mailoutbox == []


def test_cambiar_el_documento_al_de_otra_cuenta_no_cambia_nada(client, mailoutbox, al_confirmar):
    factories.PerfilFactory(numero_documento="10117410")
    mio = factories.PerfilFactory(numero_documento="45678912", telefono="+51911111111")
    client.force_login(mio.usuario)

    with al_confirmar():
        respuesta = client.post(
            EDITAR, datos_de(mio, numero_documento="10117410", telefono="922 222 222")
        )
    assert respuesta.status_code == 400
    assert DUPLICADO in Pagina(respuesta.content.decode()).error("numero_documento")
    mio.refresh_from_db()
    assert mio.numero_documento == "45678912"
    assert mio.telefono == "+51911111111"  # the whole save was refused
    assert mailoutbox == []


def test_el_mismo_numero_con_otro_tipo_de_documento_no_es_duplicado(client, usuario):
    factories.PerfilFactory(tipo_documento="PAS", numero_documento="10117410")
    respuesta = client.post(EDITAR, datos(numero_documento="10117410"))
    assert respuesta.status_code == 302
    assert Perfil.objects.get(usuario=usuario).numero_documento == "10117410"


# --- Alerts ----------------------------------------------------------------------------------


def test_editar_avisa_por_correo_que_campos_cambiaron_sin_sus_valores(
    client, con_perfil, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as al_confirmar:
        respuesta = client.post(
            EDITAR,
            datos_de(con_perfil, telefono="+34 612 345 678", direccion="Calle Secreta 742"),
        )
    assert respuesta.status_code == 302
    con_perfil.refresh_from_db()
    assert con_perfil.telefono == "+34612345678"
    # Nothing leaves before the transaction commits.
    assert mailoutbox == []
    assert al_confirmar
    for callback in al_confirmar:
        callback()

    assert len(mailoutbox) == 1
    correo = mailoutbox[0]
    assert correo.to == ["rosa@example.pe"]
    assert correo.subject == "Actualizaste los datos de tu perfil"
    cambios = [linea for linea in correo.body.splitlines() if linea.startswith("- ")]
    assert cambios == ["- Celular", "- Dirección"]
    # The email names what changed, never the new values (it can be read by
    # whoever took over the mailbox, or the account).
    assert "612" not in correo.body
    assert "Secreta" not in correo.body
    assert "http://testserver/cuenta/perfil/" in correo.body

    pagina = client.get("/cuenta/perfil/")
    assert "Guardamos tu perfil. Te enviamos un aviso a tu correo." in pagina.content.decode()


def test_guardar_sin_cambios_no_envia_aviso(client, con_perfil, mailoutbox, al_confirmar):
    with al_confirmar():
        respuesta = client.post(EDITAR, datos_de(con_perfil))
    assert respuesta.status_code == 302
    assert mailoutbox == []
    # Writing the same data another way is no change either.
    with al_confirmar():
        client.post(
            EDITAR, datos_de(con_perfil, numero_documento="1011 7410 2", telefono="987654321")
        )
    assert mailoutbox == []


def test_aviso_de_cambio_de_identidad_nombra_los_campos(
    client, con_perfil, mailoutbox, al_confirmar
):
    with al_confirmar():
        client.post(EDITAR, datos_de(con_perfil, nombres="Rosa Elena", apellido_materno=""))
    correo = mailoutbox[0]
    cambios = [linea for linea in correo.body.splitlines() if linea.startswith("- ")]
    assert cambios == ["- Nombres", "- Segundo apellido"]
    # The greeting uses the current name; the list of changes never the values.
    assert correo.body.count("Rosa Elena") == 1
    assert "Hola, Rosa Elena:" in correo.body


# --- Verified identity ---------------------------------------------------------------------


@pytest.fixture
def verificada(client):
    perfil = factories.PerfilFactory(
        usuario__email="rosa@example.pe",
        numero_documento="10117410",
        digito_verificacion="2",
        nombres="Rosa",
        telefono="+51911111111",
    )
    services.perfil_verificar_identidad(
        perfil=perfil, metodo=NivelIdentidad.PRESENCIAL, verificador=None
    )
    client.force_login(perfil.usuario)
    perfil.refresh_from_db()
    assert perfil.nivel_identidad == NivelIdentidad.PRESENCIAL
    return perfil


def test_identidad_verificada_se_muestra_bloqueada(client, verificada):
    pagina = Pagina(client.get(EDITAR).content.decode())
    assert {
        "tipo_documento",
        "numero_documento",
        "nombres",
        "apellido_paterno",
        "apellido_materno",
        "fecha_nacimiento_0",
        "fecha_nacimiento_1",
        "fecha_nacimiento_2",
    } <= pagina.deshabilitados
    assert not {"telefono", "direccion", "departamento", "provincia", "distrito"} & (
        pagina.deshabilitados
    )
    assert pagina.valores["numero_documento"] == "10117410-2"
    assert pagina.valores["nombres"] == "Rosa"


def test_identidad_verificada_no_cambia_pero_el_contacto_si(
    client, verificada, mailoutbox, al_confirmar
):
    with al_confirmar():
        respuesta = client.post(
            EDITAR,
            datos_de(
                verificada,
                tipo_documento="CE",
                numero_documento="001234567",
                nombres="Impostora",
                apellido_paterno="Falsa",
                fecha_nacimiento_2="1970",
                telefono="922 222 222",
                direccion="Jr. Nuevo 1",
                departamento="07",
                provincia="0701",
                distrito="070101",
            ),
        )
    assert respuesta.status_code == 302
    perfil = Perfil.objects.get(pk=verificada.pk)
    assert (perfil.tipo_documento, perfil.numero_documento, perfil.digito_verificacion) == (
        "DNI",
        "10117410",
        "2",
    )
    assert perfil.nombres == "Rosa"
    assert perfil.apellido_paterno == verificada.apellido_paterno
    assert perfil.fecha_nacimiento == verificada.fecha_nacimiento
    assert perfil.nivel_identidad == NivelIdentidad.PRESENCIAL
    assert perfil.telefono == "+51922222222"
    assert perfil.direccion == "Jr. Nuevo 1"
    assert perfil.ubigeo == "070101"

    assert len(mailoutbox) == 1
    cambios = [linea for linea in mailoutbox[0].body.splitlines() if linea.startswith("- ")]
    assert cambios == ["- Celular", "- Dirección", "- Distrito"]


# --- Download my data ---------------------------------------------------------------------


def test_descargar_mis_datos(client, con_perfil):
    TOTP.activate(con_perfil.usuario, "JBSWY3DPEHPK3PXP")
    respuesta = client.get("/cuenta/mis-datos/")
    assert respuesta.status_code == 200
    assert respuesta["Content-Type"].startswith("application/json")
    assert respuesta["Content-Disposition"].startswith("attachment;")
    assert 'filename="mis-datos-' in respuesta["Content-Disposition"]
    assert "no-store" in respuesta["Cache-Control"]

    datos_json = json.loads(respuesta.content.decode("utf-8"))
    assert datos_json["cuenta"]["correo"] == "rosa@example.pe"
    assert {"correo": "rosa@example.pe", "verificado": True, "principal": True} in datos_json[
        "correos"
    ]
    perfil = datos_json["perfil"]
    assert perfil["tipo_documento"] == "DNI"
    assert perfil["numero_documento"] == "10117410"
    assert perfil["digito_verificacion"] == "2"
    assert perfil["nombres"] == con_perfil.nombres
    assert perfil["primer_apellido"] == con_perfil.apellido_paterno
    assert perfil["segundo_apellido"] == con_perfil.apellido_materno
    assert perfil["fecha_nacimiento"] == con_perfil.fecha_nacimiento.isoformat()
    assert perfil["celular"] == con_perfil.telefono
    assert perfil["direccion"] == con_perfil.direccion
    assert perfil["ubigeo_inei"] == "150122"
    assert perfil["ubigeo_reniec"] == "140115"
    assert (perfil["departamento"], perfil["provincia"], perfil["distrito"]) == (
        "Lima",
        "Lima",
        "Miraflores",
    )
    assert perfil["nivel_garantia_identidad"] == "Correo electrónico verificado"
    tipos = [a["tipo"] for a in datos_json["verificacion_en_dos_pasos"]]
    assert tipos == ["Autenticador TOTP"]


def test_descargar_mis_datos_sin_perfil_ni_doble_factor(client, usuario):
    respuesta = client.get("/cuenta/mis-datos/")
    assert respuesta.status_code == 200
    datos_json = respuesta.json()
    assert datos_json["cuenta"]["correo"] == "maria@example.pe"
    assert datos_json["perfil"] is None
    assert datos_json["verificacion_en_dos_pasos"] == []


def test_mis_datos_son_solo_mios(client, con_perfil):
    otra = factories.PerfilFactory(usuario__email="otra@example.pe", nombres="Otilia")
    contenido = client.get("/cuenta/mis-datos/").content.decode("utf-8")
    assert "otra@example.pe" not in contenido
    assert otra.numero_documento not in contenido
    assert "Otilia" not in contenido


# --- Login required ------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/cuenta/perfil/", EDITAR, "/cuenta/mis-datos/"])
def test_paginas_de_cuenta_piden_iniciar_sesion(client, url):
    respuesta = client.get(url)
    assert respuesta.status_code == 302
    assert respuesta["Location"] == f"/cuenta/login/?next={url}"


def test_anonimo_no_puede_guardar_un_perfil(client):
    respuesta = client.post(EDITAR, PERFIL_VALIDO)
    assert respuesta.status_code == 302
    assert respuesta["Location"].startswith("/cuenta/login/")
    assert not Perfil.objects.exists()


def test_perfil_muestra_los_datos_guardados(client, con_perfil):
    respuesta = client.get("/cuenta/perfil/")
    assert respuesta.status_code == 200
    contenido = respuesta.content.decode()
    assert "DNI 10117410-2" in contenido
    assert "28 de julio de 1985" in contenido
    assert "Miraflores, Lima, Lima" in contenido
    assert 'href="/cuenta/mis-datos/"' in contenido


def test_el_formulario_trae_los_datos_guardados(client, con_perfil):
    pagina = Pagina(client.get(EDITAR).content.decode())
    assert pagina.valores["numero_documento"] == "10117410-2"
    assert pagina.valores["nombres"] == con_perfil.nombres
    assert pagina.seleccionado == {"departamento": "15", "provincia": "1501", "distrito": "150122"}
    assert (
        pagina.valores["fecha_nacimiento_0"],
        pagina.valores["fecha_nacimiento_1"],
        pagina.valores["fecha_nacimiento_2"],
    ) == ("28", "7", "1985")
    assert pagina.deshabilitados == set()
