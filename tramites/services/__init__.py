"""Every write about requests, by topic: drafts (borradores), filing
(presentacion), what happens after (evaluacion), time running out
(vencimientos), daily reminders (recordatorios); issued documents are in
tramites/certificados/services.py and the state machine in transiciones.py.
The names other apps and the tests use are gathered here."""

from ..certificados.services import (
    cargo_emitir,
    certificado_emitir,
    certificado_revocar,
    codigo_normalizar,
)
from ..transiciones import TransicionNoPermitida, notificacion_leida_registrar
from .borradores import (
    LimiteAdjuntosExcedido,
    adjunto_agregar,
    adjunto_quitar,
    borrador_eliminar,
    borrador_iniciar,
    borrador_pago_registrar,
    borrador_responder,
)
from .evaluacion import (
    DIAS_PARA_SUBSANAR,
    acceso_registrar,
    solicitud_aprobar,
    solicitud_asignar,
    solicitud_denegar,
    solicitud_desistir,
    solicitud_observar,
    solicitud_subsanar,
    solicitud_tomar,
)
from .presentacion import (
    EmpresaNoPermitida,
    SolicitudIncompleta,
    borrador_a_nombre_de,
    solicitud_presentar,
)
from .recordatorios import recordatorios_enviar
from .vencimientos import plazos_vencidos_procesar, solicitud_no_presentar

__all__ = [
    "DIAS_PARA_SUBSANAR", "EmpresaNoPermitida", "LimiteAdjuntosExcedido", "SolicitudIncompleta", "TransicionNoPermitida",
    "acceso_registrar", "adjunto_agregar", "adjunto_quitar", "borrador_a_nombre_de", "borrador_eliminar", "borrador_iniciar",
    "borrador_pago_registrar", "borrador_responder", "cargo_emitir", "certificado_emitir",
    "certificado_revocar", "codigo_normalizar", "notificacion_leida_registrar", "plazos_vencidos_procesar",
    "recordatorios_enviar", "solicitud_aprobar", "solicitud_asignar", "solicitud_denegar",
    "solicitud_desistir", "solicitud_no_presentar", "solicitud_observar", "solicitud_presentar",
    "solicitud_subsanar", "solicitud_tomar",
]
