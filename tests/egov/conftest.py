"""Fixtures of the infrastructure tests: the seeded catalog, citizens and a
Redis server of the test's own, as the issued-documents tests build them."""

from tests.tramites.certificados.conftest import (  # noqa: F401 - fixtures shared with those tests
    catalogo,
    ciudadano,
    grupos,
    redis_propio,
    worker,
)
