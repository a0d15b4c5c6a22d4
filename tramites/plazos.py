"""
Deadlines in días hábiles (TUO de la Ley 27444): weekends, Peruvian national
holidays (the `holidays` package) and the entity's own non-working days (the
DiaNoLaborable table) do not count. Counting starts the day after filing; a
filing made on a non-business day counts as made on the next business day.
"""

import datetime
import functools

import holidays

from .models import DiaNoLaborable

UN_DIA = datetime.timedelta(days=1)

# Business days a citizen has to correct an observation (art. 136, TUO Ley 27444).
DIAS_PARA_SUBSANAR = 2
# Business days to file a reconsideration or an appeal (art. 218, TUO Ley 27444).
DIAS_PARA_RECURSO = 15
# Business days ahead the supervision page counts requests about to fall due.
DIAS_VENCEN_PRONTO = 5


@functools.lru_cache(maxsize=32)
def _feriados_nacionales(anio: int) -> frozenset[datetime.date]:
    return frozenset(holidays.Peru(years=anio).keys())


class Calendario:
    """Business days of the entity. Built once per operation: it reads the
    entity's non-working days from the database a single time."""

    def __init__(self, no_laborables=None):
        if no_laborables is None:
            no_laborables = DiaNoLaborable.objects.values_list("fecha", flat=True)
        self.no_laborables = frozenset(no_laborables)

    def es_habil(self, fecha: datetime.date) -> bool:
        return (
            fecha.weekday() < 5
            and fecha not in _feriados_nacionales(fecha.year)
            and fecha not in self.no_laborables
        )

    def siguiente_habil(self, fecha: datetime.date) -> datetime.date:
        """The same day if it is a business day, else the next one."""
        while not self.es_habil(fecha):
            fecha += UN_DIA
        return fecha

    def sumar(self, desde: datetime.date, dias: int) -> datetime.date:
        """The business day that is `dias` business days after `desde`
        (`desde` itself does not count)."""
        fecha = desde
        contados = 0
        while contados < dias:
            fecha += UN_DIA
            if self.es_habil(fecha):
                contados += 1
        return fecha

    def vencimiento(self, presentacion: datetime.date, dias: int) -> datetime.date:
        """Due date of a term that starts with a filing (or notification) on
        `presentacion`, which may be a non-business day."""
        return self.sumar(self.siguiente_habil(presentacion), dias)

    def entre(self, desde: datetime.date, hasta: datetime.date) -> int:
        """Business days d with desde < d <= hasta (0 if hasta <= desde)."""
        dias = 0
        fecha = desde
        while fecha < hasta:
            fecha += UN_DIA
            if self.es_habil(fecha):
                dias += 1
        return dias

    def dias_para_decidir(self, solicitud) -> int:
        """The one definition of how long a decision took: business days from
        the filing (a filing on a non-business day counts from the next
        business day) to the decision, without the days the clock was stopped
        while the request was observed. Stored on the request when it is
        decided; every figure reads the stored value."""
        from django.utils import timezone

        presentada = self.siguiente_habil(timezone.localtime(solicitud.presentada_en).date())
        decidida = timezone.localtime(solicitud.decidida_en).date()
        pausa = sum(
            self.entre(timezone.localtime(o.creada_en).date(), timezone.localtime(o.subsanada_en).date())
            for o in solicitud.observaciones.filter(subsanada_en__isnull=False)
        )
        return max(self.entre(presentada, decidida) - pausa, 0)
