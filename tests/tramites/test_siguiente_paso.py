"""Mis trámites and the request's page say what to do now, with a link when
there is something to do; a decided request shows no deadline; a draft found
again by "Iniciar trámite" says so."""

import pytest
from django.urls import reverse

from tests.fixtures import DOMICILIO, aprobar, presentar, resolutor
from tramites import services
from tramites.models import Solicitud, Tramite
from transparencia import services as transparencia_services


def fila(html, expediente):
    for trozo in html.split('<tr class="mis-tramites__fila">')[1:]:
        if expediente in trozo:
            return " ".join(trozo.split("</tr>")[0].split())
    raise AssertionError(expediente)


@pytest.mark.django_db
def test_cada_fila_dice_que_hacer(catalogo, ciudadano, web, al_confirmar):
    with al_confirmar():
        esperando = presentar(ciudadano, DOMICILIO)
        aprobada = aprobar(presentar(ciudadano, "certificado-de-numeracion"))
        observada = presentar(ciudadano, "constancia-de-posesion")
    with al_confirmar():
        services.solicitud_observar(solicitud=observada, servidor=resolutor(observada), mensaje="Falta el plano.")
    borrador = services.borrador_iniciar(ciudadano=ciudadano, tramite=Tramite.objects.get(slug=DOMICILIO))
    web.force_login(ciudadano)
    html = web.get("/mis-tramites/").content.decode()

    assert "Esperando la evaluación" in fila(html, esperando.expediente)
    assert "<a " not in fila(html, esperando.expediente).split("Esperando")[1]
    observada = Solicitud.objects.get(pk=observada.pk)
    assert f'href="/mis-tramites/{observada.expediente}/subsanar/">Subsana antes del' in fila(html, observada.expediente)
    decidida = fila(html, aprobada.expediente)
    documento = reverse("tramites:documento", args=[aprobada.expediente, "certificado"])
    assert f'href="{documento}">Descarga tu certificado de numeración' in decidida
    assert f'href="/mis-tramites/{aprobada.expediente}/valorar/">Califica la atención' in decidida
    assert 'data-etiqueta="Fecha límite">—</td>' in decidida  # no deadline once decided
    assert 'data-etiqueta="Fecha límite">—</td>' not in fila(html, esperando.expediente)
    assert f'href="/borradores/{borrador.uuid}/">Completa y envía tu solicitud' in html

    # Rated: the invitation is gone from the list and the request's page.
    with al_confirmar():
        transparencia_services.valoracion_registrar(solicitud=aprobada, ciudadano=ciudadano, puntaje=5)
    assert "Califica la atención" not in fila(web.get("/mis-tramites/").content.decode(), aprobada.expediente)
    assert "Califica la atención" not in web.get(aprobada.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_la_pagina_de_la_solicitud_invita_a_calificar(catalogo, ciudadano, web, al_confirmar):
    with al_confirmar():
        aprobada = aprobar(presentar(ciudadano, DOMICILIO))
    web.force_login(ciudadano)
    html = web.get(aprobada.get_absolute_url()).content.decode()
    assert f'href="/mis-tramites/{aprobada.expediente}/valorar/">Califica la atención' in html
    assert "Fecha límite de la entidad" not in html


@pytest.mark.django_db
def test_iniciar_un_tramite_con_borrador_lo_dice(catalogo, ciudadano, web):
    web.force_login(ciudadano)
    primera = web.post(f"/tramites/{DOMICILIO}/solicitar/", follow=True).content.decode()
    assert "Ya tenías un borrador" not in primera
    segunda = web.post(f"/tramites/{DOMICILIO}/solicitar/", follow=True).content.decode()
    assert "Ya tenías un borrador de este trámite: continúa donde lo dejaste." in segunda
    assert Solicitud.objects.filter(ciudadano=ciudadano, estado="borrador").count() == 1
