"""What a servant reaches in the admin: only the requests of their offices.
Another office's request answers 404 (or 403 / a redirect away) on every
admin URL, never appears in the list, and drafts never appear at all. The
state is never edited through the admin form."""

import pytest

from tests.fixtures import INFORMACION, ORGANIZACIONES, borrador_completo, presentar, servidor_de
from tramites.models import AccesoExpediente, Estado, Solicitud

from .conftest import LISTA, expedientes_listados, foto, url_accion, url_cambio

ACCIONES = ("tomar", "asignar", "observar", "aprobar", "denegar")


@pytest.fixture
def escenario(catalogo, ciudadano):
    """A request SG resolves and one SGPV resolves (with documents); a head of
    SG (with every action) and one of SGPV."""
    propia = presentar(ciudadano, INFORMACION)
    ajena = presentar(ciudadano, ORGANIZACIONES)
    return {
        "propia": propia,
        "ajena": ajena,
        "jefe_sg": servidor_de("SG", "jefe", "evaluador"),
        "jefe_sgpv": servidor_de("SGPV", "jefe"),
        "evaluador_sg": servidor_de("SG", "evaluador"),
    }


def _sin_rastro(respuesta, solicitud):
    html = respuesta.content.decode()
    assert solicitud.expediente not in html
    assert solicitud.solicitante["numero_documento"] not in html


def test_la_solicitud_de_otra_oficina_no_se_alcanza_por_ninguna_url(escenario, admin_de):
    ajena = escenario["ajena"]
    cliente = admin_de(escenario["jefe_sg"])
    antes = foto(ajena)
    adjuntos = list(ajena.adjuntos.all())
    assert len(adjuntos) == 2

    respuesta = cliente.get(url_cambio(ajena))
    assert respuesta.status_code == 404
    _sin_rastro(respuesta, ajena)

    datos = {"asignado": escenario["evaluador_sg"].pk, "mensaje": "Falta el acta.",
             "motivo": "No procede.", "nota": "Aprobado."}
    for accion in ACCIONES:
        respuesta = cliente.post(url_accion(ajena, accion), datos)
        assert respuesta.status_code == 404, accion
        _sin_rastro(respuesta, ajena)
        # A GET of an action URL only sends back to the (unreachable) change page.
        respuesta = cliente.get(url_accion(ajena, accion), follow=True)
        assert respuesta.status_code == 404, accion

    for adjunto in adjuntos:
        respuesta = cliente.get(f"/documentos/{adjunto.uuid}/")
        assert respuesta.status_code == 404

    respuesta = cliente.get(f"/admin/tramites/solicitud/{ajena.pk}/history/")
    assert respuesta.status_code in (302, 403, 404)
    if respuesta.status_code == 302:
        assert str(ajena.pk) not in respuesta["Location"]
    assert cliente.get(f"/admin/tramites/solicitud/{ajena.pk}/delete/").status_code in (302, 403, 404)
    assert cliente.post(url_cambio(ajena), {"estado": Estado.APROBADA}).status_code in (403, 404)

    assert foto(ajena) == antes
    assert not AccesoExpediente.objects.filter(solicitud=ajena).exists()


def test_la_oficina_propia_si_abre_la_ficha_y_los_documentos(escenario, admin_de):
    ajena = escenario["ajena"]
    cliente = admin_de(escenario["jefe_sgpv"])
    respuesta = cliente.get(url_cambio(ajena))
    assert respuesta.status_code == 200
    assert ajena.expediente in respuesta.content.decode()
    for adjunto in ajena.adjuntos.all():
        respuesta = cliente.get(f"/documentos/{adjunto.uuid}/")
        assert respuesta.status_code == 200
        assert b"".join(respuesta.streaming_content).startswith(b"%PDF")


def test_la_lista_muestra_solo_las_de_sus_oficinas(escenario, admin_de):
    propia, ajena = escenario["propia"], escenario["ajena"]
    cliente = admin_de(escenario["jefe_sg"])
    for consulta in ("", "?estado=todas", f"?estado=todas&q={ajena.expediente}", "?estado=presentada"):
        respuesta = cliente.get(LISTA + consulta)
        assert respuesta.status_code == 200
        assert ajena.expediente not in expedientes_listados(respuesta)
        if "q=" not in consulta:  # (a search echoes the term in the search box)
            assert ajena.expediente not in respuesta.content.decode()
        else:
            assert respuesta.context["cl"].result_count == 0
    assert expedientes_listados(cliente.get(LISTA)) == [propia.expediente]

    # The front desk (MPA) receives every procedure: it sees both.
    mesa = admin_de(servidor_de("MPA", "mesa"))
    assert set(expedientes_listados(mesa.get(LISTA))) == {propia.expediente, ajena.expediente}


def test_los_borradores_nunca_aparecen_en_el_admin(catalogo, ciudadano, admin_de):
    draft = borrador_completo(ciudadano, INFORMACION)
    assert draft.estado == Estado.BORRADOR
    for usuario in (servidor_de("SG", "jefe"), servidor_de(None, superusuario=True)):
        cliente = admin_de(usuario)
        for consulta in ("", "?estado=todas", f"?estado=todas&q={draft.pk}"):
            respuesta = cliente.get(LISTA + consulta)
            assert respuesta.status_code == 200
            assert respuesta.context["cl"].result_count == 0
        assert cliente.get(url_cambio(draft)).status_code == 404
        for accion in ACCIONES:
            assert cliente.post(url_accion(draft, accion), {"nota": "x"}).status_code == 404
    assert Solicitud.objects.get(pk=draft.pk).estado == Estado.BORRADOR
    assert not AccesoExpediente.objects.exists()


def test_el_estado_no_se_edita_desde_el_formulario(escenario, admin_de):
    propia = escenario["propia"]
    jefe = escenario["jefe_sg"]
    cliente = admin_de(jefe)
    respuesta = cliente.get(url_cambio(propia))
    assert respuesta.status_code == 200
    html = respuesta.content.decode()
    assert 'name="estado"' not in html
    assert 'name="asignado_a"' not in html
    assert 'name="_save"' not in html

    antes = foto(propia)
    respuesta = cliente.post(url_cambio(propia), {
        "estado": Estado.APROBADA, "asignado_a": jefe.pk, "fecha_limite": "2030-01-01",
        "respuestas": "{}", "_save": "Guardar",
    })
    assert respuesta.status_code == 403
    assert foto(propia) == antes
    assert Solicitud.objects.get(pk=propia.pk).respuestas == propia.respuestas
