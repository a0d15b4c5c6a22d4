"""Who may do what: each role × each staff action × own office / other office,
through the transition service (the only path), and the actions the admin
offers (selectors.acciones_disponibles and the change page's buttons)."""

import re

import pytest

from tests.fixtures import INFORMACION, ROLES, fresca, presentar, servidor_de
from tramites import selectors, services
from tramites.models import Estado, Evento, Observacion, TipoEvento
from tramites.roles import PERMISOS

from .conftest import correos_de_estado, en_bloque, foto, url_accion, url_cambio

ACCIONES = ("tomar", "asignar", "observar", "aprobar", "denegar")

# The expected matrix, written out by hand from what each role is for.
PERMITIDAS = {
    "mesa": {"observar", "asignar"},
    "evaluador": {"tomar", "observar", "aprobar", "denegar"},
    "jefe": {"tomar", "asignar", "observar", "aprobar", "denegar"},
    "catalogo": set(),
    "sin_grupo": set(),
    "superusuario": {"tomar", "asignar", "observar", "aprobar", "denegar"},
}
# Acronym of the actor's office. The request is an "acceso a la información
# pública": received by MPA, resolved by SG; SGPV has nothing to do with it.
OFICINAS = {"resuelve": "SG", "recibe": "MPA", "otra": "SGPV"}

ORIGEN = {
    "tomar": Estado.PRESENTADA,
    "asignar": Estado.PRESENTADA,
    "observar": Estado.PRESENTADA,
    "aprobar": Estado.EN_EVALUACION,
    "denegar": Estado.EN_EVALUACION,
}
DESTINO = {
    "tomar": (Estado.EN_EVALUACION, TipoEvento.TOMADA),
    "asignar": (Estado.EN_EVALUACION, TipoEvento.ASIGNADA),
    "observar": (Estado.OBSERVADA, TipoEvento.OBSERVADA),
    "aprobar": (Estado.APROBADA, TipoEvento.APROBADA),
    "denegar": (Estado.DENEGADA, TipoEvento.DENEGADA),
}


# Taking, approving and denying belong to the office that resolves: the front
# desk (the office that receives) may observe and assign, never decide.
DECISIONES = {"tomar", "aprobar", "denegar"}


def permitida(rol, oficina, accion) -> bool:
    if rol == "superusuario":
        return accion in PERMITIDAS[rol]
    if oficina == "otra" or (oficina == "recibe" and accion in DECISIONES):
        return False
    return accion in PERMITIDAS[rol]


def actor_de(rol, oficina):
    sigla = OFICINAS[oficina]
    if rol == "superusuario":
        return servidor_de(sigla, superusuario=True)
    if rol == "sin_grupo":
        return servidor_de(sigla)
    return servidor_de(sigla, rol)


def ejecutar(accion, solicitud, actor, evaluador):
    if accion == "tomar":
        return services.solicitud_tomar(solicitud=solicitud, servidor=actor)
    if accion == "asignar":
        return services.solicitud_asignar(solicitud=solicitud, servidor=actor, asignado=evaluador)
    if accion == "observar":
        return services.solicitud_observar(
            solicitud=solicitud, servidor=actor, mensaje="Precisa el periodo de las actas."
        )
    if accion == "aprobar":
        return services.solicitud_aprobar(solicitud=solicitud, servidor=actor, nota="Se entrega por correo.")
    return services.solicitud_denegar(solicitud=solicitud, servidor=actor, motivo="La información no existe.")


def test_la_matriz_esperada_coincide_con_los_permisos_de_roles_py():
    for clave, grupo in ROLES.items():
        segun_roles = {a for a in ACCIONES if f"{a}_solicitud" in PERMISOS[grupo]}
        assert segun_roles == PERMITIDAS[clave], grupo


@pytest.mark.parametrize("oficina", OFICINAS)
@pytest.mark.parametrize("rol", PERMITIDAS)
@pytest.mark.parametrize("accion", ACCIONES)
def test_matriz_de_permisos(catalogo, ciudadano, al_confirmar, mailoutbox, rol, oficina, accion):
    solicitud = presentar(ciudadano, INFORMACION)
    jefe_sg = servidor_de("SG", "jefe")
    evaluador = servidor_de("SG", "evaluador")
    if ORIGEN[accion] == Estado.EN_EVALUACION:
        services.solicitud_tomar(solicitud=solicitud, servidor=jefe_sg)
    solicitud = fresca(solicitud)
    assert solicitud.estado == ORIGEN[accion]
    actor = actor_de(rol, oficina)
    antes = foto(solicitud)

    if permitida(rol, oficina, accion):
        with al_confirmar():
            ejecutar(accion, solicitud, actor, evaluador)
        despues = fresca(solicitud)
        estado, tipo = DESTINO[accion]
        assert despues.estado == estado
        nuevos = Evento.objects.filter(solicitud=solicitud).exclude(pk__in=[pk for pk, _ in antes["eventos"]])
        # Exactly one transition, by this servant (approval may add the issued
        # certificate's event, which changes no state).
        assert [(e.tipo, e.actor_id, e.estado_anterior, e.estado_nuevo) for e in nuevos
                if e.tipo != TipoEvento.DOCUMENTO_EMITIDO] == [(tipo, actor.pk, ORIGEN[accion], estado)]
        if accion == "tomar":
            assert despues.asignado_a_id == actor.pk
        elif accion == "asignar":
            assert despues.asignado_a_id == evaluador.pk
        elif accion == "observar":
            assert Observacion.objects.filter(solicitud=solicitud, creada_por=actor).count() == 1
        else:
            assert despues.decidida_en is not None
        # A decision or an observation is alerted at once; taking a request
        # is routine news, left for the day's digest.
        legal = accion not in ("tomar", "asignar")
        assert [m.to for m in correos_de_estado(mailoutbox)] == ([[ciudadano.email]] if legal else [])
    else:
        with al_confirmar():
            with pytest.raises(services.TransicionNoPermitida) as error:
                ejecutar(accion, solicitud, actor, evaluador)
        assert str(error.value)  # a message for the person, in Spanish
        assert foto(solicitud) == antes
        assert mailoutbox == []


@pytest.mark.parametrize("oficina", OFICINAS)
@pytest.mark.parametrize("rol", PERMITIDAS)
def test_acciones_disponibles_ofrece_exactamente_las_permitidas(catalogo, ciudadano, rol, oficina):
    presentada = presentar(ciudadano, INFORMACION)
    en_evaluacion = en_bloque(1, ciudadano=ciudadano, estado=Estado.EN_EVALUACION,
                              asignado=servidor_de("SG", "jefe"))[0]
    actor = actor_de(rol, oficina)
    esperadas = {a for a in ACCIONES if permitida(rol, oficina, a)}

    ofrecidas = selectors.acciones_disponibles(solicitud=fresca(presentada), usuario=actor)
    assert set(ofrecidas) == esperadas & {"tomar", "asignar", "observar"}
    ofrecidas = selectors.acciones_disponibles(solicitud=fresca(en_evaluacion), usuario=actor)
    assert set(ofrecidas) == esperadas & {"asignar", "observar", "aprobar", "denegar"}


@pytest.mark.parametrize("rol", PERMITIDAS)
def test_la_ficha_del_admin_ofrece_solo_las_decisiones_permitidas(catalogo, ciudadano, admin_de, rol):
    presentada = presentar(ciudadano, INFORMACION)
    en_evaluacion = en_bloque(1, ciudadano=ciudadano, estado=Estado.EN_EVALUACION,
                              asignado=servidor_de("SG", "jefe"))[0]
    servidor_de("SG", "evaluador")  # someone to assign to
    actor = actor_de(rol, "resuelve")
    cliente = admin_de(actor)
    puede_ver = rol in ("mesa", "evaluador", "jefe", "superusuario")

    for solicitud, posibles in (
        (presentada, {"tomar", "asignar", "observar"}),
        (en_evaluacion, {"asignar", "observar", "aprobar", "denegar"}),
    ):
        respuesta = cliente.get(url_cambio(solicitud))
        if not puede_ver:
            # Without the role's view permission the request is not shown at all.
            assert respuesta.status_code == 403
            assert solicitud.expediente not in respuesta.content.decode()
            continue
        assert respuesta.status_code == 200
        html = respuesta.content.decode()
        botones = set(re.findall(r'<input type="radio" name="decision" value="(\w+)"', html))
        assert botones == PERMITIDAS[rol] & posibles


@pytest.mark.parametrize("rol", ["catalogo", "sin_grupo"])
def test_abrir_la_ficha_sin_permiso_no_registra_un_acceso(catalogo, ciudadano, admin_de, rol):
    """A servant of the office who may not see requests gets 403, and the
    citizen is not told that they opened the file."""
    solicitud = presentar(ciudadano, INFORMACION)
    respuesta = admin_de(actor_de(rol, "resuelve")).get(url_cambio(solicitud))
    assert respuesta.status_code == 403
    assert fresca(solicitud).accesos.count() == 0


@pytest.mark.parametrize("rol", ["catalogo", "sin_grupo", "mesa"])
def test_una_accion_no_permitida_por_el_admin_no_cambia_nada(catalogo, ciudadano, admin_de, rol):
    solicitud = presentar(ciudadano, INFORMACION)
    services.solicitud_tomar(solicitud=solicitud, servidor=servidor_de("SG", "jefe"))
    antes = foto(solicitud)
    cliente = admin_de(actor_de(rol, "resuelve"))
    respuesta = cliente.post(url_accion(solicitud, "aprobar"), {"nota": ""})
    assert respuesta.status_code in (302, 403)
    assert foto(solicitud) == antes
