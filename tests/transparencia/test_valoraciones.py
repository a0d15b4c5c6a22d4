"""Satisfaction: the decision notice invites the citizen to rate the service;
the owner rates once (1 to 5 and an optional comment), after a decision only;
the ratings feed the public figures."""

import pytest

from ciudadanos.models import Notificacion
from tests.fixtures import DOMICILIO, INFORMACION, fresca, presentar
from tramites.models import Estado
from transparencia import selectors
from transparencia import services as t_services
from transparencia.models import Valoracion

from .conftest import RESPUESTAS, decidir


def url_valorar(solicitud):
    return f"/mis-tramites/{solicitud.expediente}/valorar/"


def mensajes(respuesta) -> list[str]:
    return [str(m) for m in respuesta.context["messages"]]


@pytest.fixture
def decidida(ciudadano, jefe):
    return fresca(decidir(presentar(ciudadano, INFORMACION, **RESPUESTAS[INFORMACION]), jefe))


@pytest.mark.parametrize("aprobar", [True, False], ids=["aprobada", "denegada"])
def test_el_aviso_de_la_decision_invita_a_calificar(ciudadano, jefe, settings, aprobar):
    solicitud = presentar(ciudadano, INFORMACION, **RESPUESTAS[INFORMACION])
    antes = set(Notificacion.objects.filter(usuario=ciudadano).values_list("pk", flat=True))
    decidir(solicitud, jefe, aprobar=aprobar)
    nuevas = Notificacion.objects.filter(usuario=ciudadano).exclude(pk__in=antes)
    aviso = nuevas.get(asunto__icontains="aprobada" if aprobar else "denegada")
    enlace = f"{settings.SITE_URL}/mis-tramites/{solicitud.expediente}/valorar/"
    assert "Cuéntanos cómo te atendimos (1 minuto): " + enlace in aviso.cuerpo
    # Notices before the decision do not invite to rate.
    for previo in Notificacion.objects.filter(pk__in=antes):
        assert "/valorar/" not in previo.cuerpo


def test_el_dueno_califica_una_vez(decidida, ciudadano, client):
    client.force_login(ciudadano)
    formulario = client.get(url_valorar(decidida))
    assert formulario.status_code == 200
    html = formulario.content.decode()
    assert decidida.expediente in html
    for puntaje in range(1, 6):
        assert f'name="puntaje" value="{puntaje}"' in html
    assert 'name="comentario"' in html

    respuesta = client.post(url_valorar(decidida), {"puntaje": "4", "comentario": "  Me atendieron bien.  "},
                            follow=True)
    assert respuesta.redirect_chain == [(f"/mis-tramites/{decidida.expediente}/", 302)]
    assert mensajes(respuesta) == ["Gracias: tu calificación nos ayuda a mejorar."]
    valoracion = Valoracion.objects.get()
    assert (valoracion.solicitud_id, valoracion.puntaje, valoracion.comentario) == (
        decidida.pk, 4, "Me atendieron bien."
    )


def test_el_comentario_es_opcional(decidida, ciudadano, client):
    client.force_login(ciudadano)
    assert client.post(url_valorar(decidida), {"puntaje": "5"}).status_code == 302
    assert Valoracion.objects.get().comentario == ""


def test_una_segunda_calificacion_no_cambia_nada(decidida, ciudadano, client):
    client.force_login(ciudadano)
    client.post(url_valorar(decidida), {"puntaje": "2", "comentario": "Tardaron."}, follow=True)
    antes = list(Valoracion.objects.values())

    for respuesta in (
        client.get(url_valorar(decidida), follow=True),
        client.post(url_valorar(decidida), {"puntaje": "5", "comentario": "Cambio de opinión."}, follow=True),
    ):
        assert respuesta.redirect_chain == [(f"/mis-tramites/{decidida.expediente}/", 302)]
        assert mensajes(respuesta) == ["Ya calificaste la atención de este expediente. ¡Gracias!"]
    assert list(Valoracion.objects.values()) == antes
    with pytest.raises(t_services.YaValorada):
        t_services.valoracion_registrar(solicitud=decidida, ciudadano=ciudadano, puntaje=5)
    assert list(Valoracion.objects.values()) == antes


def test_otro_ciudadano_recibe_404(decidida, otro_ciudadano, client):
    client.force_login(otro_ciudadano)
    assert client.get(url_valorar(decidida)).status_code == 404
    assert client.post(url_valorar(decidida), {"puntaje": "1"}).status_code == 404
    assert not Valoracion.objects.exists()
    with pytest.raises(t_services.NoValorable):
        t_services.valoracion_registrar(solicitud=decidida, ciudadano=otro_ciudadano, puntaje=1)


def test_sin_sesion_se_pide_entrar(decidida, client):
    respuesta = client.get(url_valorar(decidida))
    assert respuesta.status_code == 302
    assert respuesta["Location"].startswith("/cuenta/login/")


def test_antes_de_la_decision_no_se_califica(ciudadano, jefe, client):
    solicitud = presentar(ciudadano, INFORMACION, **RESPUESTAS[INFORMACION])
    client.force_login(ciudadano)
    for estado in ("presentada", "en_evaluacion"):
        if estado == "en_evaluacion":
            from tramites import services

            services.solicitud_tomar(solicitud=solicitud, servidor=jefe)
        assert fresca(solicitud).estado == estado
        for respuesta in (
            client.get(url_valorar(solicitud), follow=True),
            client.post(url_valorar(solicitud), {"puntaje": "5"}, follow=True),
        ):
            assert respuesta.redirect_chain == [(f"/mis-tramites/{solicitud.expediente}/", 302)]
            assert mensajes(respuesta) == [
                "Podrás calificar la atención cuando tu solicitud tenga una respuesta."
            ]
        with pytest.raises(t_services.NoValorable):
            t_services.valoracion_registrar(solicitud=fresca(solicitud), ciudadano=ciudadano, puntaje=5)
    assert not Valoracion.objects.exists()


def test_un_desistimiento_no_se_califica(catalogo, ciudadano, client):
    from tramites import services

    solicitud = presentar(ciudadano, INFORMACION, **RESPUESTAS[INFORMACION])
    services.solicitud_desistir(solicitud=solicitud, ciudadano=ciudadano)
    assert fresca(solicitud).estado == Estado.DESISTIDA
    client.force_login(ciudadano)
    client.post(url_valorar(solicitud), {"puntaje": "5"})
    assert not Valoracion.objects.exists()


@pytest.mark.parametrize("puntaje, error", [
    ("", "Elige una calificación del 1 al 5."),
    ("0", "Escoja una opción válida. 0 no es una de las opciones disponibles."),
    ("6", "Escoja una opción válida. 6 no es una de las opciones disponibles."),
    ("cinco", "Escoja una opción válida. cinco no es una de las opciones disponibles."),
])
def test_puntaje_fuera_de_1_a_5(decidida, ciudadano, client, puntaje, error):
    client.force_login(ciudadano)
    respuesta = client.post(url_valorar(decidida), {"puntaje": puntaje})
    assert respuesta.status_code == 400
    assert respuesta.context["form"].errors == {"puntaje": [error]}
    assert "Hay un problema" in respuesta.content.decode()
    assert not Valoracion.objects.exists()


def test_las_calificaciones_alimentan_las_cifras_publicas(ciudadano, otro_ciudadano, jefe, client):
    primera = fresca(decidir(presentar(ciudadano, DOMICILIO, **RESPUESTAS[DOMICILIO]), jefe))
    segunda = fresca(decidir(presentar(otro_ciudadano, INFORMACION, **RESPUESTAS[INFORMACION]), jefe, aprobar=False))
    selectors.indicadores(refrescar=True)
    antes = client.get("/transparencia/").content.decode()  # an anonymous visit: the page is cached
    assert '<p class="indicador">—</p><p>0 calificaciones</p>' in antes

    t_services.valoracion_registrar(solicitud=primera, ciudadano=ciudadano, puntaje=5)
    t_services.valoracion_registrar(solicitud=segunda, ciudadano=otro_ciudadano, puntaje=2)
    # Until the figures are refreshed (hourly, by beat), the page does not change.
    assert selectors.indicadores()["total"]["satisfaccion"] is None
    datos = selectors.indicadores(refrescar=True)
    assert (datos["total"]["satisfaccion"], datos["total"]["valoraciones"]) == (3.5, 2)

    html = client.get("/transparencia/").content.decode()
    assert '<p class="indicador">3.5 / 5</p><p>2 calificaciones</p>' in html
    fila = next(t for t in datos["tramites"] if t["slug"] == INFORMACION)
    assert fila["total"]["satisfaccion"] == 2.0
    assert '<p class="indicador">2.0 / 5</p><p>1 calificación</p>' in client.get(
        f"/transparencia/{INFORMACION}/"
    ).content.decode()
