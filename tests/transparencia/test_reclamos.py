"""The Libro de Reclamaciones: anyone files a complaint without an account and
gets a code, a copy by email and a signed PDF record; follows it up with the
code and their document number only; staff answer it in the admin; the
deadline is 30 business days and staff are reminded once a day of the ones
about to fall due."""

import datetime
import hashlib
import io
import re
from html import unescape

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from egov.documentos import documento_emitir
from tests.fixtures import en_lima, servidor_de
from tramites.models import DiaNoLaborable
from tramites.plazos import Calendario
from transparencia import services as t_services
from transparencia.models import HojaReclamo, Reclamo

from .conftest import DNI_DIGITO_ERRADO, DNI_RECLAMANTE, datos_reclamo, reclamo_registrar

D = datetime.date
NUEVO = "/libro-de-reclamaciones/"
REGISTRADO = "/libro-de-reclamaciones/registrado/"
SEGUIMIENTO = "/libro-de-reclamaciones/seguimiento/"
NO_ENCONTRADO = "No encontramos un reclamo con ese código y ese documento. Revisa ambos datos."


@pytest.fixture
def web(client, django_capture_on_commit_callbacks):
    """The test client, where what a request schedules for after the commit
    (emails, the PDF task) runs when the response is back, as in production."""

    class Web:
        def get(self, *args, **kwargs):
            with django_capture_on_commit_callbacks(execute=True):
                return client.get(*args, **kwargs)

        def post(self, *args, **kwargs):
            with django_capture_on_commit_callbacks(execute=True):
                return client.post(*args, **kwargs)

    return Web()


def errores(respuesta) -> list[str]:
    """The items of the error summary at the top of the page."""
    html = respuesta.content.decode()
    resumen = re.search(r'<div class="resumen-errores".*?</div>', html, re.S)
    if not resumen:
        return []
    return [
        unescape(" ".join(re.sub(r"<[^>]+>", "", li).split()))
        for li in re.findall(r"<li>(.*?)</li>", resumen.group(0), re.S)
    ]


def _principal(respuesta) -> str:
    """The page's main content without what legitimately differs between two
    answers: the CSRF token and the values typed back into the inputs."""
    html = respuesta.content.decode()
    main = re.search(r"<main.*?</main>", html, re.S).group(0)
    main = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", main)
    return re.sub(r'\svalue="[^"]*"', "", main)


# --- Filing ---------------------------------------------------------------------------------------


def test_el_formulario_se_abre_sin_cuenta(catalogo, client):
    respuesta = client.get(NUEVO)
    assert respuesta.status_code == 200
    html = respuesta.content.decode()
    assert "<h1>Libro de Reclamaciones</h1>" in html
    for nombre in ("nombres", "apellidos", "tipo_documento", "numero_documento", "domicilio", "correo",
                   "telefono", "oficina", "hechos", "pedido"):
        assert f'name="{nombre}"' in html, nombre


def test_registrar_un_reclamo_da_codigo_copia_por_correo_y_pdf(catalogo, web, client, mailoutbox, settings):
    respuesta = web.post(NUEVO, datos_reclamo())
    assert respuesta.status_code == 302
    assert respuesta["Location"] == REGISTRADO

    anio = timezone.localdate().year
    codigo = f"LR-{anio}-000001"
    reclamo = Reclamo.objects.get()
    assert reclamo.codigo == codigo
    assert reclamo.usuario is None
    assert (reclamo.nombres, reclamo.apellidos) == ("Herminia", "Ccahuana Llacsa")
    assert (reclamo.tipo_documento, reclamo.numero_documento) == ("DNI", DNI_RECLAMANTE)
    assert reclamo.telefono == "+51944123987"
    assert reclamo.estado == Reclamo.Estado.REGISTRADO
    assert reclamo.fecha_limite == Calendario().vencimiento(timezone.localdate(), 30)

    pagina = client.get(REGISTRADO)
    assert pagina.status_code == 200
    assert f"<strong>{codigo}</strong>" in pagina.content.decode()
    assert "herminia.ccahuana@correo-privado.pe" in pagina.content.decode()

    # A copy by email, after the commit.
    assert len(mailoutbox) == 1
    correo = mailoutbox[0]
    assert correo.to == ["herminia.ccahuana@correo-privado.pe"]
    assert codigo in correo.subject
    assert "Fui tres veces a mesa de partes" in correo.body
    assert f"{reclamo.fecha_limite:%d/%m/%Y}" in correo.body
    assert "/libro-de-reclamaciones/seguimiento/" in correo.body

    # The signed sheet, made by the document pipeline, under a name nobody can guess.
    hoja = HojaReclamo.objects.get(reclamo=reclamo)
    assert hoja.listo
    assert codigo not in hoja.archivo.name
    assert re.fullmatch(rf"documentos/reclamos/{hoja.pk}-[0-9a-f]{{32}}\.pdf", hoja.archivo.name)
    # The browser that filed it downloads it from the confirmation page.
    pagina = client.get(REGISTRADO).content.decode()
    enlace = f"/libro-de-reclamaciones/{codigo}/hoja.pdf"
    assert f'href="{enlace}"' in pagina
    descarga = client.get(enlace)
    assert descarga.status_code == 200
    assert descarga["Content-Disposition"] == f'attachment; filename="reclamo-{codigo}.pdf"'
    pdf = b"".join(descarga.streaming_content)
    assert hashlib.sha256(pdf).hexdigest() == hoja.sha256
    assert pdf.startswith(b"%PDF")
    assert b"/ByteRange" in pdf  # signed
    texto = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert codigo in texto
    assert "Fui tres veces a mesa de partes" in texto
    # Anyone else gets "not found"; issuing again changes nothing.
    assert Client().get(enlace).status_code == 404
    assert documento_emitir(tipo="hoja_reclamo", documento_id=hoja.pk) == "omitido"


def test_los_codigos_son_correlativos_por_anio(catalogo):
    with time_machine.travel(en_lima(2026, 12, 31, 23, 50), tick=False):
        assert reclamo_registrar().codigo == "LR-2026-000001"
        assert reclamo_registrar().codigo == "LR-2026-000002"
    with time_machine.travel(en_lima(2027, 1, 1, 0, 10), tick=False):
        assert reclamo_registrar().codigo == "LR-2027-000001"


def test_la_pagina_de_registrado_sin_reclamo_vuelve_al_formulario(catalogo, client):
    respuesta = client.get(REGISTRADO)
    assert respuesta.status_code == 302
    assert respuesta["Location"] == NUEVO


def test_faltan_datos_obligatorios(catalogo, web, mailoutbox):
    vacios = {k: "" for k in datos_reclamo()}
    del vacios["tipo_documento"]
    respuesta = web.post(NUEVO, vacios)
    assert respuesta.status_code == 400
    assert errores(respuesta) == [
        "Escribe tus nombres.",
        "Escribe tus apellidos.",
        "Elige el tipo de documento.",
        "Escribe el número de tu documento.",
        "Escribe tu domicilio.",
        "Escribe tu correo electrónico.",
        "Cuéntanos qué pasó.",
        "Escribe qué pides a la entidad.",
    ]
    assert not Reclamo.objects.exists()
    assert mailoutbox == []


def test_dni_con_digito_de_verificacion_errado(catalogo, web):
    respuesta = web.post(NUEVO, datos_reclamo(numero_documento=DNI_DIGITO_ERRADO))
    assert respuesta.status_code == 400
    assert errores(respuesta) == [
        "El dígito de verificación no corresponde a ese DNI. Revisa el número y el carácter que aparece "
        "al final en tu DNI, o escribe solo las 8 cifras."
    ]
    assert not Reclamo.objects.exists()


@pytest.mark.parametrize("campo", ["nombres", "apellidos"])
def test_marcado_en_los_nombres_se_rechaza(catalogo, web, campo):
    respuesta = web.post(NUEVO, datos_reclamo(**{campo: "<b>Herminia</b>"}))
    assert respuesta.status_code == 400
    assert errores(respuesta) == [
        "Usa solo letras, espacios, guiones y apóstrofos, tal como figura en tu documento "
        "(por ejemplo: María José, Ch'aska, Pérez-Albela)."
    ]
    assert "<b>Herminia</b>" not in respuesta.content.decode()
    assert not Reclamo.objects.exists()


def test_marcado_en_el_domicilio_se_rechaza(catalogo, web):
    respuesta = web.post(NUEVO, datos_reclamo(domicilio='Jr. Lima 1 <img src=x onerror="alert(1)">'))
    assert respuesta.status_code == 400
    assert errores(respuesta) == ["No uses los caracteres < ni >. Escribe solo texto."]


HECHOS_CON_MARCADO = '<script>alert("x")</script> Me dijeron <b>vuelva mañana</b> & no volvieron a llamar.'


def test_marcado_en_los_hechos_se_guarda_como_texto_y_se_muestra_escapado(
    catalogo, web, client, admin_de, mailoutbox
):
    # Shown back in the form when another field has an error: escaped.
    respuesta = web.post(NUEVO, datos_reclamo(hechos=HECHOS_CON_MARCADO, correo="no-es-correo"))
    assert respuesta.status_code == 400
    html = respuesta.content.decode()
    assert "<script>alert" not in html and "<b>vuelva" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert errores(respuesta) == ["Escribe un correo válido, por ejemplo nombre@correo.pe."]

    # Accepted: stored exactly as typed (text), and escaped wherever it is shown.
    assert web.post(NUEVO, datos_reclamo(hechos=HECHOS_CON_MARCADO)).status_code == 302
    reclamo = Reclamo.objects.get()
    assert reclamo.hechos == HECHOS_CON_MARCADO
    assert HECHOS_CON_MARCADO in mailoutbox[0].body  # a plain-text email: as typed
    servidor = servidor_de("SG", permisos=["transparencia.view_reclamo", "transparencia.change_reclamo"])
    pagina = admin_de(servidor).get(f"/admin/transparencia/reclamo/{reclamo.pk}/change/")
    assert pagina.status_code == 200
    html = pagina.content.decode()
    assert "<script>alert" not in html and "<b>vuelva" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    with reclamo.hoja.archivo.open("rb") as archivo:
        texto = "".join(p.extract_text() for p in PdfReader(io.BytesIO(archivo.read())).pages)
    assert '<script>alert("x")</script>' in " ".join(texto.split())


# --- Follow-up ------------------------------------------------------------------------------------


def test_seguimiento_con_codigo_y_documento(catalogo, client):
    reclamo = reclamo_registrar()
    assert client.get(SEGUIMIENTO).status_code == 200
    for numero in (DNI_RECLAMANTE, "10117410-2", " 10117410 "):
        respuesta = client.post(SEGUIMIENTO, {"codigo": reclamo.codigo.lower(), "numero_documento": numero})
        assert respuesta.status_code == 200, numero
        html = respuesta.content.decode()
        assert "Registrado" in html
        assert f"{reclamo.fecha_limite:%d/%m/%Y}" in html
        assert NO_ENCONTRADO not in html
        # Only the state: none of the complaint's personal data.
        assert "Herminia" not in html and "herminia.ccahuana" not in html


def test_un_documento_errado_responde_igual_que_un_codigo_desconocido(catalogo, client):
    reclamo = reclamo_registrar()
    otro_anio = reclamo.codigo.replace("-000001", "-000002")
    documento_errado = client.post(SEGUIMIENTO, {"codigo": reclamo.codigo, "numero_documento": "40000000"})
    codigo_desconocido = client.post(SEGUIMIENTO, {"codigo": otro_anio, "numero_documento": DNI_RECLAMANTE})
    ambos_errados = client.post(SEGUIMIENTO, {"codigo": "LR-1999-000009", "numero_documento": "40000000"})
    for respuesta in (documento_errado, codigo_desconocido, ambos_errados):
        assert respuesta.status_code == 404
        assert errores(respuesta) == [NO_ENCONTRADO]
        assert "Registrado el" not in respuesta.content.decode()
    assert _principal(documento_errado) == _principal(codigo_desconocido) == _principal(ambos_errados)


def test_la_hoja_se_descarga_tras_consultar_con_codigo_y_documento(catalogo, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        codigo = reclamo_registrar().codigo
    enlace = f"/libro-de-reclamaciones/{codigo}/hoja.pdf"
    assert client.get(enlace).status_code == 404
    # A wrong document does not open it either.
    client.post(SEGUIMIENTO, {"codigo": codigo, "numero_documento": "45871236"})
    assert client.get(enlace).status_code == 404
    consulta = client.post(SEGUIMIENTO, {"codigo": codigo, "numero_documento": DNI_RECLAMANTE})
    assert f'href="{enlace}"' in consulta.content.decode()
    assert client.get(enlace).status_code == 200


def test_una_hoja_cuya_tarea_se_perdio_la_emite_el_barrido(catalogo, django_capture_on_commit_callbacks):
    """The task that makes the sheet never ran (the broker lost it): the sweeper
    that runs every document kind of the entity finds it and issues it."""
    from egov.documentos import documentos_pendientes_reencolar

    reclamo = reclamo_registrar()  # outside a commit: its task was never sent
    hoja = HojaReclamo.objects.get(reclamo=reclamo)
    assert not hoja.listo
    with django_capture_on_commit_callbacks(execute=True):
        assert documentos_pendientes_reencolar(minutos=0)["hojareclamo"] == 1
    hoja.refresh_from_db()
    assert hoja.listo and hoja.sha256


def test_seguimiento_sin_datos(catalogo, client):
    respuesta = client.post(SEGUIMIENTO, {"codigo": "", "numero_documento": ""})
    assert respuesta.status_code == 400
    assert errores(respuesta) == ["Escribe el código del reclamo.", "Escribe el número de documento."]


def test_seguimiento_limita_los_intentos(catalogo, client):
    for _ in range(20):
        assert client.post(SEGUIMIENTO, {"codigo": "LR-2026-000001", "numero_documento": "1"}).status_code == 404
    assert client.post(SEGUIMIENTO, {"codigo": "LR-2026-000001", "numero_documento": "1"}).status_code == 429


# --- The answer, in the admin ---------------------------------------------------------------------


def test_el_personal_responde_en_el_admin(catalogo, client, admin_de, django_capture_on_commit_callbacks,
                                          mailoutbox):
    reclamo = reclamo_registrar()  # addressed to the entity: the office responsible for the book answers
    servidor = servidor_de("SG", permisos=["transparencia.view_reclamo", "transparencia.change_reclamo"])
    admin = admin_de(servidor)
    url = f"/admin/transparencia/reclamo/{reclamo.pk}/change/"
    formulario = admin.get(url)
    assert formulario.status_code == 200
    assert 'name="respuesta"' in formulario.content.decode()

    respuesta_texto = "Conversamos con mesa de partes.\nDesde hoy atendemos de 8 a 17 h."
    with django_capture_on_commit_callbacks(execute=True):
        respuesta = admin.post(url, {"respuesta": respuesta_texto, "_save": "Guardar"})
    assert respuesta.status_code == 302, respuesta.content.decode()[:2000]

    reclamo.refresh_from_db()
    assert reclamo.estado == Reclamo.Estado.RESPONDIDO
    assert reclamo.respuesta == respuesta_texto
    assert reclamo.respondido_por == servidor
    assert reclamo.respondido_en is not None
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["herminia.ccahuana@correo-privado.pe"]
    assert reclamo.codigo in mailoutbox[0].subject
    assert "Desde hoy atendemos de 8 a 17 h." in mailoutbox[0].body

    # The complainant sees the state and the answer.
    seguimiento = client.post(SEGUIMIENTO, {"codigo": reclamo.codigo, "numero_documento": DNI_RECLAMANTE})
    html = seguimiento.content.decode()
    assert "Respondido" in html
    assert "Conversamos con mesa de partes.<br>Desde hoy atendemos de 8 a 17 h." in html

    # Once answered, the answer cannot be changed (nor a second email sent).
    assert 'name="respuesta"' not in admin.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(url, {"respuesta": "Otra respuesta", "_save": "Guardar"})
    reclamo.refresh_from_db()
    assert reclamo.respuesta == respuesta_texto
    assert len(mailoutbox) == 1


def test_el_admin_no_registra_ni_borra_reclamos(catalogo, admin_de):
    reclamo = reclamo_registrar()
    servidor = servidor_de("", superusuario=True)
    admin = admin_de(servidor)
    assert admin.get("/admin/transparencia/reclamo/add/").status_code == 403
    assert admin.get(f"/admin/transparencia/reclamo/{reclamo.pk}/delete/").status_code == 403


def test_sin_permiso_no_se_ve_el_libro(catalogo, admin_de):
    reclamo = reclamo_registrar()
    servidor = servidor_de("SG")
    assert admin_de(servidor).get(f"/admin/transparencia/reclamo/{reclamo.pk}/change/").status_code == 403


# --- Scope: each office sees and answers its own complaints ----------------------------------------


def _oficina_pk(sigla):
    from tramites.models import Oficina

    return str(Oficina.objects.get(sigla=sigla).pk)


@pytest.fixture
def tres_reclamos(catalogo):
    """One naming SGPV, one naming SGDE and one addressed to the entity."""
    return {
        "SGPV": reclamo_registrar(oficina=_oficina_pk("SGPV")),
        "SGDE": reclamo_registrar(oficina=_oficina_pk("SGDE"), nombres="Teodoro", correo="teo@correo-privado.pe"),
        "entidad": reclamo_registrar(),
    }


@pytest.mark.parametrize(("siglas", "ve"), [
    ("SGPV", {"SGPV"}),
    ("SGDE", {"SGDE"}),
    ("SG", {"entidad"}),  # the office responsible for the book (LIBRO_RECLAMACIONES_OFICINA)
    ("SG,SGPV", {"SGPV", "entidad"}),
    ("MPA", set()),
])
def test_cada_jefe_ve_y_abre_solo_los_reclamos_de_sus_oficinas(tres_reclamos, admin_de, siglas, ve):
    from tramites.roles import JEFE_DE_OFICINA

    admin = admin_de(servidor_de(siglas, JEFE_DE_OFICINA))
    lista = admin.get("/admin/transparencia/reclamo/").content.decode()
    for clave, reclamo in tres_reclamos.items():
        cambio = admin.get(f"/admin/transparencia/reclamo/{reclamo.pk}/change/")
        historial = admin.get(f"/admin/transparencia/reclamo/{reclamo.pk}/history/")
        if clave in ve:
            assert reclamo.codigo in lista
            assert cambio.status_code == 200 and reclamo.nombres in cambio.content.decode()
            assert historial.status_code == 200
        else:
            assert reclamo.codigo not in lista
            assert cambio.status_code == 404
            assert historial.status_code == 404
            assert reclamo.nombres.encode() not in cambio.content


def test_un_jefe_no_responde_el_reclamo_de_otra_oficina(tres_reclamos, admin_de, mailoutbox,
                                                       django_capture_on_commit_callbacks):
    from tramites.roles import JEFE_DE_OFICINA

    ajeno = tres_reclamos["SGDE"]
    admin = admin_de(servidor_de("SGPV", JEFE_DE_OFICINA))
    with django_capture_on_commit_callbacks(execute=True):
        respuesta = admin.post(f"/admin/transparencia/reclamo/{ajeno.pk}/change/",
                               {"respuesta": "Respuesta de otra oficina", "_save": "Guardar"})
    assert respuesta.status_code == 404
    ajeno.refresh_from_db()
    assert ajeno.estado == Reclamo.Estado.REGISTRADO and ajeno.respuesta == ""
    assert mailoutbox == []
    # Nor through the service, whatever calls it.
    with pytest.raises(t_services.ReclamoFueraDeAlcance):
        t_services.reclamo_responder(reclamo=ajeno, servidor=servidor_de("SGPV", JEFE_DE_OFICINA), respuesta="No.")


def test_sin_segundo_factor_el_jefe_no_ve_reclamos(tres_reclamos, admin_de):
    from django.contrib.auth.models import Group

    from tests import factories
    from tramites.models import Oficina
    from tramites.roles import JEFE_DE_OFICINA

    jefe = factories.UsuarioFactory(is_staff=True)
    jefe.groups.add(Group.objects.get(name=JEFE_DE_OFICINA))
    Oficina.objects.get(sigla="SGPV").personal.add(jefe)
    respuesta = admin_de(jefe).get(f"/admin/transparencia/reclamo/{tres_reclamos['SGPV'].pk}/change/")
    assert respuesta.status_code == 302
    assert respuesta["Location"] == "/cuenta/2fa/totp/activate/"


def test_el_filtro_de_oficina_ignora_valores_extranos(tres_reclamos, admin_de):
    admin = admin_de(servidor_de("SG,SGPV", permisos=["transparencia.view_reclamo"]))
    for valor in ("abc", "99999999999999999999", "-1", "1%00", "entidad"):
        assert admin.get("/admin/transparencia/reclamo/", {"oficina": valor}).status_code in (200, 302), valor
    lista = admin.get("/admin/transparencia/reclamo/", {"oficina": "entidad"}).content.decode()
    assert tres_reclamos["entidad"].codigo in lista and tres_reclamos["SGPV"].codigo not in lista


# --- Deadline and reminders ----------------------------------------------------------------------


def test_el_plazo_es_de_30_dias_habiles(catalogo):
    """Filed Friday 24 July 2026. Not counted: Mon 27 July (the entity's day
    off), 28 and 29 July (Fiestas Patrias), Thu 6 August (Batalla de Junín) and
    the weekends: day 30 is Thursday 10 September."""
    DiaNoLaborable.objects.create(fecha=D(2026, 7, 27), motivo="Día no laborable compensable")
    with time_machine.travel(en_lima(2026, 7, 24, 16), tick=False):
        reclamo = reclamo_registrar()
    assert reclamo.fecha_limite == D(2026, 9, 10)
    assert reclamo.fecha_limite == Calendario().vencimiento(D(2026, 7, 24), 30)
    # Filed on a holiday: counted from the next business day.
    with time_machine.travel(en_lima(2026, 7, 28, 9), tick=False):
        assert reclamo_registrar().fecha_limite == Calendario().vencimiento(D(2026, 7, 30), 30) == D(2026, 9, 11)


@pytest.fixture
def jefes(catalogo):
    from tramites.roles import JEFE_DE_OFICINA

    return [servidor_de("SG", JEFE_DE_OFICINA), servidor_de("SGPV", JEFE_DE_OFICINA)]


def test_recordatorio_diario_de_reclamos_por_vencer(jefes, django_capture_on_commit_callbacks, mailoutbox):
    with time_machine.travel(en_lima(2026, 7, 24, 16), tick=False):
        por_vencer = reclamo_registrar()  # due Wed 9 September
    with time_machine.travel(en_lima(2026, 8, 20, 16), tick=False):
        mas_tarde = reclamo_registrar()  # due in October
    assert por_vencer.fecha_limite == D(2026, 9, 9)

    def recordar(hoy):
        with django_capture_on_commit_callbacks(execute=True):
            return t_services.reclamos_recordar(hoy=hoy)

    # Fri 4 September: 2 business days later is Tue 8: nothing is due yet.
    assert recordar(D(2026, 9, 4)) == 0
    assert mailoutbox == []
    # Mon 7 September: due within 2 business days (Wed 9): one digest, to the heads of
    # the office responsible for the book (the complaint names no office).
    assert recordar(D(2026, 9, 7)) == 1
    assert len(mailoutbox) == 1
    digest = mailoutbox[0]
    assert digest.to == [jefes[0].email]
    assert "1 reclamos por vencer o vencidos" in digest.subject
    assert por_vencer.codigo in digest.body and "09/09/2026" in digest.body
    assert mas_tarde.codigo not in digest.body
    # The same day again: nothing more.
    assert recordar(D(2026, 9, 7)) == 0
    assert len(mailoutbox) == 1
    # The next day, another digest; once answered, no more.
    assert recordar(D(2026, 9, 8)) == 1
    assert len(mailoutbox) == 2
    t_services.reclamo_responder(reclamo=por_vencer, servidor=jefes[0], respuesta="Atendido.")
    assert recordar(D(2026, 9, 10)) == 0
    # Overdue and unanswered ones keep coming back.
    assert recordar(D(2026, 10, 30)) == 1
    assert mas_tarde.codigo in mailoutbox[-1].body


def test_el_recordatorio_de_cada_oficina_va_solo_a_sus_jefes(jefes, django_capture_on_commit_callbacks,
                                                          mailoutbox):
    from tramites.models import Oficina

    sgpv = Oficina.objects.get(sigla="SGPV")
    with time_machine.travel(en_lima(2026, 7, 24, 16), tick=False):
        de_sgpv = reclamo_registrar(oficina=str(sgpv.pk))
        de_la_entidad = reclamo_registrar(nombres="Teodoro")
    with django_capture_on_commit_callbacks(execute=True):
        assert t_services.reclamos_recordar(hoy=D(2026, 9, 7)) == 2
    por_destinatario = {tuple(m.to): m.body for m in mailoutbox}
    assert set(por_destinatario) == {(jefes[0].email,), (jefes[1].email,)}
    assert de_la_entidad.codigo in por_destinatario[(jefes[0].email,)]
    assert de_sgpv.codigo not in por_destinatario[(jefes[0].email,)]
    assert de_sgpv.codigo in por_destinatario[(jefes[1].email,)]
    assert de_la_entidad.codigo not in por_destinatario[(jefes[1].email,)]


def test_las_cifras_de_reclamos_en_transparencia(catalogo, client):
    with time_machine.travel(en_lima(2026, 7, 1), tick=False):
        vencido = reclamo_registrar()  # due 18 August
        respondido = reclamo_registrar()
    with time_machine.travel(en_lima(2026, 8, 20), tick=False):
        reclamo_registrar()  # due in October
    t_services.reclamo_responder(reclamo=respondido, servidor=servidor_de("", superusuario=True), respuesta="Listo.")
    assert vencido.fecha_limite == D(2026, 8, 18)
    with time_machine.travel(en_lima(2026, 8, 31), tick=False):
        html = " ".join(client.get("/transparencia/").content.decode().split())
    assert "3 reclamos registrados en el periodo, 1 respondidos y 1 sin respuesta fuera de plazo." in html
