"""
The one table of staff actions. Each row says, for one thing a servant may do
in the back office: on what (a request, or its certificate), in which states
of the request, with which permission, whether only the office that resolves
the procedure may do it (the front desk receives everything but decides
nothing), the form the admin shows for it and the service that performs it.

Everything else reads this table: the admin dispatches through it and shows
only the buttons it allows (`selectors.acciones_disponibles`), the transition
service checks it again, and `roles.py` derives each role's permissions from
it. Adding an action is one row plus its service (and, if it changes the
state, its transition in transiciones.py).

Forms and services are named by import path: this table imports nothing, so
core code that reads it imports no forms.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .models import Estado


@dataclass(frozen=True)
class AccionPersonal:
    nombre: str
    etiqueta: str  # the button
    estados: frozenset  # states of the request it applies to
    permiso: str  # "app_label.codename"
    solo_resolucion: bool  # only staff of the office that resolves (else: receives or resolves)
    formulario: str  # import path of the admin form ("" when it asks for nothing)
    servicio: str  # import path of the service
    exito: str  # message after it, with %(exp)s for the expediente
    sobre: str = "solicitud"  # or "certificado"
    ayuda: str = ""  # what it does, under its choice on the request page (%(dias)s: days to correct)

    @property
    def codename(self) -> str:
        return self.permiso.partition(".")[2]


_ABIERTAS = frozenset({Estado.PRESENTADA, Estado.EN_EVALUACION})

ACCIONES = {
    accion.nombre: accion
    for accion in (
        AccionPersonal(
            "tomar", _("Tomar (asignármela)"), frozenset({Estado.PRESENTADA}), "tramites.tomar_solicitud",
            solo_resolucion=True, formulario="", servicio="tramites.services.evaluacion.solicitud_tomar",
            exito=_("Tomaste el expediente %(exp)s."),
            ayuda=_("Pasa a evaluación y queda asignada a ti."),
        ),
        AccionPersonal(
            "asignar", _("Asignar"), _ABIERTAS, "tramites.asignar_solicitud",
            solo_resolucion=False, formulario="tramites.admin.formularios.AsignarForm",
            servicio="tramites.services.evaluacion.solicitud_asignar",
            exito=_("Asignaste el expediente %(exp)s."),
            ayuda=_("Otra persona de la oficina la evalúa; el estado no cambia."),
        ),
        AccionPersonal(
            "observar", _("Observar"), _ABIERTAS, "tramites.observar_solicitud",
            solo_resolucion=False, formulario="tramites.admin.formularios.ObservarForm",
            servicio="tramites.services.evaluacion.solicitud_observar",
            exito=_("Observaste el expediente %(exp)s: el ciudadano tiene %(dias)s días hábiles para subsanar."),
            ayuda=_("El ciudadano tiene %(dias)s días hábiles para subsanar; mientras tanto el plazo se detiene."),
        ),
        AccionPersonal(
            "aprobar", _("Aprobar"), frozenset({Estado.EN_EVALUACION}), "tramites.aprobar_solicitud",
            solo_resolucion=True, formulario="tramites.admin.formularios.AprobarForm",
            servicio="tramites.services.evaluacion.solicitud_aprobar",
            exito=_("Aprobaste el expediente %(exp)s."),
            ayuda=_("Se emite el documento firmado y se notifica al ciudadano."),
        ),
        AccionPersonal(
            "denegar", _("Denegar"), frozenset({Estado.EN_EVALUACION}), "tramites.denegar_solicitud",
            solo_resolucion=True, formulario="tramites.admin.formularios.DenegarForm",
            servicio="tramites.services.evaluacion.solicitud_denegar",
            exito=_("Denegaste el expediente %(exp)s."),
            ayuda=_("Verás la resolución y la confirmarás en la página siguiente."),
        ),
        AccionPersonal(
            "revocar", _("Revocar el certificado"), frozenset({Estado.APROBADA}), "tramites.revocar_certificado",
            solo_resolucion=True, formulario="tramites.admin.formularios.RevocarForm",
            servicio="tramites.certificados.services.certificado_revocar",
            exito=_("Revocaste el certificado %(codigo)s."), sobre="certificado",
        ),
    )
}


def acciones_sobre(sobre: str) -> list[AccionPersonal]:
    return [a for a in ACCIONES.values() if a.sobre == sobre]
