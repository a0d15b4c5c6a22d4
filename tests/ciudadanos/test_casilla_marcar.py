"""Marking every notice of the casilla as read: one POST, the reading of each
recorded like an opening (the acknowledgement, also in the request's
timeline), and the unread counter back to none."""

import pytest

from ciudadanos import services as ciudadanos_services
from ciudadanos.models import Notificacion
from tests.fixtures import DOMICILIO, presentar
from tramites.models import Evento, TipoEvento


@pytest.mark.django_db(transaction=True)
def test_marcar_todas_registra_cada_lectura_como_al_abrirla(catalogo, ciudadano, otro_ciudadano, web):
    solicitud = presentar(ciudadano, DOMICILIO)
    ciudadanos_services.aviso_depositar(usuario=ciudadano, asunto="Otro aviso", cuerpo=".", enlace="/")
    ajeno = ciudadanos_services.aviso_depositar(usuario=otro_ciudadano, asunto="Ajeno", cuerpo=".", enlace="/")
    web.force_login(ciudadano)
    assert web.get("/casilla/marcar-leidas/").status_code == 405  # only a POST marks

    casilla = web.get("/casilla/").content.decode()
    assert "Marcar todas como leídas" in casilla and "Tienes 2 notificaciones sin leer." in casilla

    respuesta = web.post("/casilla/marcar-leidas/", follow=True)
    html = respuesta.content.decode()
    assert "Marcamos 2 notificaciones como leídas." in html
    assert "Marcar todas como leídas" not in html and 'class="marca-sin-leer"' not in html
    leidas = Notificacion.objects.filter(usuario=ciudadano)
    assert leidas.count() == 2 and not leidas.filter(leida_en__isnull=True).exists()
    ajeno.refresh_from_db()
    assert ajeno.leida_en is None
    # The notice about the request is acknowledged in its timeline, once, like an opening.
    assert Evento.objects.filter(solicitud=solicitud, tipo=TipoEvento.NOTIFICACION_LEIDA).count() == 1

    # Again: nothing left, and nothing recorded twice.
    assert "No tenías notificaciones sin leer." in web.post("/casilla/marcar-leidas/", follow=True).content.decode()
    assert Evento.objects.filter(solicitud=solicitud, tipo=TipoEvento.NOTIFICACION_LEIDA).count() == 1


@pytest.mark.django_db
def test_marcar_todas_pide_csrf(catalogo, ciudadano):
    from django.test import Client

    cliente = Client(enforce_csrf_checks=True)
    cliente.force_login(ciudadano)
    ciudadanos_services.aviso_depositar(usuario=ciudadano, asunto="Aviso", cuerpo=".", enlace="/")
    assert cliente.post("/casilla/marcar-leidas/").status_code == 403
    assert Notificacion.objects.filter(usuario=ciudadano, leida_en__isnull=True).count() == 1


@pytest.mark.django_db
def test_el_cuerpo_enlaza_solo_direcciones_del_portal(catalogo, ciudadano, web, settings):
    aviso = ciudadanos_services.aviso_depositar(
        usuario=ciudadano, asunto="Aviso",
        cuerpo=(f"Califica: {settings.SITE_URL}/mis-tramites/EXP-2026-000001/valorar/.\n"
                "Detalle: /mis-tramites/EXP-2026-000001/ <script>alert(1)</script> "
                "https://malo.example/x //malo.example/y javascript:alert(1) 12/03/2026"),
        enlace="/",
    )
    web.force_login(ciudadano)
    html = web.get(f"/casilla/{aviso.pk}/").content.decode()
    assert f'<a href="{settings.SITE_URL}/mis-tramites/EXP-2026-000001/valorar/">' in html
    assert '<a href="/mis-tramites/EXP-2026-000001/">' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html
    for ajena in ('href="https://malo.example', 'href="//malo.example', 'href="javascript:', 'href="/03/2026'):
        assert ajena not in html
