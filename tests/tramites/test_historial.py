"""The entity's past requests (or the demonstration's) are registered through
the same service as everything else: numbered in sequence, with their
timeline, and with the decision time every public figure reads."""


import pytest
from django.core.management import call_command

from tests import factories
from tests.fixtures import en_lima
from tramites.models import Estado, Solicitud, TipoEvento, Tramite
from tramites.services.historial import solicitud_historica_registrar

pytestmark = pytest.mark.django_db

VECINA = {"nombre_completo": "Vecina", "tipo_documento": "DNI", "numero_documento": "00000001"}


def test_una_solicitud_historica_tiene_numero_historial_y_tiempo_de_decision(catalogo):
    tramite = Tramite.objects.get(slug="acceso-a-la-informacion-publica")  # 10 business days
    ciudadano = factories.UsuarioFactory()
    # Filed Monday 2 March 2026, decided Friday 13 March: 9 business days, in time.
    solicitud = solicitud_historica_registrar(
        tramite=tramite, ciudadano=ciudadano, presentada_en=en_lima(2026, 3, 2, 9), estado=Estado.APROBADA,
        decidida_en=en_lima(2026, 3, 13, 16), solicitante=VECINA,
    )
    assert solicitud.expediente == "EXP-2026-000001"
    assert solicitud.estado == Estado.APROBADA
    assert solicitud.dias_habiles_decision == 9
    assert solicitud.dentro_de_plazo is True
    assert list(solicitud.eventos.order_by("pk").values_list("tipo", flat=True)) == [
        TipoEvento.PRESENTADA, TipoEvento.APROBADA,
    ]
    # Numbered in the same sequence as requests filed online.
    otra = solicitud_historica_registrar(
        tramite=tramite, ciudadano=ciudadano, presentada_en=en_lima(2026, 3, 3, 9), estado=Estado.DESISTIDA,
        solicitante=VECINA,
    )
    assert otra.expediente == "EXP-2026-000002" and otra.decidida_en is None
    with pytest.raises(ValueError):
        solicitud_historica_registrar(tramite=tramite, ciudadano=ciudadano, presentada_en=en_lima(2026, 3, 3),
                                      estado=Estado.OBSERVADA, solicitante=VECINA)


def test_el_historial_de_demostracion_pasa_por_el_servicio(catalogo):
    call_command("demo_historial", force=True)
    historicas = Solicitud.objects.filter(ciudadano__email__endswith="@demo.example.pe")
    assert historicas.count() == 60
    assert sorted(historicas.values_list("expediente", flat=True))[0].endswith("-000001")
    assert not historicas.filter(eventos__isnull=True).exists()
    decididas = historicas.exclude(estado=Estado.DESISTIDA)
    assert not decididas.filter(dias_habiles_decision__isnull=True).exists()
    # Run again, nothing more.
    call_command("demo_historial", force=True)
    assert historicas.count() == 60
