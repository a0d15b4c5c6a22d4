"""Query budgets: the servant's list and the change page cost the same number
of queries with a few requests and with many (no query per row)."""

import datetime
import itertools

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories
from tests.fixtures import INFORMACION, ORGANIZACIONES, servidor_de
from tramites.models import AccesoExpediente, Adjunto, Estado, Evento, Observacion, TipoEvento

from .conftest import LISTA, en_bloque, url_cambio

D = datetime.date


def _medir(cliente, url):
    cliente.get(url)  # warm: the session and the logged-in user are cached after the first page
    with CaptureQueriesContext(connection) as consultas:
        respuesta = cliente.get(url)
    assert respuesta.status_code == 200
    return len(consultas)


def _variadas(cantidad, servidores):
    """Requests of several citizens, procedures, states, due dates and assignees."""
    estados = itertools.cycle([Estado.PRESENTADA, Estado.EN_EVALUACION, Estado.OBSERVADA])
    asignados = itertools.cycle([None, *servidores])
    filas = []
    for i in range(cantidad):
        ciudadano = factories.PerfilFactory().usuario
        filas += en_bloque(
            1, ciudadano=ciudadano, slug=(INFORMACION, ORGANIZACIONES)[i % 2], estado=next(estados),
            asignado=next(asignados), fecha_limite=D(2026, 3, 1) + datetime.timedelta(days=i % 40),
        )
    return filas


def test_la_lista_no_crece_con_las_filas(catalogo, admin_de, django_assert_num_queries):
    jefe = servidor_de("SG,SGPV", "jefe")
    servidores = [jefe] + [servidor_de("SG", "evaluador", nombres=f"Ev{i}") for i in range(4)]
    cliente = admin_de(jefe)
    _variadas(5, servidores)
    pocas = _medir(cliente, LISTA + "?bandeja=todas")

    _variadas(55, servidores)
    with django_assert_num_queries(pocas):
        respuesta = cliente.get(LISTA + "?bandeja=todas")
    assert len(respuesta.context["cl"].result_list) == 50  # one page


def test_la_ficha_no_crece_con_los_datos(catalogo, admin_de, django_assert_num_queries):
    jefe = servidor_de("SG", "jefe")
    servidores = [jefe, servidor_de("SG", "evaluador")]
    cliente = admin_de(jefe)
    _variadas(4, servidores)
    solicitud = _variadas(1, servidores)[0]
    pocas = _medir(cliente, url_cambio(solicitud))

    # 55 more requests; and on this one: more evaluators to assign to, events by
    # several people, documents, observations and openings by other servants.
    _variadas(55, servidores)
    otros = [servidor_de("SG", "evaluador", nombres=f"Ev{i}" if i % 2 else None) for i in range(8)]
    Evento.objects.bulk_create(
        Evento(solicitud=solicitud, tipo=TipoEvento.ASIGNADA, actor=otros[i % 8], nota=f"nota {i}")
        for i in range(20)
    )
    Adjunto.objects.bulk_create(
        Adjunto(solicitud=solicitud, archivo=f"adjuntos/aa/{i}.pdf", nombre_original=f"doc{i}.pdf",
                tipo_mime="application/pdf", tamano=1000 + i, sha256="0" * 64,
                requerido=solicitud.tramite.adjuntos_requeridos.first(), vigente=bool(i % 2))
        for i in range(6)
    )
    Observacion.objects.bulk_create(
        Observacion(solicitud=solicitud, mensaje=f"obs {i}", creada_por=otros[i], plazo=D(2026, 3, 3))
        for i in range(4)
    )
    AccesoExpediente.objects.bulk_create(
        AccesoExpediente(solicitud=solicitud, usuario=otros[i % 8], oficina="SG", rol="Evaluador")
        for i in range(30)
    )
    with django_assert_num_queries(pocas):
        respuesta = cliente.get(url_cambio(solicitud))
    assert respuesta.status_code == 200
    formularios = {accion.nombre: form for accion, form, _ayuda in respuesta.context["acciones"]}
    assert len(formularios["asignar"].fields["asignado"].queryset) >= 9
