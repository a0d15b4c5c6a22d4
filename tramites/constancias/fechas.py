"""
The legal notification date of a notice deposited in the casilla: the day the
act counts as notified, from which its terms run (the next business day,
art. 144 of the TUO of Ley 27444).

The entity chooses the rule in NOTIFICACION_EFECTO:

* "deposito" (default): the local date (Lima) of the deposit in the casilla,
  opened or not (art. 20.4 and 25 of the TUO of Ley 27444, Ley 31736).
* "apertura": the local date of the first opening; None while unread.
* "dias_habiles": the local date of the first opening, if it comes no later
  than NOTIFICACION_DIAS_HABILES business days after the deposit; otherwise
  that last business day (counted from the day after the deposit, skipping
  weekends, national holidays and the entity's non-working days). None while
  unread and that day has not come yet.

A deposit made on a Saturday is notified that Saturday under "deposito"; the
terms that follow still start on the next business day.
"""

import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from ..plazos import Calendario

DEPOSITO = "deposito"
APERTURA = "apertura"
DIAS_HABILES = "dias_habiles"
REGLAS = (DEPOSITO, APERTURA, DIAS_HABILES)


def regla_vigente() -> str:
    regla = settings.NOTIFICACION_EFECTO
    if regla not in REGLAS:
        raise ValueError(f"NOTIFICACION_EFECTO debe ser uno de {', '.join(REGLAS)}: {regla!r}")
    return regla


def dias_vigentes() -> int:
    return settings.NOTIFICACION_DIAS_HABILES


def configuracion_revisar(app_configs=None, **kwargs) -> list:
    """System check: the rule the entity chose is one of the three, with a
    sensible number of business days (a wrong value would fail every page
    that shows a notification date)."""
    from django.core.checks import Error

    errores = []
    if settings.NOTIFICACION_EFECTO not in REGLAS:
        errores.append(Error(
            f"NOTIFICACION_EFECTO={settings.NOTIFICACION_EFECTO!r} no es una regla conocida.",
            hint=f"Usa una de: {', '.join(REGLAS)} (README, «Fecha de notificación»).", id="tramites.E001",
        ))
    dias = settings.NOTIFICACION_DIAS_HABILES
    if not isinstance(dias, int) or not 1 <= dias <= 30:
        errores.append(Error(
            f"NOTIFICACION_DIAS_HABILES={dias!r} debe ser un número de días hábiles entre 1 y 30.",
            id="tramites.E002",
        ))
    return errores


def fecha_tacita(*, notificacion, dias: int | None = None, calendario: Calendario | None = None) -> datetime.date:
    """The day an unread notice takes effect under "dias_habiles": `dias`
    business days after the local date of its deposit (that day does not count)."""
    dias = dias_vigentes() if dias is None else dias
    deposito = timezone.localtime(notificacion.depositada_en).date()
    return (calendario or Calendario()).sumar(deposito, dias)


def fecha_notificacion(
    *, notificacion, regla: str | None = None, dias: int | None = None, calendario: Calendario | None = None,
    hoy: datetime.date | None = None,
) -> datetime.date | None:
    """The notice's legal notification date under `regla` (the entity's by
    default), or None while it has not taken effect. `hoy` (today in Lima by
    default) only matters under "dias_habiles", for an unread notice."""
    regla = regla or regla_vigente()
    deposito = timezone.localtime(notificacion.depositada_en).date()
    apertura = timezone.localtime(notificacion.leida_en).date() if notificacion.leida_en else None
    if regla == DEPOSITO:
        return deposito
    if regla == APERTURA:
        return apertura
    if regla != DIAS_HABILES:
        raise ValueError(f"Regla de notificación desconocida: {regla!r}")
    tacita = fecha_tacita(notificacion=notificacion, dias=dias, calendario=calendario)
    if apertura is not None and apertura <= tacita:
        return apertura
    hoy = hoy or timezone.localdate()
    return tacita if tacita <= hoy else None


def regla_texto(regla: str | None = None, dias: int | None = None) -> str:
    """The rule in words, as the constancia and the verification page state it."""
    regla = regla or regla_vigente()
    dias = dias_vigentes() if dias is None else dias
    if regla == APERTURA:
        return _("Surte efecto el día en que el ciudadano la abre por primera vez en su casilla electrónica.")
    if regla == DIAS_HABILES:
        return _(
            "Surte efecto el día en que el ciudadano la abre por primera vez en su casilla electrónica o, si no la "
            "abre antes, %(n)s días hábiles después del depósito."
        ) % {"n": dias}
    return _("Surte efecto el día en que se deposita en la casilla electrónica del ciudadano, aunque no la abra.")


BASE_LEGAL = (
    "Ley N.° 31736, Ley que regula la notificación administrativa mediante casilla electrónica; Texto Único "
    "Ordenado de la Ley N.° 27444, aprobado por Decreto Supremo N.° 004-2019-JUS: numeral 20.4 del artículo 20, "
    "artículo 25 y artículo 144 (los plazos se cuentan desde el día hábil siguiente al de la notificación)."
)
