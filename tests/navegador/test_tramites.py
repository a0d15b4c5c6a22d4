"""The citizen's filing journey in a real browser: find a procedure by search,
answer one question per page, attach a document, register the payment, check
the answers, choose where to be notified, file, see the confirmation; close
and resume a draft; answer an observation and download the constancia of its
notice. axe-core runs on every page of the journey, errors included, and the
filing pages are checked at 320 px."""

import datetime
import re

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import expect

from ciudadanos.canales import consentimiento_vigente
from tests.factories import UsuarioFactory
from tests.fixtures import persona
from tests.navegador.conftest import DOMICILIO
from tramites import services
from tramites.models import Estado, Solicitud
from tramites.roles import EVALUADOR

pytestmark = pytest.mark.navegador

PREGUNTA = {
    "direccion": "¿En qué dirección vives?",
    "distrito": "¿En qué distrito está esa dirección?",
    "tiempo_residencia": "¿Cuántos años vives en esa dirección?",
    "finalidad": "¿Para qué necesitas la constancia?",
}
RE_PASO = r"/tramites/constancia-de-domicilio/solicitar/[0-9a-f-]{36}/{}/$"


def _en_paso(page, paso, volver=False):
    patron = RE_PASO.replace("{}", re.escape(paso))
    if volver:  # came from a "Cambiar" link of the review page
        patron = patron.replace("$", r"\?volver=revisar$")
    expect(page).to_have_url(re.compile(patron))


def _continuar(page):
    page.get_by_role("button", name="Guardar y continuar").click()


def _fecha_de_pago():
    return timezone.localdate() - datetime.timedelta(days=3)


def _escribir_pago(page, monto):
    fecha = _fecha_de_pago()
    page.get_by_label("Banco de la Nación (agencia o agente)").check()
    page.get_by_label("Número de operación").fill("20261126")
    grupo = page.get_by_role("group", name="Fecha de pago")
    grupo.get_by_label("Día").fill(str(fecha.day))
    grupo.get_by_label("Mes").fill(str(fecha.month))
    grupo.get_by_label("Año").fill(str(fecha.year))
    page.get_by_label("Monto pagado (S/)").fill(monto)


def _ver_resumen_de_errores(page, enlace_a):
    expect(page).to_have_title(re.compile(r"^Error:"))
    resumen = page.locator("[data-resumen-errores]")
    expect(resumen.get_by_role("heading", name="Hay un problema")).to_be_visible()
    expect(resumen.get_by_role("link")).to_have_count(1)
    expect(resumen.get_by_role("link")).to_have_attribute("href", f"#{enlace_a}")
    return resumen


def _sin_desplazamiento_horizontal(page, descripcion):
    ancho = page.evaluate("() => document.documentElement.scrollWidth")
    assert ancho <= 320, f"{descripcion}: la página mide {ancho}px de ancho en 320px"


# --- 1. Search, file, confirmation, Mis trámites, detail (axe on every page) ------------------


@pytest.fixture
def ciudadano_sin_consentimiento(transactional_db):
    """As ciudadano_con_perfil, but they have not yet chosen to be notified in the casilla."""
    return persona(
        nombres="Rosa", apellido_paterno="Huamán", apellido_materno="Ccori",
        direccion="Jr. Junín 456", ubigeo="150122", consentimiento=False,
    )


def test_buscar_presentar_y_ver_el_expediente(
    page, servidor, catalogo, ciudadano_sin_consentimiento, iniciar_sesion,
    revisar_accesibilidad, archivo_pdf,
):
    iniciar_sesion(page, ciudadano_sin_consentimiento.email)

    # Catalog: search by two words of the name.
    page.get_by_role("navigation", name="Menú principal").get_by_role("link", name="Trámites", exact=True).click()
    expect(page).to_have_url(f"{servidor}/tramites/")
    revisar_accesibilidad(page, "catálogo")
    page.get_by_label("Buscar un trámite").fill("constancia domicilio")
    page.get_by_role("button", name="Buscar").click()
    expect(page).to_have_url(re.compile(r"/tramites/\?q=constancia\+domicilio"))
    expect(page.get_by_role("status")).to_contain_text("1 trámite encontrado para «constancia domicilio»")
    resultados = page.locator(".lista-tramites__item")
    expect(resultados).to_have_count(1)
    expect(resultados.first).to_contain_text("S/ 15.00")
    revisar_accesibilidad(page, "catálogo con resultados")

    # Detail.
    page.get_by_role("link", name="Obtener la constancia de domicilio").click()
    expect(page).to_have_url(f"{servidor}/tramites/{DOMICILIO}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Obtener la constancia de domicilio")
    expect(page.locator("main")).to_contain_text("S/ 15.00")
    revisar_accesibilidad(page, "detalle del trámite")
    page.get_by_role("button", name="Iniciar trámite").first.click()

    # Question 1: the address, prefilled from the profile.
    _en_paso(page, "direccion")
    expect(page.locator("main")).to_contain_text("Paso 1 de 7")
    direccion = page.get_by_label(PREGUNTA["direccion"])
    expect(direccion).to_have_value("Jr. Junín 456")
    revisar_accesibilidad(page, "pregunta: dirección")
    # Emptied, it is an error (with its summary), and still accessible.
    direccion.fill("")
    _continuar(page)
    _ver_resumen_de_errores(page, "id_direccion")
    expect(page.locator("#id_direccion_error")).to_contain_text("Responde esta pregunta")
    expect(direccion).to_have_attribute("aria-invalid", "true")
    revisar_accesibilidad(page, "pregunta: dirección, con error")
    direccion.fill("Jr. Junín 456, interior 3")
    _continuar(page)

    # Question 2: the district, prefilled from the profile's ubigeo.
    _en_paso(page, "distrito")
    distrito = page.get_by_label(PREGUNTA["distrito"])
    expect(distrito).to_have_value("150122")
    expect(distrito.locator("option:checked")).to_have_text("Miraflores")
    revisar_accesibilidad(page, "pregunta: distrito")
    _continuar(page)

    # Question 3: a number.
    _en_paso(page, "tiempo_residencia")
    expect(page.get_by_label(PREGUNTA["tiempo_residencia"])).to_have_value("")
    revisar_accesibilidad(page, "pregunta: años de residencia")
    page.get_by_label(PREGUNTA["tiempo_residencia"]).fill("12")
    _continuar(page)

    # Question 4: radios.
    _en_paso(page, "finalidad")
    expect(page.get_by_role("group", name=PREGUNTA["finalidad"])).to_be_visible()
    revisar_accesibilidad(page, "pregunta: finalidad")
    page.get_by_label("Trabajo", exact=True).check()
    _continuar(page)

    # Documents: nothing attached is an error; then a real PDF.
    _en_paso(page, "adjuntos")
    expect(page.get_by_role("heading", level=1)).to_have_text("Adjunta tus documentos")
    archivo = page.get_by_label("Recibo de agua o luz")
    expect(archivo).to_have_attribute("type", "file")
    expect(archivo).to_have_attribute("accept", re.compile(r"\.pdf.*\.jpg.*\.png"))
    revisar_accesibilidad(page, "adjuntos")
    _continuar(page)
    expect(page.locator("[data-resumen-errores]")).to_contain_text(
        "Adjunta el documento: Recibo de agua o luz."
    )
    revisar_accesibilidad(page, "adjuntos, con error")
    archivo.set_input_files(archivo_pdf("recibo-luz-octubre.pdf"))
    _continuar(page)

    # Payment: a wrong amount first.
    _en_paso(page, "pago")
    expect(page.get_by_role("heading", level=1)).to_have_text("Datos del pago")
    revisar_accesibilidad(page, "pago")
    _escribir_pago(page, "10.00")
    _continuar(page)
    _ver_resumen_de_errores(page, "id_monto")
    expect(page.locator("#id_monto_error")).to_contain_text("El derecho de trámite es S/ 15.00")
    # What was typed is kept.
    expect(page.get_by_label("Número de operación")).to_have_value("20261126")
    expect(page.get_by_label("Banco de la Nación (agencia o agente)")).to_be_checked()
    revisar_accesibilidad(page, "pago, con monto errado")
    page.get_by_label("Monto pagado (S/)").fill("15.00")
    _continuar(page)

    # Review: every answer, with "Cambiar" links that come back here.
    _en_paso(page, "revisar")
    expect(page.get_by_role("heading", level=1)).to_have_text("Revisa tu solicitud antes de enviarla")
    principal = page.locator("main")
    for texto in (
        "Rosa Huamán Ccori", "Jr. Junín 456, interior 3", "Miraflores (Lima)", "12", "Trabajo",
        "recibo-luz-octubre.pdf", "20261126", _fecha_de_pago().strftime("%d/%m/%Y"), "S/ 15.00",
    ):
        expect(principal).to_contain_text(texto)
    revisar_accesibilidad(page, "revisar")

    page.get_by_role("link", name=f"Cambiar {PREGUNTA['tiempo_residencia']}").click()
    _en_paso(page, "tiempo_residencia", volver=True)
    expect(page.get_by_role("link", name="Atrás")).to_have_attribute("href", re.compile(r"/revisar/$"))
    campo = page.get_by_label(PREGUNTA["tiempo_residencia"])
    expect(campo).to_have_value("12")
    campo.fill("13")
    _continuar(page)
    _en_paso(page, "revisar")
    fila = page.locator(".lista-resumen__fila", has_text=PREGUNTA["tiempo_residencia"])
    expect(fila.locator("dd").first).to_have_text("13")

    # Where to be notified: nothing chosen beforehand, the consent's text beside the casilla.
    casilla = page.get_by_role("radio", name="En mi casilla electrónica")
    domicilio = page.get_by_role("radio", name="En mi domicilio")
    expect(casilla).not_to_be_checked()
    expect(domicilio).not_to_be_checked()
    expect(principal).to_contain_text("conforme a la Ley N.° 31736")

    # Sending without choosing it nor the sworn statement is refused, saying both.
    declaracion = page.get_by_label(re.compile(r"^Declaro bajo juramento"))
    expect(declaracion).not_to_be_checked()
    page.get_by_role("button", name="Aceptar y enviar").click()
    _en_paso(page, "revisar")
    resumen = page.locator("[data-resumen-errores]")
    expect(resumen).to_contain_text("Elige dónde quieres que te notifiquemos")
    expect(resumen).to_contain_text("Marca la declaración jurada")
    expect(page.locator("#id_notificacion_error")).to_be_visible()
    revisar_accesibilidad(page, "revisar, sin elegir dónde notificar ni declaración jurada")
    assert Solicitud.objects.get().estado == Estado.BORRADOR

    # The summary's link leads to the choice.
    resumen.get_by_role("link", name=re.compile("^Elige dónde")).click()
    expect(casilla).to_be_focused()
    casilla.check()
    page.get_by_label(re.compile(r"^Declaro bajo juramento")).check()
    page.get_by_role("button", name="Aceptar y enviar").click()

    # Confirmation.
    expediente = f"EXP-{timezone.localdate().year}-000001"
    # (The fragment of the summary's link stays on the address, as browsers keep it through a redirect.)
    expect(page).to_have_url(re.compile(rf"^{re.escape(servidor)}/mis-tramites/{expediente}/confirmacion/(#.*)?$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Solicitud presentada")
    panel = page.locator(".panel-confirmacion")
    expect(panel).to_contain_text("Tu número de expediente es")
    expect(panel.locator("strong")).to_have_text(expediente)
    expect(principal).to_contain_text("Subgerencia de Participación Vecinal evaluará tu solicitud")
    revisar_accesibilidad(page, "confirmación")

    solicitud = Solicitud.objects.get()
    assert solicitud.estado == Estado.PRESENTADA
    assert consentimiento_vigente(usuario_id=ciudadano_sin_consentimiento.pk) is not None
    assert solicitud.respuestas == {
        "direccion": "Jr. Junín 456, interior 3", "distrito": "150122",
        "tiempo_residencia": "13", "finalidad": "Trabajo",
    }
    assert solicitud.adjuntos.get().nombre_original == "recibo-luz-octubre.pdf"

    # Mis trámites lists it, and its detail page shows what was filed.
    page.get_by_role("link", name="Ir a Mis trámites").click()
    expect(page).to_have_url(f"{servidor}/mis-tramites/")
    fila = page.get_by_role("row", name=re.compile(expediente))
    expect(fila).to_contain_text("Obtener la constancia de domicilio")
    expect(fila).to_contain_text("Presentada")
    expect(fila.get_by_role("link", name="Continuar")).to_have_count(0)
    revisar_accesibilidad(page, "mis trámites")

    fila.get_by_role("link", name=expediente, exact=True).click()
    expect(page).to_have_url(f"{servidor}/mis-tramites/{expediente}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Expediente {expediente}")
    expect(principal).to_contain_text("Presentada")
    expect(principal).to_contain_text("recibo-luz-octubre.pdf")
    expect(principal).to_contain_text("Nadie del personal ha abierto tu expediente todavía.")
    revisar_accesibilidad(page, "detalle del expediente")


def test_busqueda_sin_tildes_y_sin_resultados(page, servidor, catalogo, revisar_accesibilidad):
    page.goto(f"{servidor}/tramites/")
    page.get_by_label("Buscar un trámite").fill("informacion")
    page.get_by_role("button", name="Buscar").click()
    expect(page.get_by_role("link", name="Solicitar acceso a la información pública")).to_be_visible()
    expect(page.get_by_role("link", name="Obtener la constancia de domicilio")).to_have_count(0)

    page.get_by_label("Buscar un trámite").fill("pasaporte")
    page.get_by_role("button", name="Buscar").click()
    expect(page.get_by_role("status")).to_contain_text("0 trámites encontrados para «pasaporte»")
    expect(page.locator(".lista-tramites__item")).to_have_count(0)
    revisar_accesibilidad(page, "catálogo sin resultados")


# --- 2. Close the browser after two questions and resume later -------------------------------


def test_cerrar_y_retomar_el_borrador(
    new_context, servidor, catalogo, ciudadano_con_perfil, iniciar_sesion,
):
    contexto = new_context()
    page = contexto.new_page()
    iniciar_sesion(page, ciudadano_con_perfil.email)
    page.goto(f"{servidor}/tramites/{DOMICILIO}/")
    page.get_by_role("button", name="Iniciar trámite").first.click()
    _en_paso(page, "direccion")
    page.get_by_label(PREGUNTA["direccion"]).fill("Calle Berlín 120")
    _continuar(page)
    _en_paso(page, "distrito")
    page.get_by_label(PREGUNTA["distrito"]).select_option("150101")  # Lima (Cercado)
    _continuar(page)
    _en_paso(page, "tiempo_residencia")
    contexto.close()  # the browser is closed: no cookies, no history

    page = new_context().new_page()
    iniciar_sesion(page, ciudadano_con_perfil.email)
    page.get_by_role("navigation", name="Menú principal").get_by_role("link", name="Mis trámites").click()
    fila = page.get_by_role("row", name=re.compile("Obtener la constancia de domicilio"))
    expect(fila).to_contain_text("Borrador")
    fila.get_by_role("link", name=re.compile("^Completa y envía tu solicitud")).click()

    # It resumes at the first unanswered question...
    _en_paso(page, "tiempo_residencia")
    expect(page.locator("main")).to_contain_text("Paso 3 de 7")
    expect(page.get_by_label(PREGUNTA["tiempo_residencia"])).to_have_value("")
    # ...and what was answered before is kept.
    page.get_by_role("link", name="Atrás").click()
    _en_paso(page, "distrito")
    expect(page.get_by_label(PREGUNTA["distrito"])).to_have_value("150101")
    page.get_by_role("link", name="Atrás").click()
    _en_paso(page, "direccion")
    expect(page.get_by_label(PREGUNTA["direccion"])).to_have_value("Calle Berlín 120")
    assert Solicitud.objects.count() == 1


# --- 3. Small screens -------------------------------------------------------------------------


def test_pasos_sin_desplazamiento_horizontal_a_320px(
    new_context, servidor, catalogo, ciudadano_con_perfil, iniciar_sesion, archivo_pdf,
):
    page = new_context(viewport={"width": 320, "height": 640}).new_page()
    iniciar_sesion(page, ciudadano_con_perfil.email)
    page.goto(f"{servidor}/tramites/")
    _sin_desplazamiento_horizontal(page, "catálogo")
    page.goto(f"{servidor}/tramites/{DOMICILIO}/")
    _sin_desplazamiento_horizontal(page, "detalle")
    page.get_by_role("button", name="Iniciar trámite").first.click()

    _en_paso(page, "direccion")
    _sin_desplazamiento_horizontal(page, "dirección")
    _continuar(page)
    _en_paso(page, "distrito")
    _sin_desplazamiento_horizontal(page, "distrito")
    _continuar(page)
    _en_paso(page, "tiempo_residencia")
    _sin_desplazamiento_horizontal(page, "años de residencia")
    page.get_by_label(PREGUNTA["tiempo_residencia"]).fill("3")
    _continuar(page)
    _en_paso(page, "finalidad")
    _sin_desplazamiento_horizontal(page, "finalidad")
    page.get_by_label("Programas sociales").check()
    _continuar(page)
    _en_paso(page, "adjuntos")
    _sin_desplazamiento_horizontal(page, "adjuntos")
    page.get_by_label("Recibo de agua o luz").set_input_files(
        archivo_pdf("recibo-de-agua-de-sedapal-del-mes-de-octubre-2026.pdf")
    )
    _continuar(page)
    _en_paso(page, "pago")
    _sin_desplazamiento_horizontal(page, "pago")
    _escribir_pago(page, "1500")
    _continuar(page)
    expect(page.locator("#id_monto_error")).to_be_visible()
    _sin_desplazamiento_horizontal(page, "pago con error")
    page.get_by_label("Monto pagado (S/)").fill("15.00")
    _continuar(page)
    _en_paso(page, "revisar")
    expect(page.locator("main")).to_contain_text("recibo-de-agua-de-sedapal-del-mes-de-octubre-2026.pdf")
    _sin_desplazamiento_horizontal(page, "revisar")
    page.get_by_label(re.compile(r"^Declaro bajo juramento")).check()
    page.get_by_role("button", name="Aceptar y enviar").click()
    expect(page.get_by_text("Tu número de expediente es")).to_be_visible()
    _sin_desplazamiento_horizontal(page, "confirmación")
    page.get_by_role("link", name="Ir a Mis trámites").click()
    _sin_desplazamiento_horizontal(page, "mis trámites")


# --- 4. An observation, answered ---------------------------------------------------------------


def _evaluador_de(solicitud):
    servidor = UsuarioFactory(is_staff=True, segundo_factor=True)
    servidor.groups.add(Group.objects.get(name=EVALUADOR))
    solicitud.tramite.oficina_resolucion.personal.add(servidor)
    return servidor


def test_subsanar_una_observacion(
    page, servidor, ciudadano_con_perfil, presentar_constancia, iniciar_sesion,
    revisar_accesibilidad, archivo_pdf,
):
    solicitud = presentar_constancia(ciudadano_con_perfil, tiempo_residencia="12")
    evaluador = _evaluador_de(solicitud)
    services.solicitud_tomar(solicitud=solicitud, servidor=evaluador)
    mensaje = "El recibo no se lee. Sube una copia legible y revisa los años de residencia."
    services.solicitud_observar(solicitud=solicitud, servidor=evaluador, mensaje=mensaje)
    expediente = solicitud.expediente

    iniciar_sesion(page, ciudadano_con_perfil.email)
    page.goto(f"{servidor}/mis-tramites/")
    fila = page.get_by_role("row", name=re.compile(expediente))
    expect(fila).to_contain_text("Observada")
    expect(fila.get_by_role("link", name=re.compile("^Subsana antes del"))).to_be_visible()
    revisar_accesibilidad(page, "mis trámites con una observación")

    fila.get_by_role("link", name=expediente, exact=True).click()
    expect(page).to_have_url(f"{servidor}/mis-tramites/{expediente}/")
    aviso = page.locator(".aviso", has=page.get_by_role("heading", name="Tu solicitud tiene una observación"))
    expect(aviso).to_contain_text(mensaje)
    expect(aviso).to_contain_text("Subsana hasta el")
    expect(page.locator("main")).to_contain_text("(plazo detenido mientras subsanas)")
    # The observation's notice, with its constancia de notificación.
    notificaciones = page.locator(".notificaciones-expediente")
    expect(notificaciones).to_contain_text("tu solicitud tiene una observación")
    expect(notificaciones).to_contain_text("Sin abrir")
    revisar_accesibilidad(page, "detalle con observación")
    with page.expect_download() as descarga:
        notificaciones.get_by_role("link", name=re.compile("^Descargar constancia de notificación")).click()
    assert descarga.value.suggested_filename.startswith(f"constancia-notificacion-{expediente}-")

    aviso.get_by_role("link", name="Subsanar").click()
    expect(page).to_have_url(f"{servidor}/mis-tramites/{expediente}/subsanar/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Subsanar la observación")
    expect(page.locator(".recuadro-destacado")).to_contain_text(mensaje)
    anios = page.get_by_label(PREGUNTA["tiempo_residencia"])
    expect(anios).to_have_value("12")
    expect(page.get_by_label(PREGUNTA["direccion"])).to_have_value("Jr. Junín 456")
    expect(page.get_by_label(PREGUNTA["distrito"])).to_have_value("150122")
    expect(page.get_by_label("Trabajo", exact=True)).to_be_checked()
    revisar_accesibilidad(page, "subsanar")

    # An emptied answer is an error; nothing is stored.
    anios.fill("")
    page.get_by_role("button", name="Enviar subsanación").click()
    expect(page.get_by_text("Hay un problema")).to_be_visible()
    expect(page.locator("#id_tiempo_residencia_error")).to_be_visible()
    revisar_accesibilidad(page, "subsanar, con error")
    assert Solicitud.objects.get(pk=solicitud.pk).estado == Estado.OBSERVADA

    page.get_by_label(PREGUNTA["tiempo_residencia"]).fill("14")
    page.get_by_label("Recibo de agua o luz").set_input_files(archivo_pdf("recibo-legible.pdf"))
    page.get_by_label("Comentario para la oficina (opcional)").fill("Adjunto el recibo escaneado otra vez.")
    page.get_by_role("button", name="Enviar subsanación").click()

    expect(page).to_have_url(f"{servidor}/mis-tramites/{expediente}/")
    expect(page.get_by_role("status")).to_contain_text("Enviamos tu subsanación")
    estado = page.locator(".lista-resumen__fila", has_text="Estado")
    expect(estado.locator("dd")).to_have_text("En evaluación")
    expect(page.get_by_role("heading", name="Tu solicitud tiene una observación")).to_have_count(0)
    principal = page.locator("main")
    expect(principal).to_contain_text("recibo-legible.pdf")
    expect(principal.get_by_role("link", name="recibo-luz.pdf")).to_have_count(0)
    respuesta = page.locator(".lista-resumen__fila", has_text=PREGUNTA["tiempo_residencia"])
    expect(respuesta.locator("dd")).to_have_text("14")
    expect(principal).to_contain_text("Adjunto el recibo escaneado otra vez.")
    revisar_accesibilidad(page, "detalle después de subsanar")

    solicitud.refresh_from_db()
    assert solicitud.estado == Estado.EN_EVALUACION
    assert solicitud.respuestas["tiempo_residencia"] == "14"
    assert [a.nombre_original for a in solicitud.adjuntos.filter(vigente=True)] == ["recibo-legible.pdf"]
    assert solicitud.observaciones.get().subsanada_en is not None

    page.goto(f"{servidor}/mis-tramites/")
    fila = page.get_by_role("row", name=re.compile(expediente))
    expect(fila).to_contain_text("En evaluación")
    expect(fila.get_by_role("link", name="Subsanar")).to_have_count(0)
