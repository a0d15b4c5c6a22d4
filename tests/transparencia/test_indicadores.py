"""The public figures checked against numbers worked out by hand on a small
history filed through the services in July and August 2026 (Lima time), with
Fiestas Patrias (28 and 29 July), an entity non-working day (Monday 27 July),
an observation whose paused days do not count, a late decision, a silencio
positivo, a withdrawal, a request deemed not filed, a draft never filed, a
weekend filing, ratings, an in-person count and monthly costs.

Business days of the period (holidays and the entity's day off in brackets):

    July:   1 2 3 | 6-10 | 13-17 | 20 21 22 [23] 24 | [27] [28] [29] 30 31
    August: 3 4 5 [6] 7 | 10-14 | 17-21 | 24-28 | 31
"""

import datetime
from contextlib import contextmanager
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.fixtures import DOMICILIO, INFORMACION, borrador_completo, en_lima, fresca, presentar
from tramites import services
from tramites.models import DiaNoLaborable, Estado, Solicitud, Tramite
from transparencia import selectors
from transparencia import services as t_services
from transparencia.models import AtencionPresencial, CostoMensual, Reclamo, Valoracion

from .conftest import (
    DATOS_PERSONALES_RECLAMO,
    RESPUESTAS,
    datos_personales,
    decidir,
    nuevo_ciudadano,
    reclamo_registrar,
)

D = datetime.date
HOY = D(2026, 8, 31)


@contextmanager
def el(anio, mes, dia, hora=10, minuto=0):
    with time_machine.travel(en_lima(anio, mes, dia, hora, minuto), tick=False):
        yield


@pytest.fixture
def historia(catalogo, jefe):
    """The seeded history. Its requests (A = constancia de domicilio, 5
    business days, silencio positivo; B = acceso a la información, 10 business
    days, silencio negativo), with the business days each decision took:

    A1 filed Wed 1 Jul, due 8 Jul, approved Tue 7 Jul: 2 3 6 7 = 4 days, in time.
    A3 filed Mon 6 Jul, due 13 Jul, approved Thu 16 Jul: 7-10 13-16 = 8 days, late.
    A4 filed Mon 13 Jul, due 20 Jul, approved by silencio positivo on Tue 21 Jul:
       14-17 20 21 = 6 days, not "in time" (the entity did not decide).
    A5 filed Tue 14 Jul, withdrawn Wed 15 Jul.
    A6 a draft started Fri 10 Jul, never filed.
    A2 filed Wed 22 Jul, due 4 Aug; observed Fri 24 Jul, corrected Fri 31 Jul
       (30 31 = 2 paused days: due 7 Aug); denied Wed 5 Aug:
       24 30 31 3 4 5 = 6 days - 2 paused = 4 days, in time.
    A7 filed Mon 3 Aug, observed Tue 4 Aug (correct by Fri 7 Aug), not
       corrected: no presentada on Mon 10 Aug.
    B1 filed Fri 31 Jul at 21:30 in Lima (already 1 August in UTC: a July
       filing), due 17 Aug, approved Mon 10 Aug: 3 4 5 7 10 = 5 days, in time.
    B2 filed Saturday 1 Aug: counts from Monday 3 Aug, due 18 Aug; denied Wed
       12 Aug: 4 5 7 10 11 12 = 6 days, in time.
    B3 filed Mon 17 Aug, still pending.
    B0 filed and approved in August 2025: outside the 12 months to 31 Aug 2026.
    """
    DiaNoLaborable.objects.create(fecha=D(2026, 7, 27), motivo="Día no laborable compensable")
    c = {n: nuevo_ciudadano() for n in ("A1", "A2", "A3", "A4", "A5", "A6", "A7", "B0", "B1", "B2", "B3")}
    s = {}

    with el(2025, 8, 18):
        s["B0"] = presentar(c["B0"], INFORMACION, **RESPUESTAS[INFORMACION])
    with el(2025, 8, 20):
        decidir(s["B0"], jefe)
    with el(2025, 8, 21):
        t_services.valoracion_registrar(solicitud=fresca(s["B0"]), ciudadano=c["B0"], puntaje=1)

    with el(2026, 7, 1):
        s["A1"] = presentar(c["A1"], DOMICILIO, **RESPUESTAS[DOMICILIO])
        reclamo_registrar()  # due 19 Aug, never answered: overdue on 31 Aug
    with el(2026, 7, 6):
        s["A3"] = presentar(c["A3"], DOMICILIO, **RESPUESTAS[DOMICILIO])
    with el(2026, 7, 7, 11):
        decidir(s["A1"], jefe)
    with el(2026, 7, 8):
        t_services.valoracion_registrar(solicitud=fresca(s["A1"]), ciudadano=c["A1"], puntaje=5,
                                        comentario="Muy rápido, gracias.")
    with el(2026, 7, 10):
        s["A6"] = borrador_completo(c["A6"], DOMICILIO, **RESPUESTAS[DOMICILIO])
    with el(2026, 7, 13):
        s["A4"] = presentar(c["A4"], DOMICILIO, **RESPUESTAS[DOMICILIO])
    with el(2026, 7, 14):
        s["A5"] = presentar(c["A5"], DOMICILIO, **RESPUESTAS[DOMICILIO])
    with el(2026, 7, 15):
        services.solicitud_desistir(solicitud=s["A5"], ciudadano=c["A5"], motivo="Ya no la necesito.")
    with el(2026, 7, 16):
        decidir(s["A3"], jefe)
    with el(2026, 7, 17):
        t_services.valoracion_registrar(solicitud=fresca(s["A3"]), ciudadano=c["A3"], puntaje=2)
    with el(2026, 7, 21, 6):
        assert services.plazos_vencidos_procesar() == {
            "no_presentadas": 0, "silencio_positivo": 1, "silencio_negativo": 0,
        }
    with el(2026, 7, 22):
        s["A2"] = presentar(c["A2"], DOMICILIO, **RESPUESTAS[DOMICILIO])
    with el(2026, 7, 24):
        services.solicitud_tomar(solicitud=s["A2"], servidor=jefe)
        services.solicitud_observar(solicitud=s["A2"], servidor=jefe, mensaje="Adjunte un recibo legible.")
    with el(2026, 7, 31, 9):
        services.solicitud_subsanar(solicitud=s["A2"], ciudadano=c["A2"], nota="Adjunto el recibo.")
    with el(2026, 7, 31, 21, 30):
        s["B1"] = presentar(c["B1"], INFORMACION, **RESPUESTAS[INFORMACION])
    with el(2026, 8, 1):
        s["B2"] = presentar(c["B2"], INFORMACION, **RESPUESTAS[INFORMACION])
    with el(2026, 8, 3):
        s["A7"] = presentar(c["A7"], DOMICILIO, **RESPUESTAS[DOMICILIO])
        reclamo = reclamo_registrar()
    with el(2026, 8, 4):
        services.solicitud_observar(solicitud=s["A7"], servidor=jefe, mensaje="Falta el recibo.")
    with el(2026, 8, 5):
        decidir(s["A2"], jefe, aprobar=False)
    with el(2026, 8, 6):
        t_services.valoracion_registrar(solicitud=fresca(s["A2"]), ciudadano=c["A2"], puntaje=1)
    with el(2026, 8, 10, 6):
        assert services.plazos_vencidos_procesar() == {
            "no_presentadas": 1, "silencio_positivo": 0, "silencio_negativo": 0,
        }
    with el(2026, 8, 10):
        decidir(s["B1"], jefe)
        t_services.reclamo_responder(reclamo=reclamo, servidor=jefe, respuesta="Lo sentimos: ya lo atendimos.")
    with el(2026, 8, 11):
        t_services.valoracion_registrar(solicitud=fresca(s["B1"]), ciudadano=c["B1"], puntaje=4)
    with el(2026, 8, 12):
        decidir(s["B2"], jefe, aprobar=False)
    with el(2026, 8, 17):
        s["B3"] = presentar(c["B3"], INFORMACION, **RESPUESTAS[INFORMACION])
    with el(2026, 8, 20):
        reclamo_registrar()  # due in October: pending, not overdue

    domicilio = Tramite.objects.get(slug=DOMICILIO)
    AtencionPresencial.objects.create(tramite=domicilio, mes=D(2026, 7, 1), cantidad=15)
    AtencionPresencial.objects.create(tramite=Tramite.objects.get(slug=INFORMACION), mes=D(2025, 8, 1), cantidad=99)
    CostoMensual.objects.create(mes=D(2026, 7, 1), monto=Decimal("330.00"))
    CostoMensual.objects.create(mes=D(2026, 8, 1), monto=Decimal("90.00"))
    CostoMensual.objects.create(mes=D(2025, 8, 1), monto=Decimal("1000.00"))
    return {"solicitudes": {k: fresca(v) for k, v in s.items()}, "ciudadanos": c}


def _mes(datos, mes):
    return next(m for m in datos["meses"] if m["mes"] == mes)


def _tramite(datos, slug):
    return next(t for t in datos["tramites"] if t["slug"] == slug)


def _sub(fila, claves):
    return {k: fila[k] for k in claves}


CLAVES = [
    "presentadas", "decididas", "aprobadas", "denegadas", "desistidas", "no_presentadas",
    "silencio_positivo", "en_plazo_pct", "dias_promedio", "iniciadas", "completadas_pct",
    "satisfaccion", "valoraciones", "presenciales", "adopcion_digital_pct",
]


def fila(presentadas=0, decididas=0, aprobadas=0, denegadas=0, desistidas=0, no_presentadas=0,
         silencio_positivo=0, en_plazo_pct=None, dias_promedio=None, iniciadas=0, completadas_pct=None,
         satisfaccion=None, valoraciones=0, presenciales=None, adopcion_digital_pct=None):
    return dict(locals())


VACIA = fila()


def test_cada_decision_guarda_sus_dias_habiles_sin_las_pausas(historia):
    s = historia["solicitudes"]
    medidas = {
        k: (v.estado, v.dias_habiles_decision, v.dentro_de_plazo, v.por_silencio)
        for k, v in s.items() if k != "B0"
    }
    assert medidas == {
        "A1": (Estado.APROBADA, 4, True, False),
        "A2": (Estado.DENEGADA, 4, True, False),  # 6 business days minus 2 observed
        "A3": (Estado.APROBADA, 8, False, False),
        "A4": (Estado.APROBADA, 6, False, True),
        "A5": (Estado.DESISTIDA, None, None, False),
        "A6": (Estado.BORRADOR, None, None, False),
        "A7": (Estado.NO_PRESENTADA, None, None, False),
        "B1": (Estado.APROBADA, 5, True, False),
        "B2": (Estado.DENEGADA, 6, True, False),  # filed on Saturday: counts from Monday
        "B3": (Estado.PRESENTADA, None, None, False),
    }
    assert s["A2"].fecha_limite == D(2026, 8, 7)  # 4 Aug moved by the 2 paused days
    assert s["B2"].fecha_limite == D(2026, 8, 18)
    assert timezone.localtime(s["B1"].presentada_en).date() == D(2026, 7, 31)
    assert s["B1"].presentada_en.astimezone(datetime.UTC).date() == D(2026, 8, 1)


def test_totales_de_los_ultimos_doce_meses(historia):
    datos = selectors.indicadores_calcular(hoy=HOY)
    assert datos["desde"] == "2025-09-01" and datos["hasta"] == "2026-08-31"
    total = datos["total"]
    assert _sub(total, CLAVES) == fila(
        presentadas=9, decididas=6, aprobadas=4, denegadas=2, desistidas=1, no_presentadas=1,
        silencio_positivo=1,
        en_plazo_pct=66.7,  # A1 A2 B1 B2 of 6
        dias_promedio=5.5,  # (4 + 8 + 6 + 4 + 5 + 6) / 6
        iniciadas=10, completadas_pct=90.0,  # A6 never filed
        satisfaccion=3.0, valoraciones=4,  # (5 + 2 + 1 + 4) / 4; the 2025 rating is out
        presenciales=15, adopcion_digital_pct=37.5,  # 9 / (9 + 15)
    )
    assert total["dias_mediana"] == 5.5  # 4 4 5 | 6 6 8
    assert total["pendientes"] == 1  # B3
    assert total["costo_por_transaccion"] == 46.67  # (330 + 90) / 9
    assert datos["reclamos"] == {"registrados": 3, "respondidos": 1, "vencidos": 1}


def test_filas_por_mes(historia):
    datos = selectors.indicadores_calcular(hoy=HOY)
    assert [m["mes"] for m in datos["meses"]] == [
        f"{a}-{m:02d}-01" for a, m in [(2025, m) for m in range(9, 13)] + [(2026, m) for m in range(1, 9)]
    ]
    julio, agosto = _mes(datos, "2026-07-01"), _mes(datos, "2026-08-01")
    assert _sub(julio, CLAVES) == fila(
        presentadas=6,  # A1 A3 A4 A5 A2 and B1 (21:30 on 31 July in Lima)
        decididas=3, aprobadas=3, silencio_positivo=1, desistidas=1,  # A1 A3 A4; A5
        en_plazo_pct=33.3, dias_promedio=6.0,  # (4 + 8 + 6) / 3
        iniciadas=7, completadas_pct=85.7,  # 6 of 7 drafts started in July
        satisfaccion=3.5, valoraciones=2,
        presenciales=15, adopcion_digital_pct=28.6,  # 6 / 21
    )
    assert julio["costo_por_transaccion"] == 55.0  # 330 / 6
    assert _sub(agosto, CLAVES) == fila(
        presentadas=3, no_presentadas=1,  # A7 B2 B3
        decididas=3, aprobadas=1, denegadas=2,  # A2 B1 B2
        en_plazo_pct=100.0, dias_promedio=5.0,  # (4 + 5 + 6) / 3
        iniciadas=3, completadas_pct=100.0,
        satisfaccion=2.5, valoraciones=2,  # (1 + 4) / 2
    )
    assert agosto["costo_por_transaccion"] == 30.0  # 90 / 3
    for m in datos["meses"]:
        if m["mes"] not in ("2026-07-01", "2026-08-01"):
            assert _sub(m, CLAVES) == VACIA, m["mes"]
            assert m["costo_por_transaccion"] is None


def test_filas_por_tramite(historia):
    datos = selectors.indicadores_calcular(hoy=HOY)
    a, b = _tramite(datos, DOMICILIO), _tramite(datos, INFORMACION)
    assert _sub(a["total"], CLAVES) == fila(
        presentadas=6, decididas=4, aprobadas=3, denegadas=1, desistidas=1, no_presentadas=1,
        silencio_positivo=1, en_plazo_pct=50.0, dias_promedio=5.5,  # (4 + 8 + 6 + 4) / 4
        iniciadas=7, completadas_pct=85.7, satisfaccion=2.67, valoraciones=3,  # 8 / 3
        presenciales=15, adopcion_digital_pct=28.6,  # 6 / 21
    )
    assert (a["total"]["dias_mediana"], a["total"]["pendientes"]) == (5.0, 0)  # 4 4 | 6 8
    assert _sub(b["total"], CLAVES) == fila(
        presentadas=3, decididas=2, aprobadas=1, denegadas=1, en_plazo_pct=100.0, dias_promedio=5.5,
        iniciadas=3, completadas_pct=100.0, satisfaccion=4.0, valoraciones=1,
    )
    assert (b["total"]["dias_mediana"], b["total"]["pendientes"]) == (5.5, 1)

    assert _sub(_mes(a, "2026-07-01"), CLAVES) == fila(
        presentadas=5, decididas=3, aprobadas=3, desistidas=1, silencio_positivo=1, en_plazo_pct=33.3,
        dias_promedio=6.0, iniciadas=6, completadas_pct=83.3, satisfaccion=3.5, valoraciones=2,
        presenciales=15, adopcion_digital_pct=25.0,  # 5 / 20
    )
    assert _sub(_mes(a, "2026-08-01"), CLAVES) == fila(
        presentadas=1, no_presentadas=1, decididas=1, denegadas=1, en_plazo_pct=100.0, dias_promedio=4.0,
        iniciadas=1, completadas_pct=100.0, satisfaccion=1.0, valoraciones=1,
    )
    assert _sub(_mes(b, "2026-07-01"), CLAVES) == fila(presentadas=1, iniciadas=1, completadas_pct=100.0)
    assert _sub(_mes(b, "2026-08-01"), CLAVES) == fila(
        presentadas=2, decididas=2, aprobadas=1, denegadas=1, en_plazo_pct=100.0, dias_promedio=5.5,
        iniciadas=2, completadas_pct=100.0, satisfaccion=4.0, valoraciones=1,
    )
    # Active procedures without requests are listed, with empty figures.
    otros = [t for t in datos["tramites"] if t["slug"] not in (DOMICILIO, INFORMACION)]
    assert len(otros) == Tramite.objects.filter(activo=True).count() - 2
    for t in otros:
        assert _sub(t["total"], CLAVES) == VACIA
        assert t["total"]["dias_mediana"] is None


def test_los_meses_suman_el_total(historia):
    datos = selectors.indicadores_calcular(hoy=HOY)
    for clave in ("presentadas", "decididas", "aprobadas", "denegadas", "desistidas", "silencio_positivo",
                  "iniciadas", "valoraciones"):
        assert sum(m[clave] for m in datos["meses"]) == datos["total"][clave], clave
        assert sum(t["total"][clave] for t in datos["tramites"]) == datos["total"][clave], clave


def test_indicadores_se_guardan_en_cache_y_se_refrescan(historia):
    with el(2026, 8, 31):
        primero = selectors.indicadores(refrescar=True)
        assert primero["total"]["presentadas"] == 9
        with el(2026, 8, 31, 11):
            presentar(nuevo_ciudadano(), INFORMACION, **RESPUESTAS[INFORMACION])
        assert selectors.indicadores()["total"]["presentadas"] == 9  # cached
        assert selectors.indicadores(refrescar=True)["total"]["presentadas"] == 10


# --- Bounded queries -----------------------------------------------------------------------------

LIMITE_CONSULTAS = 12


def _en_bloque(cantidad, tramites, ciudadano):
    """Requests in every state over several months, written directly (fast)."""
    estados = [Estado.APROBADA, Estado.DENEGADA, Estado.DESISTIDA, Estado.PRESENTADA, Estado.NO_PRESENTADA]
    filas = []
    for i in range(cantidad):
        presentada = timezone.make_aware(datetime.datetime(2026, 1 + i % 7, 2 + i % 20, 10))
        estado = estados[i % len(estados)]
        decidida = estado in (Estado.APROBADA, Estado.DENEGADA)
        filas.append(Solicitud(
            expediente=f"EXP-2099-{i + 1:06d}-{cantidad}", tramite=tramites[i % len(tramites)],
            ciudadano=ciudadano, estado=estado, declaracion_jurada=True, presentada_en=presentada,
            fecha_limite=presentada.date() + datetime.timedelta(days=10),
            decidida_en=presentada + datetime.timedelta(days=5) if decidida else None,
            dias_habiles_decision=i % 9 if decidida else None,
            dentro_de_plazo=(i % 2 == 0) if decidida else None,
        ))
    creadas = Solicitud.objects.bulk_create(filas)
    Valoracion.objects.bulk_create(
        Valoracion(solicitud=s, puntaje=1 + i % 5) for i, s in enumerate(creadas) if s.estado == Estado.APROBADA
    )


@pytest.mark.parametrize("cantidad", [5, 50])
def test_consultas_acotadas_sin_importar_cuantas_solicitudes(catalogo, cantidad, django_assert_max_num_queries):
    ciudadano = nuevo_ciudadano()
    tramites = list(Tramite.objects.all())
    _en_bloque(cantidad, tramites, ciudadano)
    for t in tramites:
        AtencionPresencial.objects.create(tramite=t, mes=D(2026, 3, 1), cantidad=4)
    CostoMensual.objects.create(mes=D(2026, 3, 1), monto=Decimal("100"))
    reclamo_registrar()
    with django_assert_max_num_queries(LIMITE_CONSULTAS):
        datos = selectors.indicadores_calcular(hoy=HOY)
    assert datos["total"]["presentadas"] == cantidad


def test_mismas_consultas_con_5_y_con_50_solicitudes(catalogo):
    ciudadano = nuevo_ciudadano()
    tramites = list(Tramite.objects.all())
    cuentas = []
    for cantidad in (5, 45):  # 5, then 50
        _en_bloque(cantidad, tramites, ciudadano)
        with CaptureQueriesContext(connection) as consultas:
            datos = selectors.indicadores_calcular(hoy=HOY)
        cuentas.append(len(consultas))
    assert datos["total"]["presentadas"] == 50
    assert cuentas[0] == cuentas[1] <= LIMITE_CONSULTAS


# --- No personal data in public outputs ----------------------------------------------------------

SALIDAS_PUBLICAS = {  # each public output, and a figure of the history it must show
    "/transparencia/": '<p class="indicador">66.7 %</p>',
    f"/transparencia/{DOMICILIO}/": '<p class="indicador">50.0 %</p>',
    f"/transparencia/{INFORMACION}/": '<p class="indicador">100.0 %</p>',
    "/datos-abiertos/": None,
    "/datos-abiertos/indicadores.csv": ",TOTAL,2026-07-01,6,3,3,0,1,0,1,33.3,6.0,7,85.7,3.5,2,15,28.6",
    "/datos-abiertos/indicadores.json": '"en_plazo_pct": 66.7',
    "/datos-abiertos/tupa.csv": "MDVE-001",
    "/datos-abiertos/tupa.json": "MDVE-001",
    "/api/v1/tramites": "MDVE-001",
    f"/api/v1/tramites/{DOMICILIO}": "MDVE-001",
    "/api/v1/indicadores": '"en_plazo_pct": 66.7',
    f"/api/v1/indicadores/{DOMICILIO}": '"en_plazo_pct": 50.0',
    f"/api/v1/indicadores/{INFORMACION}": '"en_plazo_pct": 100.0',
    "/api/v1/openapi.json": None,
}


def test_ninguna_salida_publica_tiene_datos_personales(historia, client):
    prohibidos = set(DATOS_PERSONALES_RECLAMO)
    for ciudadano in historia["ciudadanos"].values():
        prohibidos.update(datos_personales(ciudadano))
    prohibidos.update(s.expediente for s in historia["solicitudes"].values() if s.expediente)
    prohibidos.update(Reclamo.objects.values_list("codigo", flat=True))
    prohibidos.update(["Muy rápido, gracias.", "Adjunte un recibo legible."])
    with el(2026, 8, 31):
        for url, cifra in SALIDAS_PUBLICAS.items():
            respuesta = client.get(url)
            assert respuesta.status_code == 200, url
            contenido = respuesta.content.decode()
            # The history's figures are there…
            if cifra:
                assert cifra in contenido, f"{url} no muestra {cifra!r}"
            # …and nobody's personal data.
            encontrados = sorted(p for p in prohibidos if p.lower() in contenido.lower())
            assert not encontrados, f"{url} muestra datos personales: {encontrados}"
        assert client.get("/datos-abiertos/indicadores.json").json()["total"]["presentadas"] == 9
        assert client.get("/api/v1/indicadores").json()["total"]["presentadas"] == 9
        assert client.get(f"/api/v1/indicadores/{DOMICILIO}").json()["total"]["presentadas"] == 6


@pytest.mark.parametrize("dia", [D(2026, 7, 28), D(2026, 8, 1)], ids=["feriado", "sabado"])
def test_presentada_en_dia_inhabil_y_decidida_el_ultimo_dia_del_plazo(catalogo, jefe, dia):
    """Counting starts from the next business day, as for the due date: a
    decision on the last day took exactly the legal term (10 business days)."""
    with el(dia.year, dia.month, dia.day):
        solicitud = presentar(nuevo_ciudadano(), INFORMACION, **RESPUESTAS[INFORMACION])
    limite = solicitud.fecha_limite
    assert limite == {D(2026, 7, 28): D(2026, 8, 14), D(2026, 8, 1): D(2026, 8, 18)}[dia]
    with el(limite.year, limite.month, limite.day, 17):
        decidir(solicitud, jefe)
    solicitud = fresca(solicitud)
    assert (solicitud.dias_habiles_decision, solicitud.dentro_de_plazo) == (10, True)
