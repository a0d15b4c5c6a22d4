"""
Public performance figures: computed with GROUP BY queries in the database
(no loop over requests), cached, and refreshed by beat. No personal data: only
counts, averages and shares per procedure and month.
"""

import datetime
import statistics

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Aggregate, Count, F, FloatField, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from ciudadanos.selectors import personal_habilitado
from egov import paginas
from tramites import selectors as tramites_selectors
from tramites.models import ESTADOS_ABIERTOS, Estado, Solicitud, Tramite

from .models import AtencionPresencial, CostoMensual, Reclamo, Valoracion

CLAVE = "transparencia:indicadores:v1"
VERSION_INDICADORES = "v:indicadores"
DURACION = 6 * 60 * 60


class Mediana(Aggregate):
    """PostgreSQL's percentile_cont(0.5): the median computed by the database."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def meses_recientes(hoy: datetime.date, cantidad: int = 12) -> list[datetime.date]:
    anio, mes = hoy.year, hoy.month
    meses = []
    for _ in range(cantidad):
        meses.append(datetime.date(anio, mes, 1))
        mes -= 1
        if mes == 0:
            anio, mes = anio - 1, 12
    return list(reversed(meses))


def _inicio(mes: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(mes.year, mes.month, 1))


def _mes(valor) -> datetime.date | None:
    if valor is None:
        return None
    if isinstance(valor, datetime.datetime):
        valor = timezone.localtime(valor).date() if timezone.is_aware(valor) else valor.date()
    return valor.replace(day=1)


def _vacio():
    return {
        "presentadas": 0, "decididas": 0, "aprobadas": 0, "denegadas": 0, "desistidas": 0,
        "no_presentadas": 0, "silencio_positivo": 0, "en_plazo": 0, "dias_suma": 0, "dias_n": 0,
        "iniciadas": 0, "completadas": 0, "valoraciones": 0, "puntaje_suma": 0, "presenciales": None,
    }


def _sumar(destino, origen):
    for clave, valor in origen.items():
        if clave == "presenciales":
            if valor is not None:
                destino[clave] = (destino[clave] or 0) + valor
        else:
            destino[clave] += valor


def _derivar(m: dict) -> dict:
    """Shares and averages from the counters (None where there is no data)."""
    m = dict(m)
    m["dias_promedio"] = round(m["dias_suma"] / m["dias_n"], 1) if m["dias_n"] else None
    m["en_plazo_pct"] = round(100 * m["en_plazo"] / m["decididas"], 1) if m["decididas"] else None
    m["completadas_pct"] = round(100 * m["completadas"] / m["iniciadas"], 1) if m["iniciadas"] else None
    m["satisfaccion"] = round(m["puntaje_suma"] / m["valoraciones"], 2) if m["valoraciones"] else None
    m["adopcion_digital_pct"] = (
        round(100 * m["presentadas"] / (m["presentadas"] + m["presenciales"]), 1)
        if m["presenciales"] is not None and (m["presentadas"] + m["presenciales"])
        else None
    )
    return m


def _medianas(desde: datetime.datetime) -> dict:
    """Median business days to a decision per procedure (and overall)."""
    decididas = Solicitud.objects.filter(decidida_en__gte=desde, dias_habiles_decision__isnull=False)
    if connection.vendor == "postgresql":
        por_tramite = dict(
            decididas.values("tramite_id").annotate(m=Mediana("dias_habiles_decision")).values_list("tramite_id", "m")
        )
        total = decididas.aggregate(m=Mediana("dias_habiles_decision"))["m"]
        return {**por_tramite, None: total}
    # SQLite (the embedded default) has no percentile function: the few values
    # of a demo database are ordered here instead.
    valores = {}
    for tramite_id, dias in decididas.values_list("tramite_id", "dias_habiles_decision"):
        valores.setdefault(tramite_id, []).append(dias)
    resultado = {k: statistics.median(v) for k, v in valores.items()}
    todos = [d for v in valores.values() for d in v]
    resultado[None] = statistics.median(todos) if todos else None
    return resultado


def indicadores_calcular(*, hoy: datetime.date | None = None) -> dict:
    hoy = hoy or timezone.localdate()
    meses = meses_recientes(hoy)
    desde = _inicio(meses[0])
    por = {}  # (tramite_id, mes) -> counters

    def celda(tramite_id, mes):
        return por.setdefault((tramite_id, mes), _vacio())

    presentadas = (
        Solicitud.objects.filter(presentada_en__gte=desde)
        .annotate(mes=TruncMonth("presentada_en"))
        .values("tramite_id", "mes", "estado")
        .annotate(n=Count("id"))
        .order_by()
    )
    for fila in presentadas:
        c = celda(fila["tramite_id"], _mes(fila["mes"]))
        c["presentadas"] += fila["n"]
        if fila["estado"] == Estado.DESISTIDA:
            c["desistidas"] += fila["n"]
        elif fila["estado"] == Estado.NO_PRESENTADA:
            c["no_presentadas"] += fila["n"]

    decisiones = (
        Solicitud.objects.filter(decidida_en__gte=desde)
        .annotate(mes=TruncMonth("decidida_en"))
        .values("tramite_id", "mes")
        .annotate(
            n=Count("id"),
            aprobadas=Count("id", filter=Q(estado=Estado.APROBADA)),
            denegadas=Count("id", filter=Q(estado=Estado.DENEGADA)),
            silencio=Count("id", filter=Q(por_silencio=True)),
            en_plazo=Count("id", filter=Q(dentro_de_plazo=True)),
            dias_suma=Sum("dias_habiles_decision"),
            dias_n=Count("dias_habiles_decision"),
        )
        .order_by()
    )
    for fila in decisiones:
        c = celda(fila["tramite_id"], _mes(fila["mes"]))
        c["decididas"] += fila["n"]
        c["aprobadas"] += fila["aprobadas"]
        c["denegadas"] += fila["denegadas"]
        c["silencio_positivo"] += fila["silencio"]
        c["en_plazo"] += fila["en_plazo"]
        c["dias_suma"] += fila["dias_suma"] or 0
        c["dias_n"] += fila["dias_n"]

    iniciadas = (
        Solicitud.objects.filter(creado_en__gte=desde)
        .annotate(mes=TruncMonth("creado_en"))
        .values("tramite_id", "mes")
        .annotate(n=Count("id"), completadas=Count("id", filter=Q(presentada_en__isnull=False)))
        .order_by()
    )
    for fila in iniciadas:
        c = celda(fila["tramite_id"], _mes(fila["mes"]))
        c["iniciadas"] += fila["n"]
        c["completadas"] += fila["completadas"]

    valoraciones = (
        Valoracion.objects.filter(creada_en__gte=desde)
        .annotate(mes=TruncMonth("creada_en"), tramite_id=F("solicitud__tramite_id"))
        .values("tramite_id", "mes")
        .annotate(n=Count("id"), suma=Sum("puntaje"))
        .order_by()
    )
    for fila in valoraciones:
        c = celda(fila["tramite_id"], _mes(fila["mes"]))
        c["valoraciones"] += fila["n"]
        c["puntaje_suma"] += fila["suma"] or 0

    for fila in AtencionPresencial.objects.filter(mes__gte=meses[0]).values("tramite_id", "mes", "cantidad"):
        c = celda(fila["tramite_id"], _mes(fila["mes"]))
        c["presenciales"] = (c["presenciales"] or 0) + fila["cantidad"]

    pendientes = dict(
        Solicitud.objects.filter(estado__in=ESTADOS_ABIERTOS)
        .values("tramite_id").annotate(n=Count("id")).values_list("tramite_id", "n").order_by()
    )
    medianas = _medianas(desde)
    costos = {_mes(c.mes): c.monto for c in CostoMensual.objects.filter(mes__gte=meses[0])}

    tramites = list(Tramite.objects.order_by("nombre").values("id", "slug", "codigo", "nombre", "activo"))
    total_por_mes = {m: _vacio() for m in meses}
    resultado_tramites = []
    for tramite in tramites:
        por_mes = {m: por.get((tramite["id"], m), _vacio()) for m in meses}
        total = _vacio()
        for m, c in por_mes.items():
            _sumar(total, c)
            _sumar(total_por_mes[m], c)
        if not tramite["activo"] and not total["presentadas"] and not total["iniciadas"]:
            continue
        resultado_tramites.append({
            "slug": tramite["slug"], "codigo": tramite["codigo"], "nombre": tramite["nombre"],
            "total": {**_derivar(total), "pendientes": pendientes.get(tramite["id"], 0),
                      "dias_mediana": medianas.get(tramite["id"])},
            "meses": [{"mes": m.isoformat(), **_derivar(c)} for m, c in por_mes.items()],
        })
    total = _vacio()
    for c in total_por_mes.values():
        _sumar(total, c)
    meses_total = []
    for m, c in total_por_mes.items():
        fila = {"mes": m.isoformat(), **_derivar(c)}
        costo = costos.get(m)
        fila["costo_por_transaccion"] = (
            round(float(costo) / c["presentadas"], 2) if costo is not None and c["presentadas"] else None
        )
        meses_total.append(fila)
    costo_total = sum(costos.values()) if costos else None
    reclamos = Reclamo.objects.filter(creado_en__gte=desde).aggregate(
        registrados=Count("id"),
        respondidos=Count("id", filter=Q(estado=Reclamo.Estado.RESPONDIDO)),
        vencidos=Count("id", filter=Q(estado=Reclamo.Estado.REGISTRADO, fecha_limite__lt=hoy)),
    )
    return {
        "generado_el": timezone.localtime().isoformat(timespec="seconds"),
        "desde": meses[0].isoformat(),
        "hasta": hoy.isoformat(),
        "uit_soles": str(settings.UIT_SOLES),
        "total": {
            **_derivar(total),
            "pendientes": sum(pendientes.values()),
            "dias_mediana": medianas.get(None),
            "costo_por_transaccion": (
                round(float(costo_total) / total["presentadas"], 2)
                if costo_total is not None and total["presentadas"] else None
            ),
        },
        "meses": meses_total,
        "tramites": resultado_tramites,
        "reclamos": reclamos,
    }


def indicadores(*, refrescar: bool = False) -> dict:
    """The cached figures (computed now if the cache is empty)."""
    datos = None if refrescar else cache.get(CLAVE)
    if datos is None:
        datos = indicadores_calcular()
        cache.set(CLAVE, datos, DURACION)
        # The public pages showing them are stored under this version (views.py).
        paginas.version_renovar(VERSION_INDICADORES)
    return datos


def indicadores_de_tramite(*, slug: str) -> dict | None:
    datos = indicadores()
    return next((t for t in datos["tramites"] if t["slug"] == slug), None)


# --- Libro de Reclamaciones: who handles which complaint ------------------------------------------


def oficina_del_libro() -> str:
    """Acronym of the office responsible for the Libro de Reclamaciones: it
    handles the complaints addressed to the entity as a whole (no office named)."""
    return settings.LIBRO_RECLAMACIONES_OFICINA


def reclamos_de_personal(*, usuario) -> QuerySet:
    """The complaints a servant may read and answer, scoped as requests are:
    those that name one of their offices, plus those addressed to the entity
    as a whole for the staff of the office responsible for the book; all for a
    superuser; none without a second factor."""
    consulta = Reclamo.objects.all()
    if not personal_habilitado(usuario):
        return consulta.none()
    if usuario.is_superuser:
        return consulta
    oficinas = list(usuario.oficinas.values_list("pk", "sigla"))
    alcance = Q(oficina_id__in=[pk for pk, _sigla in oficinas])
    if any(sigla == oficina_del_libro() for _pk, sigla in oficinas):
        alcance |= Q(oficina__isnull=True)
    return consulta.filter(alcance)


def puede_responder_reclamo(*, usuario, reclamo: Reclamo) -> bool:
    return (
        usuario.has_perm("transparencia.change_reclamo")
        and reclamos_de_personal(usuario=usuario).filter(pk=reclamo.pk).exists()
    )


def version_de_paginas() -> str:
    """What the transparency pages show: the catalog (names of procedures)
    and the figures."""
    return f"{tramites_selectors.catalogo_version()}.{paginas.version(VERSION_INDICADORES)}"


def hoja_emitida(*, codigo: str):
    """The issued sheet of the complaint with this code."""
    from egov.dominio import NoEncontrado
    from egov.models import EstadoDocumento

    from .models import HojaReclamo

    hoja = HojaReclamo.objects.filter(reclamo__codigo=codigo, estado=EstadoDocumento.EMITIDO).first()
    if hoja is None:
        raise NoEncontrado
    return hoja


def reclamo_por_codigo(*, codigo: str):
    """The complaint with this code (the follow-up checks the document), or None."""
    return Reclamo.objects.filter(codigo=codigo).select_related("oficina", "hoja").first()
