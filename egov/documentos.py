"""
Every document the entity issues (certificates, filing receipts, complaint
sheets) goes through this one pipeline.

A document is a row of a model that inherits `egov.models.DocumentoEmitido`,
created *pending* in the transaction of the work that causes it; its kind is
registered here (`tipo_registrar`) with the task that issues it and two
functions of its app: one that renders and signs its PDF, one that records
what issuing means to the app (an event, a notice). Then:

* `documento_emitir` (run by the kind's task) locks the row, skips it if
  issued (tasks may run twice), stores the PDF under the row's own fixed name
  (a retry overwrites what a killed attempt left) and commits; a failure is
  recorded on the row, never raised from the recording.
* The task makes a few quick retries; when they run out the round is over and
  the sweeper (`documentos_pendientes_reencolar`, run by beat) tries again
  after 5, 10, 20, 40 and 80 minutes, then every 2 hours, for
  DOCUMENTOS_REINTENTOS_HORAS after the first failure. It also re-enqueues
  documents left pending (a lost message, a killed worker).
* A document failing for more than an hour, or past its retries, is shown to
  the office that issues it and in /salud/ (`documentos_salud`); the admin's
  "Reintentar" (`documento_reintentar`) starts the schedule again.
"""

import datetime
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import EstadoDocumento
from .tareas import LOTE_BARRIDO, encolar

log = logging.getLogger(__name__)

PRIMER_INTERVALO_MINUTOS = 5
MAX_INTERVALO_MINUTOS = 120
# Failing for longer than this is no blip: the office and /salud/ are told.
AVISO_FALLA = datetime.timedelta(hours=1)

# The options of every issuing task: the `pdf` queue (settings), acks_late
# (a killed worker's task runs again; issuing is idempotent), a few quick
# retries for a blip; the sweeper does the long haul.
OPCIONES_TAREA = {
    "bind": True,
    "acks_late": True,
    "autoretry_for": (Exception,),
    "retry_backoff": 5,
    "retry_backoff_max": 60,
    "max_retries": 3,
}


def ronda_terminada(tarea) -> bool:
    """Whether this run is the delivery's last try: its failure ends a round.
    Run in-process (embedded default, tests) a retry would not wait, so
    there the first try is the whole round."""
    return tarea.request.is_eager or tarea.request.retries >= tarea.max_retries


# --- Kinds ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TipoDocumento:
    """A kind of document. Its parts are named by import path, so declaring
    it loads nothing (the PDF libraries load when a document is issued)."""

    nombre: str
    modelo: str  # "app_label.Model"
    tarea: str  # import path of the Celery task; it takes `documento_id`
    generar: str  # import path of f(documento) -> signed PDF bytes
    al_emitir: str = ""  # import path of f(documento), run in the same transaction
    relacionados: tuple[str, ...] = ()  # select_related for the locked read

    def clase(self):
        return apps.get_model(self.modelo)


_TIPOS: dict[str, TipoDocumento] = {}


def tipo_registrar(tipo: TipoDocumento) -> None:
    _TIPOS[tipo.nombre] = tipo


def tipos() -> list[TipoDocumento]:
    return list(_TIPOS.values())


def tipo_de(documento) -> TipoDocumento:
    modelo = f"{documento._meta.app_label}.{documento._meta.object_name}"
    return next(t for t in _TIPOS.values() if t.modelo.lower() == modelo.lower())


# --- Issuing -----------------------------------------------------------------------------------------


def documento_emitir(*, tipo: str, documento_id: int, ronda_terminada: bool = True) -> str:
    """Renders, signs and stores a document. Idempotent: one already issued
    is left as it is (the same file), so a task that runs twice (a retry, the
    sweeper, a killed worker) makes one document. `ronda_terminada` is False
    while the task has quick retries left."""
    clase = _TIPOS[tipo]
    modelo = clase.clase()
    try:
        with transaction.atomic():
            documento = (
                modelo.objects.select_for_update(of=("self",)).select_related(*clase.relacionados)
                .get(pk=documento_id)
            )
            if documento.estado == EstadoDocumento.EMITIDO:
                log.info("%s %s ya emitido: se omite", tipo, documento_id)
                return "omitido"
            _guardar_pdf(documento, import_string(clase.generar)(documento))
            if clase.al_emitir:
                import_string(clase.al_emitir)(documento)
    except Exception as error:
        log.exception("falló %s %s", tipo, documento_id)
        _fallo_registrar(modelo, documento_id, error, ronda_terminada=ronda_terminada)
        raise
    log.info("%s %s emitido", tipo, documento_id)
    return "emitido"


def _guardar_pdf(documento, pdf: bytes) -> None:
    """Stores the PDF under the row's own name. An attempt killed after
    writing it and before its commit left a file there: it is replaced, not
    kept beside a second copy (the caller holds the row lock, so no other
    attempt writes that name meanwhile, and FileSystemStorage does not add a
    suffix to a free name)."""
    nombre = documento.ruta_archivo()
    documento.archivo.storage.delete(nombre)
    documento.archivo.save(nombre, ContentFile(pdf), save=False)
    if documento.archivo.name != nombre:
        log.warning("%s guardado como %s", nombre, documento.archivo.name)
    documento.sha256 = hashlib.sha256(pdf).hexdigest()
    documento.estado = EstadoDocumento.EMITIDO
    documento.emitido_en = timezone.now()
    documento.intentos += 1
    documento.error = ""
    documento.proximo_intento_en = None
    documento.save()


def _pdf_descartar(documento) -> None:
    """Deletes the PDF an attempt stored before its transaction rolled back.
    Called with the row locked and not issued: no row names that file, and no
    other attempt is writing it."""
    nombre = documento.ruta_archivo()
    try:
        documento.archivo.storage.delete(nombre)
    except Exception:  # noqa: BLE001 - the failure being recorded matters more
        log.warning("no se pudo borrar %s", nombre, exc_info=True)


# --- Failures and the schedule of retries ------------------------------------------------------------


def reintentos_horas() -> int:
    return settings.DOCUMENTOS_REINTENTOS_HORAS


def intervalo_reintento(rondas: int) -> datetime.timedelta:
    """The wait after the `rondas`-th failed round: 5, 10, 20, 40, 80, 120, 120… minutes."""
    # Doubling from the first round, capped (the exponent too, so it stays small).
    minutos = PRIMER_INTERVALO_MINUTOS * 2 ** min(max(rondas, 1) - 1, 10)
    return datetime.timedelta(minutes=min(minutos, MAX_INTERVALO_MINUTOS))


def _proximo_intento(primer_fallo_en, rondas: int, ahora: datetime.datetime) -> datetime.datetime | None:
    """When the sweeper tries a failed document again after its `rondas`-th
    failed round; None once the automatic retries are over. The last one
    falls on the deadline itself."""
    limite = primer_fallo_en + datetime.timedelta(hours=reintentos_horas())
    if ahora >= limite:
        return None
    return min(ahora + intervalo_reintento(rondas), limite)


def _fallo_registrar(modelo, pk: int, error: Exception, *, ronda_terminada: bool) -> None:
    """Records a failed attempt on the row (locked again: the attempt's own
    transaction rolled back) and removes the PDF it may have stored, which no
    row names. While the task still has quick retries left the round is not
    over: the next sweeper round is set after them, so the sweeper and the
    retries never run the same round twice. Never raises: the attempt's own
    error is the one to report."""
    ahora = timezone.now()
    try:
        with transaction.atomic():
            documento = modelo.objects.select_for_update().filter(pk=pk).first()
            if documento is None or documento.estado == EstadoDocumento.EMITIDO:
                return
            _pdf_descartar(documento)
            documento.estado = EstadoDocumento.FALLIDO
            documento.intentos += 1
            documento.error = f"{error.__class__.__name__}: {error}"[:2000]
            documento.primer_fallo_en = documento.primer_fallo_en or ahora
            if ronda_terminada:
                documento.rondas += 1
            # With quick retries left, this keeps the sweeper away until they
            # are done: the wait is the one that will follow this round.
            documento.proximo_intento_en = _proximo_intento(
                documento.primer_fallo_en, documento.rondas if ronda_terminada else documento.rondas + 1, ahora
            )
            documento.save(update_fields=["estado", "intentos", "error", "primer_fallo_en", "rondas",
                                          "proximo_intento_en", "actualizado_en"])
    except Exception:  # noqa: BLE001 - e.g. the database is down too: the sweeper finds it later
        log.exception("no se pudo registrar el fallo de %s %s", modelo._meta.model_name, pk)


def documentos_pendientes_reencolar(*, minutos: int | None = None) -> dict:
    """Beat: documents pending for longer than a few minutes (a broker
    outage, a killed worker) are enqueued again, and so are failed ones whose
    next round is due. Issuing is idempotent, so enqueuing one twice does no
    harm. Returns how many of each kind."""
    minutos = settings.DOCUMENTOS_REENCOLAR_MINUTOS if minutos is None else minutos
    ahora = timezone.now()
    limite = ahora - datetime.timedelta(minutes=minutos)
    resultado = {}
    for tipo in tipos():
        modelo = tipo.clase()
        pendientes = list(
            modelo.objects.filter(estado=EstadoDocumento.PENDIENTE, actualizado_en__lt=limite)
            .values_list("pk", flat=True)[:LOTE_BARRIDO]
        )
        modelo.objects.filter(pk__in=pendientes).update(actualizado_en=ahora)
        debidos = list(
            modelo.objects.filter(estado=EstadoDocumento.FALLIDO, proximo_intento_en__lte=ahora)
            .values_list("pk", "rondas")[:LOTE_BARRIDO]
        )
        for pk, rondas in debidos:
            # Until this round's task reports back: if its message is lost,
            # the round is due again after the next interval.
            espera = max(intervalo_reintento(rondas + 1), datetime.timedelta(minutes=minutos))
            modelo.objects.filter(pk=pk, estado=EstadoDocumento.FALLIDO).update(proximo_intento_en=ahora + espera)
        tarea = import_string(tipo.tarea)
        for pk in [*pendientes, *(pk for pk, _rondas in debidos)]:
            encolar(tarea, documento_id=pk)
        resultado[modelo._meta.model_name] = len(pendientes) + len(debidos)
    return resultado


def documento_reintentar(*, documento) -> None:
    """The admin's "Reintentar": a failed document goes back to the queue,
    with a fresh schedule of automatic retries should it fail again."""
    if documento.estado == EstadoDocumento.EMITIDO:
        return
    type(documento).objects.filter(pk=documento.pk).exclude(estado=EstadoDocumento.EMITIDO).update(
        estado=EstadoDocumento.PENDIENTE, rondas=0, primer_fallo_en=None, proximo_intento_en=None,
        actualizado_en=timezone.now(),
    )
    encolar(import_string(tipo_de(documento).tarea), documento_id=documento.pk)


# --- Reads -----------------------------------------------------------------------------------------


def documentos_con_fallas(*, alcance: Callable | None = None) -> dict:
    """Failed documents that need attention, {model name: queryset}; with
    `alcance(tipo, queryset)` each kind's queryset is narrowed (an office's)."""
    desde = timezone.now() - AVISO_FALLA
    resultado = {}
    for tipo in tipos():
        consulta = tipo.clase().objects.con_fallas(desde=desde)
        if alcance is not None:
            consulta = alcance(tipo, consulta)
        resultado[tipo.clase()._meta.model_name] = consulta
    return resultado


def documentos_salud() -> dict:
    """For /salud/: "degradado" while a document fails for more than an hour
    or waits for a person; the web hosts themselves are fine."""
    cuentas = {"fallando": 0, "sin_reintento": 0}
    for consulta in documentos_con_fallas().values():
        datos = consulta.fallas_contar()
        for clave in cuentas:
            cuentas[clave] += datos[clave]
    return {"estado": "degradado" if cuentas["fallando"] else "ok", **cuentas}
