"""The one table of the shared infrastructure: what was done once."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EnvioUnico(models.Model):
    """A job done once per key (a daily reminder, a digest): a second run of
    the same job finds the key and does nothing. Written in the transaction of
    the work it guards, so the mark and the work commit together."""

    clave = models.CharField(_("clave"), max_length=120, unique=True)
    enviado_en = models.DateTimeField(_("hecho el"), auto_now_add=True)

    class Meta:
        # The table the procedures app created for its reminders, kept as it is.
        db_table = "tramites_recordatorioenviado"
        verbose_name = _("envío único")
        verbose_name_plural = _("envíos únicos")

    def __str__(self):
        return self.clave
