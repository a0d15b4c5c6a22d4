"""The public read-only API: its OpenAPI schema is valid, a property-based run
of schemathesis through Django's WSGI application finds no server error and no
response outside the schema, and the catalog endpoints answer as documented."""

import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings

from tests.fixtures import DOMICILIO, INFORMACION, presentar
from tramites.models import Tramite

from .conftest import RESPUESTAS, nuevo_ciudadano

settings.register_profile(
    "transparencia-api",
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.filter_too_much],
    print_blob=True,
    database=None,  # no .hypothesis/ directory left in the checkout
)

ESQUEMA = "/api/v1/openapi.json"

# Loaded through the WSGI app at import: the schema needs no database.
schema = schemathesis.openapi.from_wsgi(ESQUEMA, get_wsgi_application())


def test_el_esquema_openapi_es_valido(client):
    documento = client.get(ESQUEMA).json()
    assert documento["openapi"].startswith("3.")
    cargado = schemathesis.openapi.from_dict(documento)
    cargado.validate()  # against the OpenAPI 3.x meta-schema
    operaciones = sorted(
        (op.method.upper(), op.path) for op in (r.ok() for r in cargado.get_all_operations())
    )
    assert operaciones == [
        ("GET", "/api/v1/indicadores"),
        ("GET", "/api/v1/indicadores/{slug}"),
        ("GET", "/api/v1/tramites"),
        ("GET", "/api/v1/tramites/{slug}"),
    ]
    # The same document schemathesis read through the WSGI app.
    assert schema.raw_schema == documento


@schema.parametrize()
@settings(settings.get_profile("transparencia-api"))
def test_la_api_cumple_su_esquema(case, catalogo, wsgi_en_la_transaccion):
    """No 5xx, and status codes, content types, headers and bodies as the
    schema says, for generated paths and queries. The database (the same
    connection: the WSGI app runs in this thread) holds the catalog and a
    filed request, so the indicator endpoints have figures to serialise."""
    if not Tramite.objects.filter(slug=INFORMACION, solicitudes__isnull=False).exists():
        presentar(nuevo_ciudadano(), INFORMACION, **RESPUESTAS[INFORMACION])
    case.call_and_validate()


def test_lista_los_tramites_activos_con_su_tasa(catalogo, client):
    Tramite.objects.filter(slug="matrimonio-civil").update(activo=False)
    respuesta = client.get("/api/v1/tramites")
    assert respuesta.status_code == 200
    assert respuesta["Content-Type"].startswith("application/json")
    tramites = {t["slug"]: t for t in respuesta.json()}
    assert set(tramites) == set(Tramite.objects.filter(activo=True).values_list("slug", flat=True))
    assert "matrimonio-civil" not in tramites
    domicilio = tramites[DOMICILIO]
    assert domicilio["codigo"] == "MDVE-001"
    assert domicilio["tasa_soles"] == "15.00"
    assert domicilio["gratuito"] is False
    assert domicilio["plazo_dias_habiles"] == 5
    assert domicilio["calificacion"] == "positivo"
    assert domicilio["oficina_resolucion"] == "Subgerencia de Participación Vecinal"
    assert domicilio["requisitos"][0].startswith("Solicitud con carácter de declaración jurada")
    informacion = tramites[INFORMACION]
    assert (informacion["tasa_soles"], informacion["gratuito"]) == ("0.00", True)


def test_busca_en_el_catalogo(catalogo, client):
    slugs = [t["slug"] for t in client.get("/api/v1/tramites", {"q": "domicilio"}).json()]
    assert slugs == [DOMICILIO]


def test_una_busqueda_con_un_caracter_nul_no_rompe_la_api(catalogo, client):
    # Found by schemathesis: PostgreSQL rejects NUL in a parameter (it was a 500).
    respuesta = client.get("/api/v1/tramites", {"q": "domi\x00cilio"})
    assert respuesta.status_code == 200
    assert [t["slug"] for t in respuesta.json()] == [DOMICILIO]


def test_los_404_estan_en_el_esquema(client):
    rutas = client.get(ESQUEMA).json()["paths"]
    for ruta in ("/api/v1/tramites/{slug}", "/api/v1/indicadores/{slug}"):
        assert set(rutas[ruta]["get"]["responses"]) == {"200", "404"}, ruta


def test_un_tramite_por_su_slug(catalogo, client):
    respuesta = client.get(f"/api/v1/tramites/{DOMICILIO}")
    assert respuesta.status_code == 200
    assert respuesta.json()["nombre"] == "Obtener la constancia de domicilio"


def test_slug_desconocido_da_404_en_json(catalogo, client):
    for url in ("/api/v1/tramites/no-existe", "/api/v1/indicadores/no-existe"):
        respuesta = client.get(url)
        assert respuesta.status_code == 404, url
        assert respuesta["Content-Type"].startswith("application/json"), url
        assert respuesta.json()["detail"].startswith("No ")


def test_un_tramite_inactivo_no_se_publica(catalogo, client):
    Tramite.objects.filter(slug=DOMICILIO).update(activo=False)
    assert client.get(f"/api/v1/tramites/{DOMICILIO}").status_code == 404
