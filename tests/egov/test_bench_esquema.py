"""make bench grows the requests table with one raw INSERT; it must follow
the schema of today (a new NOT NULL column breaks it where no test looks)."""

import pytest

from ciudadanos.models import Usuario
from tramites.models import Solicitud


@pytest.mark.django_db(transaction=True)
def test_el_bench_de_la_bandeja_llena_la_tabla_con_el_esquema_de_hoy(catalogo):
    from bench.admin import crecer

    Usuario.objects.bulk_create(Usuario(email=f"vecina{n}@example.pe") for n in range(400))
    crecer(50)
    assert Solicitud.objects.count() == 50
    assert not Solicitud.objects.filter(expediente__isnull=True).exists()
