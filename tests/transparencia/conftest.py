"""Pieces of the transparency tests: citizens with recognisable personal data
(so the public outputs can be searched for it), the answers their requests
carry, the head of the resolving offices, decisions through the services, and
complaints filed through the service. Catalog, people, requests and admin
clients come from tests/fixtures.py."""

import itertools

import pytest

from tests import factories
from tests.fixtures import DOMICILIO, INFORMACION, persona, servidor_de
from tramites import services
from tramites.models import Solicitud
from tramites.roles import JEFE_DE_OFICINA

# --- People --------------------------------------------------------------------------

_PERSONA = itertools.count(1)

# Personal data that must never reach a public page, file or API response.
NOMBRES = "Eduviges"
APELLIDO_PATERNO = "Quispetupa"
APELLIDO_MATERNO = "Yanamayo"


def nuevo_ciudadano():
    """A citizen with a complete profile and recognisable personal data: a
    unique email, document number and phone."""
    n = next(_PERSONA)
    return persona(
        usuario=factories.UsuarioFactory(email=f"eduviges.quispetupa{n}@correo-privado.pe"),
        nombres=NOMBRES,
        apellido_paterno=APELLIDO_PATERNO,
        apellido_materno=APELLIDO_MATERNO,
        numero_documento=f"{73100000 + n:08d}",
        telefono=f"+51955{n:06d}",
        direccion="Av. Los Sauces 1234",
    )


def datos_personales(usuario) -> list[str]:
    """The values of a citizen that must not appear in public outputs."""
    perfil = usuario.perfil
    return [
        usuario.email, perfil.numero_documento, perfil.telefono, perfil.telefono.removeprefix("+51"),
        perfil.nombres, perfil.apellido_paterno, perfil.apellido_materno, perfil.direccion,
    ]


@pytest.fixture
def jefe(catalogo):
    """Head of both offices that resolve the procedures used here (SG, SGPV)."""
    return servidor_de("SG,SGPV", JEFE_DE_OFICINA)


# The answers of this folder's requests: the address is the citizen's own
# (datos_personales), so a public output that showed the answers would show it.
RESPUESTAS = {
    DOMICILIO: {
        "direccion": "Av. Los Sauces 1234", "distrito": "150101", "tiempo_residencia": "3", "finalidad": "Trabajo",
    },
    INFORMACION: {
        "informacion": "Actas de las sesiones de concejo de enero de 2026.",
        "forma_entrega": "Por correo electrónico (gratuito)",
        "correo_entrega": "entrega@example.pe",
    },
}


def decidir(solicitud, servidor, aprobar=True) -> Solicitud:
    """Takes the request (if nobody has) and approves or denies it."""
    solicitud = Solicitud.objects.get(pk=solicitud.pk)
    if solicitud.estado == "presentada":
        services.solicitud_tomar(solicitud=solicitud, servidor=servidor)
    if aprobar:
        return services.solicitud_aprobar(solicitud=solicitud, servidor=servidor, nota="Conforme.")
    return services.solicitud_denegar(solicitud=solicitud, servidor=servidor, motivo="No cumple los requisitos.")


# --- Libro de Reclamaciones -------------------------------------------------------------------

# A valid DNI with its check digit (stdnum's cui): 10117410-2.
DNI_RECLAMANTE = "10117410"
DNI_RECLAMANTE_CON_DIGITO = "10117410-2"
DNI_DIGITO_ERRADO = "10117410-5"


def datos_reclamo(**cambios) -> dict:
    """What a person types in the Libro de Reclamaciones form."""
    datos = {
        "nombres": "Herminia",
        "apellidos": "Ccahuana Llacsa",
        "tipo_documento": "DNI",
        "numero_documento": DNI_RECLAMANTE_CON_DIGITO,
        "domicilio": "Jr. Las Orquídeas 877, Villa Esperanza",
        "correo": "herminia.ccahuana@correo-privado.pe",
        "telefono": "944 123 987",
        "oficina": "",
        "fecha_hechos": "",
        "hechos": "Fui tres veces a mesa de partes y nadie me atendió.",
        "pedido": "Que me atiendan y me den una respuesta por escrito.",
    }
    datos.update(cambios)
    return datos


DATOS_PERSONALES_RECLAMO = [
    "Herminia", "Ccahuana", "Llacsa", DNI_RECLAMANTE, "herminia.ccahuana@correo-privado.pe",
    "944123987", "Orquídeas",
]


def reclamo_registrar(**cambios):
    """A complaint filed through the service with the form's cleaned data."""
    from transparencia import services as t_services
    from transparencia.forms import ReclamoForm

    form = ReclamoForm(datos_reclamo(**cambios))
    assert form.is_valid(), form.errors
    return t_services.reclamo_registrar(datos=form.cleaned_data)


# --- The WSGI application in the test's transaction ----------------------------------------------


@pytest.fixture
def wsgi_en_la_transaccion(db):
    """Django's WSGI handler closes the database connection when a response
    ends (close_old_connections on request_started/request_finished), which
    inside the test's transaction would close it for good. Django's test client
    disconnects that handler around its requests; this does the same for the
    whole test, so requests made through the bare WSGI app (schemathesis) run in
    this thread, on this connection, and see the rows the test wrote."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
