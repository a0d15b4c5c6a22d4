"""The pages citizens open most cost a fixed number of database queries, the
same with one row as with two hundred: measured with one, asserted with 200."""

import datetime
import uuid

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests import factories
from tests.fixtures import DOMICILIO, presentar, servidor_de
from tramites import services
from tramites.models import (
    Adjunto,
    Calificacion,
    Estado,
    Evento,
    Observacion,
    Oficina,
    Solicitud,
    TipoEvento,
    Tramite,
)

pytestmark = pytest.mark.django_db

MUCHOS = 200


def contar(web, url):
    with CaptureQueriesContext(connection) as consultas:
        respuesta = web.get(url)
    assert respuesta.status_code == 200, url
    return len(consultas), respuesta


# --- Catalog ----------------------------------------------------------------------------------


def tramites_de_relleno(cuantos):
    recibe, resuelve = Oficina.objects.get(sigla="MPA"), Oficina.objects.get(sigla="SGDE")
    Tramite.objects.bulk_create([
        Tramite(
            codigo=f"REL-{n:04d}", slug=f"relleno-{n}", nombre=f"Obtener el permiso de relleno {n:04d}",
            descripcion="Un trámite más del TUPA.", base_legal="Ordenanza 1.", requisitos="Solicitud.",
            tasa=n, plazo_dias=5, calificacion=Calificacion.POSITIVO,
            oficina_recepcion=recibe, oficina_resolucion=resuelve, busqueda=f"rel-{n:04d} obtener el permiso de relleno",
        )
        for n in range(cuantos)
    ])


@pytest.mark.parametrize("consulta", ["", "?q=obtener", "?oficina=MPA&calificacion=positivo", "?pagina=2"])
def test_catalogo_cuesta_lo_mismo_con_8_que_con_208_tramites(catalogo, web, django_assert_num_queries, consulta):
    url = f"/tramites/{consulta}"
    cache.clear()  # the anonymous page is cached whole: measure the page, not the cache
    contar(web, "/tramites/?q=calentar")
    cache.clear()
    pocos, respuesta = contar(web, url)
    assert Tramite.objects.count() == 8
    tramites_de_relleno(MUCHOS)
    cache.clear()
    with django_assert_num_queries(pocos):
        respuesta = web.get(url)
    assert respuesta.status_code == 200
    assert "trámites encontrados" in respuesta.content.decode()
    assert pocos <= 4


def test_detalle_del_tramite_cuesta_lo_mismo_con_pocos_o_muchos_requisitos(catalogo, web, django_assert_num_queries):
    cache.clear()
    contar(web, "/tramites/acceso-a-la-informacion-publica/")
    cache.clear()
    pocos, _r = contar(web, f"/tramites/{DOMICILIO}/")
    tramite = Tramite.objects.get(slug=DOMICILIO)
    from tramites.models import AdjuntoRequerido, CampoTramite

    AdjuntoRequerido.objects.bulk_create(
        [AdjuntoRequerido(tramite=tramite, orden=10 + n, nombre=f"Documento {n}") for n in range(MUCHOS)]
    )
    CampoTramite.objects.bulk_create([
        CampoTramite(tramite=tramite, orden=10 + n, nombre=f"extra_{n}", etiqueta=f"Pregunta {n}", tipo="texto")
        for n in range(MUCHOS)
    ])
    cache.clear()
    with django_assert_num_queries(pocos):
        respuesta = web.get(f"/tramites/{DOMICILIO}/")
    assert "Documento 199" in respuesta.content.decode()


# --- Mis trámites ---------------------------------------------------------------------------------


def solicitudes_en_bloque(ciudadano, cuantas):
    """Filed requests in every open or final state, a fifth of them observed
    with a pending observation."""
    tramites = list(Tramite.objects.all())
    estados = [Estado.PRESENTADA, Estado.EN_EVALUACION, Estado.OBSERVADA, Estado.APROBADA, Estado.DENEGADA]
    ahora = timezone.now()
    hoy = timezone.localdate()
    solicitudes = Solicitud.objects.bulk_create([
        Solicitud(
            uuid=uuid.uuid4(), expediente=f"EXP-2020-{n:06d}", tramite=tramites[n % len(tramites)],
            ciudadano=ciudadano, estado=estados[n % len(estados)], presentada_en=ahora,
            fecha_limite=hoy + datetime.timedelta(days=n % 30), declaracion_jurada=True,
            respuestas={"direccion": "Jr. Junín 456"},
        )
        for n in range(cuantas)
    ])
    Observacion.objects.bulk_create([
        Observacion(solicitud=s, mensaje="Falta un documento.", plazo=hoy + datetime.timedelta(days=2))
        for s in solicitudes if s.estado == Estado.OBSERVADA
    ])
    return solicitudes


def test_mis_tramites_cuesta_lo_mismo_con_1_que_con_200(catalogo, web, django_assert_num_queries):
    uno, doscientos, calentar = (factories.PerfilFactory().usuario for _ in range(3))
    for ciudadano in (uno, calentar):
        services.solicitud_observar(
            solicitud=presentar(ciudadano, DOMICILIO), servidor=servidor_de("SGPV", "jefe"), mensaje="Falta un documento."
        )
    solicitudes_en_bloque(doscientos, MUCHOS)
    services.borrador_iniciar(ciudadano=doscientos, tramite=Tramite.objects.get(slug=DOMICILIO))

    web.force_login(calentar)
    contar(web, "/mis-tramites/")

    web.force_login(uno)
    pocos, respuesta = contar(web, "/mis-tramites/")
    assert "Subsana antes del" in respuesta.content.decode()

    web.force_login(doscientos)
    with django_assert_num_queries(pocos):
        respuesta = web.get("/mis-tramites/")
    texto = respuesta.content.decode()
    assert texto.count('<tr class="mis-tramites__fila">') == 25  # a page of 25
    assert "Página 1 de 9" in texto
    assert "Subsana antes del" in texto and "Completa y envía tu solicitud" in texto
    assert pocos <= 6


# --- The request's page ------------------------------------------------------------------------------


def test_pagina_de_la_solicitud_cuesta_lo_mismo_con_1_que_con_200_documentos_y_eventos(
    catalogo, web, django_assert_num_queries
):
    uno, doscientos, calentar = (factories.PerfilFactory().usuario for _ in range(3))
    servidor = servidor_de("SGPV", "jefe")
    solicitudes = {}
    for ciudadano in (uno, doscientos, calentar):
        solicitud = presentar(ciudadano, DOMICILIO)
        services.solicitud_observar(solicitud=solicitud, servidor=servidor, mensaje="Falta un documento.")
        solicitudes[ciudadano.pk] = Solicitud.objects.get(pk=solicitud.pk)

    grande = solicitudes[doscientos.pk]
    requerido = grande.tramite.adjuntos_requeridos.get()
    modelo = grande.adjuntos.get()
    Adjunto.objects.bulk_create([
        Adjunto(
            solicitud=grande, requerido=requerido if n % 2 else None, archivo=modelo.archivo.name,
            nombre_original=f"anexo-{n}.pdf", tipo_mime="application/pdf", tamano=1000 + n,
            sha256=modelo.sha256, vigente=bool(n % 3),
        )
        for n in range(MUCHOS)
    ])
    Evento.objects.bulk_create([
        Evento(solicitud=grande, tipo=TipoEvento.TOMADA, actor=servidor, estado_nuevo=Estado.EN_EVALUACION,
               nota=f"Revisión {n}")
        for n in range(MUCHOS)
    ])
    Observacion.objects.bulk_create([
        Observacion(solicitud=grande, mensaje=f"Observación {n}", creada_por=servidor,
                    plazo=timezone.localdate(), subsanada_en=timezone.now())
        for n in range(MUCHOS)
    ])

    web.force_login(calentar)
    contar(web, f"/mis-tramites/{solicitudes[calentar.pk].expediente}/")

    web.force_login(uno)
    pocos, _r = contar(web, f"/mis-tramites/{solicitudes[uno.pk].expediente}/")

    web.force_login(doscientos)
    with django_assert_num_queries(pocos):
        respuesta = web.get(f"/mis-tramites/{grande.expediente}/")
    texto = respuesta.content.decode()
    assert "anexo-199.pdf" in texto and "anexo-198.pdf" not in texto  # only current documents
    assert "Revisión 199" in texto
    assert "Observación 199" in texto
    assert pocos <= 10
