"""Cache invalidation only: a changed or deleted account is read again from
the database on the next request."""

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from .backends import clave_usuario
from .models import Usuario

# Sent when a citizen opens a notice for the first time, with `notificacion`.
# Apps that deposit notices (which this app must not import) record it.
notificacion_leida = Signal()


@receiver(post_save, sender=Usuario)
@receiver(post_delete, sender=Usuario)
def _usuario_cambio(sender, instance, **kwargs):
    cache.delete(clave_usuario(instance.pk))
