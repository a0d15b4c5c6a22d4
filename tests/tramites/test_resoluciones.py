"""The resolution of a denial: issued through the entity's document pipeline,
signed, with the reason, the legal basis and the last day to appeal; found by
the sweeper; downloaded by its owner only; and shown, with the reason and the
appeal date, at the top of the request's page."""

import datetime

import pytest
import time_machine
from django.conf import settings

from egov.documentos import documentos_pendientes_reencolar
from tests.fixtures import DOMICILIO, NOMBRE_COMPLETO, en_lima, presentar, resolutor
from tests.tramites.certificados.conftest import firma_validar, sin_espacios, texto_pdf
from tests.tramites.conftest import Pagina
from tramites import services
from tramites.models import EstadoDocumento, Solicitud, TipoEvento
from tramites.resoluciones.models import Resolucion
from tramites.resoluciones.services import recurso_ultimo_dia

pytestmark = pytest.mark.django_db

D = datetime.date
MOTIVO = "El domicilio declarado no está dentro del distrito según el catastro municipal."


def denegar(solicitud, *, cuando=en_lima(2026, 3, 6, 10)):
    """Filed on Monday 2 March 2026, denied (by default) on Friday 6 March."""
    with time_machine.travel(cuando, tick=False):
        servidor = resolutor(solicitud)
        services.solicitud_tomar(solicitud=solicitud, servidor=servidor)
        services.solicitud_denegar(solicitud=Solicitud.objects.get(pk=solicitud.pk), servidor=servidor, motivo=MOTIVO)
    return Solicitud.objects.get(pk=solicitud.pk)


@pytest.fixture
def presentada(catalogo, ciudadano):
    with time_machine.travel(en_lima(2026, 3, 2, 9), tick=False):
        return presentar(ciudadano, DOMICILIO)


@pytest.fixture
def denegada(presentada, al_confirmar):
    # The PDF task runs after the commit, at today's time (the signing certificate's).
    with al_confirmar():
        return denegar(presentada)


def leer(resolucion) -> bytes:
    with resolucion.archivo.open("rb") as archivo:
        return archivo.read()


def test_el_ultimo_dia_para_recurrir_son_15_dias_habiles_desde_la_notificacion():
    # Friday 6 March: counted from Monday 9, fifteen business days end on Friday 27.
    assert recurso_ultimo_dia(D(2026, 3, 6)) == D(2026, 3, 27)
    # Notified on a Saturday: as if on Monday 9 March.
    assert recurso_ultimo_dia(D(2026, 3, 7)) == D(2026, 3, 30)
    # Holy Thursday and Good Friday (2 and 3 April 2026) do not count.
    assert recurso_ultimo_dia(D(2026, 3, 27)) == D(2026, 4, 21)


def test_la_denegatoria_emite_la_resolucion_firmada_con_el_motivo_y_el_plazo(denegada):
    resolucion = Resolucion.objects.get(solicitud=denegada)
    assert resolucion.estado == EstadoDocumento.EMITIDO, resolucion.error
    assert (resolucion.motivo, resolucion.notificada_el, resolucion.recurso_hasta) == (MOTIVO, D(2026, 3, 6), D(2026, 3, 27))
    pdf = leer(resolucion)
    assert firma_validar(pdf).intact
    texto = sin_espacios(texto_pdf(pdf))
    for esperado in (settings.ENTIDAD_NOMBRE, denegada.tramite.oficina_resolucion.nombre, denegada.expediente,
                     NOMBRE_COMPLETO, "DENEGADA", MOTIVO, "DecretoSupremoN.°004-2019-JUS", "hastael27/03/2026",
                     "Recursodereconsideración", "Recursodeapelación", "mesadepartes", "Lucía"):
        assert sin_espacios(esperado) in texto, esperado
    emitido = denegada.eventos.filter(tipo=TipoEvento.DOCUMENTO_EMITIDO).last()
    assert "27/03/2026" in emitido.nota


def test_el_barrido_encuentra_la_resolucion_pendiente(presentada, al_confirmar):
    denegada = denegar(presentada)  # its task never ran: as if the broker lost the message
    resolucion = Resolucion.objects.get(solicitud=denegada)
    assert resolucion.estado == EstadoDocumento.PENDIENTE
    with al_confirmar():
        assert documentos_pendientes_reencolar(minutos=0)["resolucion"] == 1
    resolucion.refresh_from_db()
    assert resolucion.estado == EstadoDocumento.EMITIDO, resolucion.error


def test_solo_el_titular_descarga_la_resolucion(denegada, ciudadano, otro_ciudadano, client):
    url = f"/mis-tramites/{denegada.expediente}/resolucion.pdf"
    client.force_login(otro_ciudadano)
    assert client.get(url).status_code == 404
    client.force_login(ciudadano)
    respuesta = client.get(url)
    assert respuesta.status_code == 200
    assert respuesta["Content-Type"] == "application/pdf"
    assert respuesta["Cache-Control"] == "private, no-store"
    assert b"".join(respuesta.streaming_content) == leer(Resolucion.objects.get(solicitud=denegada))


def test_la_resolucion_pendiente_no_se_descarga(presentada, ciudadano, client):
    denegada = denegar(presentada)
    client.force_login(ciudadano)
    assert client.get(f"/mis-tramites/{denegada.expediente}/resolucion.pdf").status_code == 404


def test_la_pagina_de_la_solicitud_empieza_por_la_denegatoria(denegada, web_ciudadano):
    pagina = Pagina(web_ciudadano.get(f"/mis-tramites/{denegada.expediente}/"))
    texto = pagina.texto()
    assert texto.index("Tu solicitud fue denegada") < texto.index("Estado Denegada")
    assert MOTIVO in texto
    assert "Puedes presentar un recurso hasta el 27 de marzo de 2026." in texto
    assert f"mesa de partes de la {settings.ENTIDAD_NOMBRE}" in texto
    assert pagina.enlace("Descargar la resolución firmada") == f"/mis-tramites/{denegada.expediente}/resolucion.pdf"


def test_la_pagina_de_la_solicitud_empieza_por_la_observacion(presentada, web_ciudadano):
    with time_machine.travel(en_lima(2026, 3, 5, 11), tick=False):
        services.solicitud_observar(
            solicitud=presentada, servidor=resolutor(presentada), mensaje="El recibo está cortado."
        )
    with time_machine.travel(en_lima(2026, 3, 6, 9), tick=True):
        pagina = Pagina(web_ciudadano.get(f"/mis-tramites/{presentada.expediente}/"))
    texto = pagina.texto()
    assert texto.index("Tu solicitud tiene una observación") < texto.index("Estado Observada")
    assert "El recibo está cortado." in texto
    assert "Subsana hasta el 9 de marzo de 2026." in texto
    assert pagina.enlace("Subsanar") == f"/mis-tramites/{presentada.expediente}/subsanar/"
