"""Read-only public API for the catalog (TUPA) and the performance figures.

django-ninja: the schema comes from the type hints, OpenAPI 3.1 is generated
without extra code, and it adds no second framework beside Django's views
(DRF would bring serializers, routers and settings for four read-only GETs)."""

from ninja import NinjaAPI, Schema
from ninja.errors import HttpError

from egov.dominio import NoEncontrado
from tramites import selectors as tramites_selectors

from . import selectors

api = NinjaAPI(
    title="Trámites en línea — datos abiertos",
    version="1",
    description="Catálogo de trámites (TUPA) e indicadores de atención. Licencia CC BY 4.0. Sin datos personales.",
    urls_namespace="api",
    docs_url=None,
)


class TramiteSalida(Schema):
    codigo: str
    slug: str
    nombre: str
    descripcion: str
    requisitos: list[str]
    tasa_soles: str
    porcentaje_uit: str
    gratuito: bool
    plazo_dias_habiles: int
    calificacion: str
    oficina_recepcion: str
    oficina_resolucion: str
    base_legal: str


class Error(Schema):
    detail: str


class Metricas(Schema):
    presentadas: int
    decididas: int
    aprobadas: int
    denegadas: int
    desistidas: int
    no_presentadas: int
    silencio_positivo: int
    en_plazo_pct: float | None
    dias_promedio: float | None
    iniciadas: int
    completadas_pct: float | None
    satisfaccion: float | None
    valoraciones: int
    presenciales: int | None
    adopcion_digital_pct: float | None


class MetricasMes(Metricas):
    mes: str


class MetricasTotal(Metricas):
    pendientes: int
    dias_mediana: float | None


class IndicadoresTramite(Schema):
    slug: str
    codigo: str
    nombre: str
    total: MetricasTotal
    meses: list[MetricasMes]


class Indicadores(Schema):
    generado_el: str
    desde: str
    hasta: str
    total: MetricasTotal
    meses: list[MetricasMes]
    tramites: list[IndicadoresTramite]


def _tramite(t) -> dict:
    return {
        "codigo": t.codigo, "slug": t.slug, "nombre": t.nombre, "descripcion": t.descripcion,
        "requisitos": t.lista_requisitos, "tasa_soles": str(t.tasa), "porcentaje_uit": str(t.porcentaje_uit),
        "gratuito": t.gratuito, "plazo_dias_habiles": t.plazo_dias, "calificacion": t.calificacion,
        "oficina_recepcion": t.oficina_recepcion.nombre, "oficina_resolucion": t.oficina_resolucion.nombre,
        "base_legal": t.base_legal,
    }


@api.get("/tramites", response=list[TramiteSalida], summary="Catálogo de trámites activos")
def tramites(request, q: str = ""):
    # PostgreSQL rejects a NUL in a parameter, and no procedure has one in its text.
    texto = q.replace("\x00", "")[:100]
    return [_tramite(t) for t in tramites_selectors.tramites_publicos(texto=texto)]


@api.get("/tramites/{slug}", response={200: TramiteSalida, 404: Error}, summary="Un trámite del catálogo")
def tramite(request, slug: str):
    try:
        return _tramite(tramites_selectors.tramite_publico(slug=slug))
    except NoEncontrado:
        raise HttpError(404, "No existe un trámite activo con ese identificador.") from None


@api.get("/indicadores", response=Indicadores, summary="Indicadores de los últimos 12 meses")
def indicadores(request):
    return selectors.indicadores()


@api.get("/indicadores/{slug}", response={200: IndicadoresTramite, 404: Error}, summary="Indicadores de un trámite")
def indicadores_tramite(request, slug: str):
    fila = selectors.indicadores_de_tramite(slug=slug)
    if fila is None:
        raise HttpError(404, "No hay indicadores para ese trámite.")
    return fila
