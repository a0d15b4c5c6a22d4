"""A citizen's draft: started, answered, paid, with its documents; removed."""

import datetime
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from egov.dominio import ErrorDeDominio

from ..archivos import ArchivoRevisado
from ..cache import ciudadano_invalidar
from ..models import Adjunto, AdjuntoRequerido, Estado, Solicitud, TipoEvento, Tramite
from ..transiciones import TransicionNoPermitida, bloquear, evento_registrar


class LimiteAdjuntosExcedido(ErrorDeDominio):
    """The documents of one request would weigh more than allowed."""


def borrador_iniciar(*, ciudadano, tramite: Tramite) -> Solicitud:
    """The citizen's open draft of this procedure, created if there is none
    (a double click never makes two)."""
    existente = Solicitud.objects.filter(
        ciudadano=ciudadano, tramite=tramite, estado=Estado.BORRADOR
    ).first()
    if existente:
        return existente
    try:
        with transaction.atomic():
            solicitud = Solicitud.objects.create(ciudadano=ciudadano, tramite=tramite)
            ciudadano_invalidar(ciudadano.pk)
            evento_registrar(solicitud, TipoEvento.CREADA, actor=ciudadano, avisar=False)
            return solicitud
    except IntegrityError:
        return Solicitud.objects.get(ciudadano=ciudadano, tramite=tramite, estado=Estado.BORRADOR)


def editable(solicitud: Solicitud) -> None:
    if solicitud.estado not in (Estado.BORRADOR, Estado.OBSERVADA):
        raise TransicionNoPermitida(
            _("Esta solicitud ya fue presentada y no se puede modificar.")
        )


def borrador_responder(*, solicitud: Solicitud, respuestas: dict) -> Solicitud:
    """Saves answers (already cleaned and serialised) into the draft."""
    with transaction.atomic():
        solicitud = bloquear(solicitud.pk)
        editable(solicitud)
        solicitud.respuestas = {**solicitud.respuestas, **respuestas}
        solicitud.save(update_fields=["respuestas", "actualizado_en"])
    return solicitud


def borrador_pago_registrar(
    *, solicitud: Solicitud, canal: str, numero: str, fecha: datetime.date, monto: Decimal
) -> Solicitud:
    with transaction.atomic():
        solicitud = bloquear(solicitud.pk)
        editable(solicitud)
        solicitud.pago_canal = canal
        solicitud.pago_numero = numero
        solicitud.pago_fecha = fecha
        solicitud.pago_monto = monto
        solicitud.save(
            update_fields=["pago_canal", "pago_numero", "pago_fecha", "pago_monto", "actualizado_en"]
        )
    return solicitud


def adjunto_agregar(
    *, solicitud: Solicitud, requerido: AdjuntoRequerido | None, revisado: ArchivoRevisado,
    max_total: int,
) -> Adjunto:
    """Stores a checked file under a random name. For a required document, a
    new file replaces the previous one (kept for the record once filed)."""
    with transaction.atomic():
        solicitud = bloquear(solicitud.pk)
        editable(solicitud)
        vigentes = Adjunto.objects.filter(solicitud=solicitud, vigente=True)
        reemplazados = list(vigentes.filter(requerido=requerido)) if requerido else []
        otros = vigentes.exclude(pk__in=[a.pk for a in reemplazados])
        if sum(a.tamano for a in otros) + len(revisado.contenido) > max_total:
            raise LimiteAdjuntosExcedido()
        adjunto = Adjunto(
            solicitud=solicitud,
            requerido=requerido,
            nombre_original=revisado.nombre,
            tipo_mime=revisado.tipo_mime,
            tamano=len(revisado.contenido),
            sha256=revisado.sha256,
        )
        # The new file first: if storage refuses it, nothing else has changed.
        adjunto.archivo.save(f"x.{revisado.extension}", ContentFile(revisado.contenido), save=False)
        try:
            adjunto.save()
            for anterior in reemplazados:
                if solicitud.estado == Estado.BORRADOR:
                    anterior.delete()
                    # The replaced file goes only once the new one is committed.
                    archivo_borrar_al_confirmar(anterior.archivo)
                else:
                    anterior.vigente = False
                    anterior.save(update_fields=["vigente"])
        except Exception:
            adjunto.archivo.delete(save=False)
            raise
    return adjunto


def archivo_borrar_al_confirmar(archivo) -> None:
    nombre, almacen = archivo.name, archivo.storage
    transaction.on_commit(lambda: almacen.delete(nombre), robust=True)


def adjunto_quitar(*, solicitud: Solicitud, adjunto: Adjunto) -> None:
    with transaction.atomic():
        solicitud = bloquear(solicitud.pk)
        if solicitud.estado != Estado.BORRADOR:
            raise TransicionNoPermitida(_("Solo puedes quitar documentos de un borrador."))
        adjunto.delete()
        archivo_borrar_al_confirmar(adjunto.archivo)


def borrador_eliminar(*, solicitud: Solicitud, ciudadano) -> None:
    with transaction.atomic():
        solicitud = bloquear(solicitud.pk)
        if solicitud.estado != Estado.BORRADOR or solicitud.ciudadano_id != ciudadano.pk:
            raise TransicionNoPermitida(_("Solo puedes eliminar tus borradores."))
        for adjunto in solicitud.adjuntos.all():
            archivo_borrar_al_confirmar(adjunto.archivo)
        solicitud.delete()
