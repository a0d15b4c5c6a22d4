"""Cache invalidation (a change to the catalog, from the admin or a command,
makes the public catalog pages render again) and the casilla's read receipts
for requests, which the citizens app announces without knowing about requests."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from ciudadanos.models import Representacion
from ciudadanos.signals import notificacion_leida

from .cache import catalogo_invalidar, ciudadano_invalidar, solicitud_invalidar
from .models import AdjuntoRequerido, CampoTramite, Oficina, Tramite


@receiver(post_save, sender=Tramite)
@receiver(post_delete, sender=Tramite)
@receiver(post_save, sender=CampoTramite)
@receiver(post_delete, sender=CampoTramite)
@receiver(post_save, sender=AdjuntoRequerido)
@receiver(post_delete, sender=AdjuntoRequerido)
@receiver(post_save, sender=Oficina)
@receiver(post_delete, sender=Oficina)
@receiver(m2m_changed, sender=Oficina.personal.through)
def _catalogo_cambio(**kwargs):
    catalogo_invalidar()


def _valoracion_guardada(instance, **kwargs):
    """A rating is shown on the citizen's pages ("Califica la atención" goes
    away): they render again. The app that records ratings depends on this
    one, so its model is named by label, never imported."""
    solicitud_invalidar(instance.solicitud)


post_save.connect(_valoracion_guardada, sender="transparencia.Valoracion", weak=False,
                  dispatch_uid="tramites_valoracion_guardada")


@receiver(post_save, sender=Representacion)
@receiver(post_delete, sender=Representacion)
def _representacion_cambio(instance, **kwargs):
    """The companies whose requests a citizen follows changed (confirmed,
    rejected, removed): their pages render again, whoever made the change."""
    ciudadano_invalidar(instance.usuario_id)


@receiver(notificacion_leida)
def _notificacion_leida(notificacion, **kwargs):
    from .services import notificacion_leida_registrar

    notificacion_leida_registrar(notificacion=notificacion)
