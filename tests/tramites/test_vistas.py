"""Filing and following a request through the pages, as a citizen does it with
a browser: one question per page, answers prefilled from the profile, drafts
that wait, a review page, a confirmation with the expediente number, and the
request's own page to follow it, correct it or withdraw it."""

import datetime
import re

import pytest
import time_machine
from django.utils import timezone
from django.utils.html import escape

from ciudadanos.models import Notificacion
from tests import factories
from tests.fixtures import (
    DOMICILIO,
    INFORMACION,
    borrador_completo,
    en_lima,
    presentar,
    servidor_de,
)
from tests.tramites.conftest import Archivos, Pagina, archivos_guardados, url_paso
from tramites import services
from tramites.models import Adjunto, ContadorExpediente, Estado, Solicitud, TipoEvento, Tramite

pytestmark = pytest.mark.django_db

D = datetime.date
INICIAR = f"/tramites/{DOMICILIO}/solicitar/"


@pytest.fixture
def jueves():
    """Thursday 5 March 2026, 10:00 in Lima, with the clock running."""
    with time_machine.travel(en_lima(2026, 3, 5, 10), tick=True):
        yield


def paso_de(url):
    return url.rstrip("/").rsplit("/", 1)[-1]


def iniciar(web):
    respuesta = web.post(INICIAR)
    assert respuesta.status_code == 302
    borrador = Solicitud.objects.get(estado=Estado.BORRADOR, tramite__slug=DOMICILIO)
    return borrador, respuesta["Location"]


def pago_valido(**cambios):
    ayer = timezone.localdate() - datetime.timedelta(days=1)
    return {
        "canal": "bn", "numero": "00123456", "fecha_0": str(ayer.day), "fecha_1": str(ayer.month),
        "fecha_2": str(ayer.year), "monto": "15.00", **cambios,
    }


# --- The whole filing ------------------------------------------------------------------------


def test_presentar_la_constancia_de_domicilio_paso_a_paso(catalogo, ciudadano, web_ciudadano, jueves, mailoutbox):
    web = web_ciudadano
    perfil = ciudadano.perfil
    detalle = web.get(f"/tramites/{DOMICILIO}/").content.decode()
    # A logged-in citizen starts with a button (a POST): a link cannot create a draft.
    assert re.search(rf'<form method="post" action="{INICIAR}">.*?Iniciar trámite</button>', detalle, re.S)

    borrador, url = iniciar(web)
    assert url == url_paso(borrador, "direccion")
    controles, etiquetas = [], []

    # 1. The address comes from the profile.
    pagina = Pagina(web.get(url))
    controles += pagina.controles
    etiquetas += pagina.etiquetas
    assert "Paso 1 de 7" in pagina.texto()
    assert pagina.valores["direccion"] == perfil.direccion == "Jr. Junín 456"
    assert "Lo llenamos con el dato de tu perfil" in pagina.texto()
    respuesta = web.post(url, {"direccion": "Av. Los Incas 789, dpto. 3"})
    assert respuesta["Location"] == url_paso(borrador, "distrito")

    # 2. The district too.
    pagina = Pagina(web.get(respuesta["Location"]))
    controles += pagina.controles
    etiquetas += pagina.etiquetas
    assert pagina.seleccionado["distrito"] == perfil.ubigeo == "150101"
    respuesta = web.post(url_paso(borrador, "distrito"), {"distrito": "150101"})
    assert respuesta["Location"] == url_paso(borrador, "tiempo_residencia")

    # 3. A number: a wrong answer says how to write it.
    url = url_paso(borrador, "tiempo_residencia")
    pagina = Pagina(web.get(url))
    controles += pagina.controles
    etiquetas += pagina.etiquetas
    # The range is said before any error.
    assert "Si es menos de un año, escribe 0. Entre 0 y 100." in pagina.texto()
    for escrito, error in [
        ("cuatro", "Escribe solo un número, por ejemplo 3."),
        ("-2", "Escribe un número igual o mayor que 0."),
        ("2.5", "Escribe un número entero, sin decimales."),
        ("150", "Escribe un número igual o menor que 100."),
    ]:
        respuesta = web.post(url, {"tiempo_residencia": escrito})
        assert respuesta.status_code == 400
        pagina = Pagina(respuesta)
        assert pagina.errores == [error], escrito
        assert pagina.valores["tiempo_residencia"] == escrito
    assert "tiempo_residencia" not in Solicitud.objects.get(pk=borrador.pk).respuestas
    respuesta = web.post(url, {"tiempo_residencia": "4"})
    assert respuesta["Location"] == url_paso(borrador, "finalidad")

    # 4. One of the options.
    url = url_paso(borrador, "finalidad")
    pagina = Pagina(web.get(url))
    controles += pagina.controles
    etiquetas += pagina.etiquetas
    respuesta = web.post(url, {})
    assert respuesta.status_code == 400
    assert Pagina(respuesta).errores == ["Responde esta pregunta: ¿Para qué necesitas la constancia?"]
    respuesta = web.post(url, {"finalidad": "Trabajo"})
    assert respuesta["Location"] == url_paso(borrador, "adjuntos")

    # 5. The document.
    url = url_paso(borrador, "adjuntos")
    requerido = borrador.tramite.adjuntos_requeridos.get()
    pagina = Pagina(web.get(url))
    controles += pagina.controles
    assert "No adjuntes copia de tu DNI" in pagina.texto()
    respuesta = web.post(url, {})
    assert respuesta.status_code == 400
    assert Pagina(respuesta).errores == ["Adjunta el documento: Recibo de agua o luz."]
    respuesta = web.post(url, {f"archivo_{requerido.pk}": Archivos.subido("recibo-luz.pdf", Archivos.pdf())})
    assert respuesta["Location"] == url_paso(borrador, "pago")

    # 6. The payment.
    url = url_paso(borrador, "pago")
    pagina = Pagina(web.get(url))
    controles += pagina.controles
    assert "El derecho de trámite es S/ 15.00" in pagina.texto()
    manana = timezone.localdate() + datetime.timedelta(days=1)
    errores = {
        "monto": (pago_valido(monto="10.00"), "El derecho de trámite es S/ 15.00: el monto pagado debe ser exactamente ese."),
        "fecha": (
            pago_valido(fecha_0=str(manana.day), fecha_1=str(manana.month), fecha_2=str(manana.year)),
            "La fecha de pago no puede ser posterior a hoy.",
        ),
        "numero": (pago_valido(numero="OP-12345"), "El número de operación tiene solo números, entre 6 y 20 cifras."),
        "numero corto": (pago_valido(numero="123"), "El número de operación tiene solo números, entre 6 y 20 cifras."),
    }
    for caso, (datos, mensaje) in errores.items():
        respuesta = web.post(url, datos)
        assert respuesta.status_code == 400, caso
        assert Pagina(respuesta).errores == [mensaje], caso
    assert Solicitud.objects.get(pk=borrador.pk).pago_numero == ""
    respuesta = web.post(url, pago_valido())
    assert respuesta["Location"] == url_paso(borrador, "revisar")

    # No page asked for the identity document: it comes from the profile.
    assert len(etiquetas) >= 4
    assert not [c for c in controles if re.search(r"dni|documento|identidad", c or "", re.I)]
    assert not [e for e in etiquetas if re.search(r"\bDNI\b|documento de identidad", e, re.I)]

    # 7. Review, with a way back to each answer.
    url = url_paso(borrador, "revisar")
    pagina = Pagina(web.get(url))
    texto = pagina.texto()
    assert "Paso 7 de 7" in texto
    assert perfil.nombre_completo in texto and perfil.numero_documento in texto
    for respuesta_dada in ("Av. Los Incas 789, dpto. 3", "Lima (Lima)", "4", "Trabajo", "recibo-luz.pdf", "00123456", "S/ 15.00"):
        assert respuesta_dada in texto
    cambiar = [href for href, t in pagina.enlaces if t.startswith("Cambiar")]
    assert cambiar[:4] == [f"{url_paso(borrador, p)}?volver=revisar" for p in ("direccion", "distrito", "tiempo_residencia", "finalidad")]
    assert f"{url_paso(borrador, 'adjuntos')}?volver=revisar" in cambiar
    assert f"{url_paso(borrador, 'pago')}?volver=revisar" in cambiar

    # "Cambiar" comes back to the review.
    respuesta = web.post(cambiar[0], {"direccion": "Av. Los Incas 789, dpto. 4"})
    assert respuesta["Location"] == url

    # The sworn statement is required.
    respuesta = web.post(url, {})
    assert respuesta.status_code == 400
    assert Pagina(respuesta).errores == ["Marca la declaración jurada para poder enviar la solicitud."]
    assert Solicitud.objects.get(pk=borrador.pk).estado == Estado.BORRADOR
    assert mailoutbox == []

    respuesta = web.post(url, {"declaracion_jurada": "on"})
    assert respuesta.status_code == 302
    assert respuesta["Location"] == "/mis-tramites/EXP-2026-000001/confirmacion/"
    solicitud = Solicitud.objects.get(pk=borrador.pk)
    assert solicitud.estado == Estado.PRESENTADA
    assert solicitud.respuestas["direccion"] == "Av. Los Incas 789, dpto. 4"

    confirmacion = Pagina(web.get(respuesta["Location"])).texto()
    assert "Solicitud presentada" in confirmacion
    assert "EXP-2026-000001" in confirmacion
    assert "Tiene plazo hasta el 12 de marzo de 2026 para responderte." in confirmacion
    assert "Subgerencia de Participación Vecinal evaluará tu solicitud." in confirmacion

    # The confirmation is in the casilla (routine news: by email in the day's digest).
    assert "También la dejamos en tu casilla electrónica." in confirmacion
    aviso = Notificacion.objects.get(usuario=ciudadano)
    assert aviso.asunto == "EXP-2026-000001: recibimos tu solicitud"
    assert "12/03/2026" in aviso.cuerpo
    assert mailoutbox == []

    # A second click on "Aceptar y enviar" (or the back button) files nothing new.
    respuesta = web.post(url, {"declaracion_jurada": "on"})
    assert respuesta.status_code == 302
    assert respuesta["Location"] == "/mis-tramites/EXP-2026-000001/"
    assert Solicitud.objects.filter(ciudadano=ciudadano).count() == 1
    assert ContadorExpediente.objects.get().ultimo == 1
    assert Notificacion.objects.filter(usuario=ciudadano).count() == 1

    # The steps of a filed draft lead to the request.
    for paso in ("direccion", "adjuntos", "pago", "revisar"):
        respuesta = web.get(url_paso(borrador, paso))
        assert (respuesta.status_code, respuesta["Location"]) == (302, "/mis-tramites/EXP-2026-000001/"), paso


def test_presentar_un_tramite_gratuito_sin_documentos(catalogo, ciudadano, web_ciudadano, jueves):
    web = web_ciudadano
    respuesta = web.post(f"/tramites/{INFORMACION}/solicitar/")
    borrador = Solicitud.objects.get(tramite__slug=INFORMACION)
    assert paso_de(respuesta["Location"]) == "informacion"
    # The email question is prefilled with the account's email.
    assert Pagina(web.get(url_paso(borrador, "correo_entrega"))).valores["correo_entrega"] == ciudadano.email
    web.post(url_paso(borrador, "informacion"), {"informacion": "Actas de concejo de 2025."})
    web.post(url_paso(borrador, "forma_entrega"), {"forma_entrega": "Por correo electrónico (gratuito)"})
    respuesta = web.post(url_paso(borrador, "correo_entrega"), {"correo_entrega": ciudadano.email})
    # No documents and no payment: straight to the review (step 4 of 4).
    assert respuesta["Location"] == url_paso(borrador, "revisar")
    assert "Paso 4 de 4" in Pagina(web.get(respuesta["Location"])).texto()
    for paso in ("adjuntos", "pago"):
        assert web.get(url_paso(borrador, paso)).status_code == 404
    respuesta = web.post(url_paso(borrador, "revisar"), {"declaracion_jurada": "on"})
    assert respuesta["Location"].endswith("/confirmacion/")
    # 10 business days from Thursday 5 March 2026.
    assert "19 de marzo de 2026" in Pagina(web.get(respuesta["Location"])).texto()


def test_aprobacion_automatica_confirma_la_aprobacion(catalogo, ciudadano, web_ciudadano):
    borrador = borrador_completo(ciudadano, "licencia-de-funcionamiento-riesgo-bajo")
    respuesta = web_ciudadano.post(url_paso(borrador, "revisar"), {"declaracion_jurada": "on"})
    texto = Pagina(web_ciudadano.get(respuesta["Location"])).texto()
    assert "Solicitud aprobada" in texto
    assert "quedó aprobado al presentarlo" in texto
    assert Solicitud.objects.get(pk=borrador.pk).estado == Estado.APROBADA


def test_revisar_un_borrador_incompleto_lista_lo_que_falta_con_enlaces(catalogo, ciudadano, web_ciudadano):
    tramite = Tramite.objects.get(slug=DOMICILIO)
    borrador = services.borrador_iniciar(ciudadano=ciudadano, tramite=tramite)
    services.borrador_responder(solicitud=borrador, respuestas={"direccion": "Jr. Junín 456", "distrito": "150101"})
    respuesta = web_ciudadano.post(url_paso(borrador, "revisar"), {"declaracion_jurada": "on"})
    assert respuesta.status_code == 400
    pagina = Pagina(respuesta)
    assert "Falta completar" in pagina.texto()
    faltan = [(href, t) for href, t in pagina.enlaces if href.startswith(f"/tramites/{DOMICILIO}/solicitar/")]
    assert (url_paso(borrador, "tiempo_residencia"), "Responde: ¿Cuántos años vives en esa dirección?") in faltan
    assert (url_paso(borrador, "adjuntos"), "Adjunta: Recibo de agua o luz") in faltan
    assert (url_paso(borrador, "pago"), "Registra el pago de S/ 15.00.") in faltan
    assert Solicitud.objects.get(pk=borrador.pk).estado == Estado.BORRADOR


# --- Drafts ------------------------------------------------------------------------------------


def test_salir_despues_del_paso_2_y_continuar_desde_mis_tramites(catalogo, ciudadano, web_ciudadano):
    web = web_ciudadano
    borrador, url = iniciar(web)
    web.post(url, {"direccion": "Calle Las Begonias 120"})
    web.post(url_paso(borrador, "distrito"), {"distrito": "150101"})

    # Later: "Mis trámites" offers to continue.
    pagina = Pagina(web.get("/mis-tramites/"))
    assert "Borrador" in pagina.texto()
    continuar = pagina.enlace("Completa y envía tu solicitud")
    assert continuar == f"/borradores/{borrador.uuid}/"
    respuesta = web.get(continuar)
    assert respuesta["Location"] == url_paso(borrador, "tiempo_residencia")
    # Earlier answers are kept (the address is the one typed, not the profile's).
    assert Pagina(web.get(url_paso(borrador, "direccion"))).valores["direccion"] == "Calle Las Begonias 120"
    assert Pagina(web.get(url_paso(borrador, "distrito"))).seleccionado["distrito"] == "150101"
    # Starting the same procedure again resumes the same draft.
    assert web.get(INICIAR)["Location"] == url_paso(borrador, "tiempo_residencia")
    assert Solicitud.objects.filter(ciudadano=ciudadano).count() == 1


def test_eliminar_un_borrador_pide_confirmacion(catalogo, ciudadano, web_ciudadano, settings):
    borrador = borrador_completo(ciudadano, DOMICILIO)
    assert len(archivos_guardados(settings)) == 1
    url = f"/borradores/{borrador.uuid}/eliminar/"
    assert Pagina(web_ciudadano.get("/mis-tramites/")).enlace("Eliminar") == url

    pagina = Pagina(web_ciudadano.get(url))
    assert "¿Eliminar el borrador de «Obtener la constancia de domicilio»?" in pagina.texto()
    assert Solicitud.objects.filter(pk=borrador.pk).exists()

    respuesta = web_ciudadano.post(url)
    assert respuesta["Location"] == "/mis-tramites/"
    assert not Solicitud.objects.filter(pk=borrador.pk).exists()
    assert not Adjunto.objects.exists()
    assert archivos_guardados(settings) == []
    texto = Pagina(web_ciudadano.get("/mis-tramites/")).texto()
    assert "Eliminamos el borrador de «Obtener la constancia de domicilio»." in texto
    assert "Aún no tienes trámites." in texto


def test_quitar_un_documento_del_borrador(catalogo, ciudadano, web_ciudadano, settings):
    borrador = borrador_completo(ciudadano, DOMICILIO)
    adjunto = borrador.adjuntos.get()
    url = url_paso(borrador, "adjuntos")
    respuesta = web_ciudadano.post(url, {"quitar": str(adjunto.uuid)})
    assert respuesta["Location"] == url
    assert not Adjunto.objects.exists()
    assert archivos_guardados(settings) == []


def test_un_enlace_no_crea_borradores_solo_el_boton(catalogo, ciudadano, web_ciudadano):
    """A GET (a link on another site, a prefetch) shows the start button and
    creates nothing; the button's POST creates the draft; a cross-site POST
    without the CSRF token is refused."""
    from django.test import Client

    pagina = web_ciudadano.get(INICIAR)
    assert pagina.status_code == 200
    assert "Iniciar trámite</button>" in pagina.content.decode()
    assert not Solicitud.objects.exists()

    ajeno = Client(enforce_csrf_checks=True)
    ajeno.force_login(ciudadano)
    assert ajeno.post(INICIAR).status_code == 403
    assert not Solicitud.objects.exists()

    borrador, url = iniciar(web_ciudadano)
    assert url == url_paso(borrador, "direccion")
    # A second click (or the back button and the button again) continues the same draft.
    assert web_ciudadano.post(INICIAR)["Location"] == url
    assert web_ciudadano.get(INICIAR)["Location"] == url
    assert Solicitud.objects.count() == 1


# --- Login and profile ---------------------------------------------------------------------------


def test_iniciar_sin_sesion_lleva_al_inicio_de_sesion(catalogo, web):
    respuesta = web.get(INICIAR)
    assert respuesta.status_code == 302
    assert respuesta["Location"] == f"/cuenta/login/?next={INICIAR}"
    assert not Solicitud.objects.exists()


def test_iniciar_sin_perfil_lleva_a_completarlo(catalogo, web):
    sin_perfil = factories.UsuarioFactory()
    web.force_login(sin_perfil)
    respuesta = web.get(INICIAR)
    assert respuesta.status_code == 302
    assert respuesta["Location"] == f"/cuenta/perfil/editar/?next={INICIAR}"
    assert not Solicitud.objects.exists()
    texto = Pagina(web.get(respuesta["Location"])).texto()
    assert "Antes de presentar un trámite completa tu perfil: te lo pedimos una sola vez." in texto


# --- Following the request -----------------------------------------------------------------------------


@pytest.fixture
def tres_solicitudes(catalogo, ciudadano):
    """A draft, a filed request and an observed one, filed on Thursday 5 March 2026."""
    with time_machine.travel(en_lima(2026, 3, 5, 10), tick=False):
        borrador = services.borrador_iniciar(ciudadano=ciudadano, tramite=Tramite.objects.get(slug=INFORMACION))
        presentada = presentar(ciudadano, DOMICILIO)
        observada = presentar(ciudadano, "certificado-de-numeracion")
        services.solicitud_observar(
            solicitud=observada, servidor=servidor_de("SGOPC", "jefe"), mensaje="El plano no indica las calles."
        )
    return borrador, presentada, Solicitud.objects.get(pk=observada.pk)


def test_mis_tramites_muestra_estado_plazo_y_que_hacer(tres_solicitudes, web_ciudadano):
    borrador, presentada, observada = tres_solicitudes
    pagina = Pagina(web_ciudadano.get("/mis-tramites/"))
    filas = re.findall(r'<tr class="mis-tramites__fila">(.*?)</tr>', pagina.html, flags=re.S)
    textos = {" ".join(Pagina(f).texto().split()) for f in filas}
    assert (
        "Solicitar acceso a la información pública Borrador Borrador — Completa y envía tu solicitud :"
        " Solicitar acceso a la información pública Eliminar borrador de Solicitar acceso a la información pública"
    ) in textos
    assert (
        f"Obtener la constancia de domicilio {presentada.expediente} Presentada 12/03/2026 "
        "Esperando la evaluación"
    ) in textos
    # Certificado de numeración: 7 business days from 5 March; observed, due in 2 business days.
    assert f"Obtener el certificado de numeración {observada.expediente} Observada 16/03/2026 Subsana antes del 9 de marzo : {observada.expediente}" in textos
    assert (f"/mis-tramites/{observada.expediente}/subsanar/", f"Subsana antes del 9 de marzo: {observada.expediente}") in pagina.enlaces
    assert (f"/mis-tramites/{presentada.expediente}/", presentada.expediente) in pagina.enlaces


def test_la_pagina_de_la_solicitud_muestra_respuestas_documentos_historial_y_observacion(tres_solicitudes, web_ciudadano):
    _b, _p, observada = tres_solicitudes
    adjunto = observada.adjuntos.get()
    pagina = Pagina(web_ciudadano.get(f"/mis-tramites/{observada.expediente}/"))
    texto = pagina.texto()
    assert f"Expediente {observada.expediente}" in texto
    assert "Estado Observada" in texto
    assert "Fecha límite de la entidad 16 de marzo de 2026 (plazo detenido mientras subsanas)" in texto
    assert "Tu solicitud tiene una observación El plano no indica las calles." in texto
    assert "Subsana hasta el 9 de marzo de 2026." in texto
    assert "Dirección del predio (calle y referencias) Jr. Junín 456" in texto
    assert "¿Qué uso tiene el predio? Vivienda" in texto
    assert (f"/documentos/{adjunto.uuid}/", "recibo.pdf") in pagina.enlaces
    historial = texto[texto.index("Historial"):]
    assert historial.index("Borrador iniciado") < historial.index("Solicitud presentada") < historial.index("Observada")
    assert (f"/mis-tramites/{observada.expediente}/subsanar/", "Subsanar") in pagina.enlaces
    assert pagina.enlace("Desistir de esta solicitud") == f"/mis-tramites/{observada.expediente}/desistir/"

    descarga = web_ciudadano.get(f"/documentos/{adjunto.uuid}/")
    assert descarga.status_code == 200
    assert descarga["Content-Disposition"] == 'attachment; filename="recibo.pdf"'
    assert descarga["Content-Type"] == "application/pdf"
    assert "no-store" in descarga["Cache-Control"]
    assert b"".join(descarga.streaming_content) == adjunto.archivo.open("rb").read()


@pytest.fixture
def observada_domicilio(catalogo, ciudadano):
    """Filed Monday 2 March 2026 (due 9 March), observed Thursday 5 March (correct by 9 March)."""
    with time_machine.travel(en_lima(2026, 3, 2, 9), tick=False):
        solicitud = presentar(ciudadano, DOMICILIO)
    with time_machine.travel(en_lima(2026, 3, 5, 11), tick=False):
        services.solicitud_observar(
            solicitud=solicitud, servidor=servidor_de("SGPV", "jefe"), mensaje="El recibo está cortado."
        )
    return Solicitud.objects.get(pk=solicitud.pk)


def test_subsanar_corrige_respuestas_reemplaza_el_documento_y_reanuda(observada_domicilio, web_ciudadano, mailoutbox):
    solicitud = observada_domicilio
    url = f"/mis-tramites/{solicitud.expediente}/subsanar/"
    requerido = solicitud.tramite.adjuntos_requeridos.get()
    anterior = solicitud.adjuntos.get()
    with time_machine.travel(en_lima(2026, 3, 9, 16), tick=True):
        pagina = Pagina(web_ciudadano.get(url))
        assert "El recibo está cortado." in pagina.texto()
        assert "Plazo: hasta el 9 de marzo de 2026." in pagina.texto()
        assert pagina.valores["direccion"] == "Jr. Junín 456"
        assert pagina.seleccionado["distrito"] == "150101"

        # A mistake: what was typed stays on the page.
        datos = {
            "direccion": "Jr. Junín 458", "distrito": "150101", "tiempo_residencia": "muchos",
            "finalidad": "Trabajo", "comentario": "Corregí el número de la puerta.",
        }
        respuesta = web_ciudadano.post(url, datos)
        assert respuesta.status_code == 400
        pagina = Pagina(respuesta)
        assert pagina.errores == ["Escribe solo un número, por ejemplo 3."]
        assert pagina.valores["direccion"] == "Jr. Junín 458"
        assert pagina.valores["tiempo_residencia"] == "muchos"
        assert pagina.valores["comentario"] == "Corregí el número de la puerta."
        assert Solicitud.objects.get(pk=solicitud.pk).estado == Estado.OBSERVADA

        datos["tiempo_residencia"] = "5"
        datos[f"archivo_{requerido.pk}"] = Archivos.subido("recibo-completo.jpg", Archivos.jpeg())
        respuesta = web_ciudadano.post(url, datos)
        assert respuesta["Location"] == f"/mis-tramites/{solicitud.expediente}/"
        texto = Pagina(web_ciudadano.get(respuesta["Location"])).texto()

    solicitud.refresh_from_db()
    assert solicitud.estado == Estado.EN_EVALUACION
    # Paused Friday 6 and Monday 9: due 9 March becomes 11 March.
    assert solicitud.fecha_limite == D(2026, 3, 11)
    assert solicitud.respuestas["direccion"] == "Jr. Junín 458"
    assert solicitud.respuestas["tiempo_residencia"] == "5"
    assert solicitud.eventos.last().nota == "Corregí el número de la puerta."
    anterior.refresh_from_db()
    assert not anterior.vigente
    assert "Enviamos tu subsanación. La oficina continuará con la evaluación." in texto
    assert "Estado En evaluación" in texto
    assert "Fecha límite de la entidad 11 de marzo de 2026" in texto
    assert "recibo-completo.jpg" in texto and "recibo.pdf" not in texto
    assert "Observación subsanada" in texto
    aviso = Notificacion.objects.filter(usuario=solicitud.ciudadano).latest("pk")
    assert aviso.asunto == f"{solicitud.expediente}: recibimos tu subsanación"
    assert mailoutbox == []  # routine news: in the day's digest


def test_subsanar_con_un_archivo_rechazado_no_guarda_nada(observada_domicilio, web_ciudadano, settings):
    solicitud = observada_domicilio
    requerido = solicitud.tramite.adjuntos_requeridos.get()
    guardados = archivos_guardados(settings)
    with time_machine.travel(en_lima(2026, 3, 6, 9), tick=True):
        respuesta = web_ciudadano.post(f"/mis-tramites/{solicitud.expediente}/subsanar/", {
            "direccion": "Jr. Junín 999", "distrito": "150101", "tiempo_residencia": "5", "finalidad": "Trabajo",
            f"archivo_{requerido.pk}": Archivos.subido("recibo.pdf", b"<html>no soy un pdf</html>"),
        })
    assert respuesta.status_code == 400
    assert Pagina(respuesta).errores == [
        "«recibo.pdf» no es realmente un archivo PDF aunque su nombre lo diga. Sube un archivo PDF, JPG o PNG."
    ]
    solicitud.refresh_from_db()
    assert solicitud.estado == Estado.OBSERVADA
    assert solicitud.respuestas["direccion"] == "Jr. Junín 456"
    assert solicitud.adjuntos.count() == 1
    assert archivos_guardados(settings) == guardados


def test_subsanar_fuera_de_plazo_lo_explica(observada_domicilio, web_ciudadano):
    solicitud = observada_domicilio
    with time_machine.travel(en_lima(2026, 3, 10, 9), tick=True):
        respuesta = web_ciudadano.post(f"/mis-tramites/{solicitud.expediente}/subsanar/", {
            "direccion": "Jr. Junín 999", "distrito": "150101", "tiempo_residencia": "5", "finalidad": "Trabajo",
        })
        assert respuesta["Location"] == f"/mis-tramites/{solicitud.expediente}/"
        texto = Pagina(web_ciudadano.get(respuesta["Location"])).texto()
    assert "El plazo para subsanar venció el 09/03/2026." in texto
    solicitud.refresh_from_db()
    assert solicitud.estado == Estado.OBSERVADA
    assert solicitud.respuestas["direccion"] == "Jr. Junín 456"


def test_subsanar_sin_observacion_vuelve_a_la_solicitud(catalogo, ciudadano, web_ciudadano):
    solicitud = presentar(ciudadano, DOMICILIO)
    respuesta = web_ciudadano.get(f"/mis-tramites/{solicitud.expediente}/subsanar/")
    assert respuesta["Location"] == f"/mis-tramites/{solicitud.expediente}/"


def test_desistir_pide_confirmacion(catalogo, ciudadano, web_ciudadano, mailoutbox):
    solicitud = presentar(ciudadano, DOMICILIO)
    url = f"/mis-tramites/{solicitud.expediente}/desistir/"
    pagina = Pagina(web_ciudadano.get(url))
    assert f"¿Quieres desistir del expediente {solicitud.expediente}?" in pagina.texto()
    assert "El pago del derecho de trámite no se devuelve." in pagina.texto()
    assert Solicitud.objects.get(pk=solicitud.pk).estado == Estado.PRESENTADA

    respuesta = web_ciudadano.post(url, {"motivo": "Ya no la necesito."})
    assert respuesta["Location"] == f"/mis-tramites/{solicitud.expediente}/"
    solicitud.refresh_from_db()
    assert solicitud.estado == Estado.DESISTIDA
    assert solicitud.eventos.last().tipo == TipoEvento.DESISTIDA
    texto = Pagina(web_ciudadano.get(respuesta["Location"])).texto()
    assert f"Registramos tu desistimiento del expediente {solicitud.expediente}." in texto
    assert "Estado Desistida" in texto
    assert "Desistir de esta solicitud" not in texto
    aviso = Notificacion.objects.filter(usuario=ciudadano).latest("pk")
    assert aviso.asunto == f"{solicitud.expediente}: registramos tu desistimiento"
    assert mailoutbox == []  # routine news: in the day's digest

    # A finished request cannot be withdrawn again.
    respuesta = web_ciudadano.post(url)
    assert respuesta["Location"] == f"/mis-tramites/{solicitud.expediente}/"
    assert "Esta solicitud ya terminó: no puedes desistir de ella." in Pagina(web_ciudadano.get(respuesta["Location"])).texto()
    assert solicitud.eventos.filter(tipo=TipoEvento.DESISTIDA).count() == 1


# --- Markup typed by citizens is text ---------------------------------------------------------------------


def test_marcado_en_una_respuesta_se_guarda_como_texto_y_se_muestra_escapado(catalogo, ciudadano, web_ciudadano):
    malicioso = "<script>alert(1)</script>"
    borrador, url = iniciar(web_ciudadano)
    web_ciudadano.post(url, {"direccion": malicioso})
    assert Solicitud.objects.get(pk=borrador.pk).respuestas["direccion"] == malicioso
    completo = borrador_completo(ciudadano, DOMICILIO, direccion=malicioso)
    assert completo.pk == borrador.pk

    revisar = web_ciudadano.get(url_paso(borrador, "revisar")).content.decode()
    assert malicioso not in revisar
    assert escape(malicioso) in revisar
    assert Pagina(web_ciudadano.get(url)).valores["direccion"] == malicioso

    web_ciudadano.post(url_paso(borrador, "revisar"), {"declaracion_jurada": "on"})
    solicitud = Solicitud.objects.get(pk=borrador.pk)
    detalle = web_ciudadano.get(f"/mis-tramites/{solicitud.expediente}/").content.decode()
    assert malicioso not in detalle
    assert escape(malicioso) in detalle


def test_mis_tramites_y_la_solicitud_se_actualizan_tras_cada_cambio(catalogo, ciudadano, web_ciudadano, al_confirmar):
    web = web_ciudadano
    borrador = borrador_completo(ciudadano, DOMICILIO)
    assert "Borrador" in Pagina(web.get("/mis-tramites/")).texto()

    web.post(url_paso(borrador, "revisar"), {"declaracion_jurada": "on"})
    solicitud = Solicitud.objects.get(pk=borrador.pk)
    texto = Pagina(web.get("/mis-tramites/")).texto()
    assert solicitud.expediente in texto and "Presentada" in texto and "Completa y envía tu solicitud" not in texto
    assert "Estado Presentada" in Pagina(web.get(f"/mis-tramites/{solicitud.expediente}/")).texto()

    # A servant observes it from the back office.
    with al_confirmar():
        services.solicitud_observar(solicitud=solicitud, servidor=servidor_de("SGPV", "jefe"), mensaje="Falta la firma.")
    texto = Pagina(web.get("/mis-tramites/")).texto()
    assert "Observada" in texto and "Subsana antes del" in texto
    texto = Pagina(web.get(f"/mis-tramites/{solicitud.expediente}/")).texto()
    assert "Estado Observada" in texto and "Falta la firma." in texto
