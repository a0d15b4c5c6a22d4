"""The per-account limit on password logins: a wait that grows with each
failure, kept per email address in the database.

The policy:

- The first four consecutive failed passwords for an address cost nothing.
- The fifth starts a wait of one minute; each failure after a wait doubles it
  (2, 4, 8, 16, 32 minutes), up to 60 minutes.
- While an address waits, its password attempts are not counted and do not
  extend the wait. The account adapter does not even check the password,
  except for accounts with a second factor (TOTP), whose owner still gets in
  with the right password and code.
- A complete login (password, and the second factor when there is one), a
  password reset, or a servant's "Desbloquear" in the admin clears the count.
- Failures more than 24 hours apart are not consecutive: the count restarts.

The state is a row of BloqueoAcceso per address, keyed by an HMAC of the
normalised address, so an address with no account behaves exactly like one
with an account. It lives in PostgreSQL, not in the cache, so it holds on every
web host and with Redis down or emptied. Counting is one UPDATE statement, so
simultaneous failures all count, on PostgreSQL and on SQLite alike. Rotating
SECRET_KEY restarts every count.

The per-address limits (allauth's ACCOUNT_RATE_LIMITS "login" and
"login_failed") stay in the cache and apply before this one.

Reads (`bloqueo_espera`, `cuenta_con_segundo_factor`) and writes
(`bloqueo_fallo_registrar`, `bloqueo_levantar*`) of this one topic live
together here."""

import datetime
import logging
from collections.abc import Iterable

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.db import IntegrityError, models, transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .models import BloqueoAcceso, Usuario

logger = logging.getLogger(__name__)

FALLOS_GRATIS = 4
ESPERA_INICIAL = datetime.timedelta(minutes=1)
ESPERA_MAXIMA = datetime.timedelta(minutes=60)
OLVIDO = datetime.timedelta(hours=24)


def correo_normalizar(correo: str) -> str:
    return correo.strip().lower()


def huella(correo: str) -> str:
    """The key of an address's row: HMAC-SHA256 of the normalised address."""
    return salted_hmac(
        "ciudadanos.bloqueos", correo_normalizar(correo), algorithm="sha256"
    ).hexdigest()


def espera_por_fallos(fallos: int) -> datetime.timedelta | None:
    """The wait that the `fallos`-th consecutive failure starts (None: none)."""
    if fallos <= FALLOS_GRATIS:
        return None
    # The exponent is bounded so that a long run of failures cannot overflow.
    duplicaciones = min(fallos - FALLOS_GRATIS - 1, 16)
    return min(ESPERA_INICIAL * 2**duplicaciones, ESPERA_MAXIMA)


# --- Reads -------------------------------------------------------------------------


def bloqueo_espera(*, correo: str) -> datetime.timedelta | None:
    """How long password logins for this address must still wait, or None."""
    ahora = timezone.now()
    hasta = (
        BloqueoAcceso.objects.filter(huella=huella(correo), espera_hasta__gt=ahora)
        .values_list("espera_hasta", flat=True)
        .first()
    )
    return hasta - ahora if hasta else None


def cuenta_con_segundo_factor(*, correo: str) -> bool:
    """Whether an account that logs in with this address has TOTP activated
    (allauth then asks for the code after the password)."""
    correo = correo_normalizar(correo)
    return Authenticator.objects.filter(
        Q(user__email__iexact=correo) | Q(user__emailaddress__email__iexact=correo),
        type=Authenticator.Type.TOTP,
    ).exists()


# --- Writes ------------------------------------------------------------------------


def _espera_hasta_nueva(ahora: datetime.datetime, olvidado: Q) -> Case:
    """The end of the wait after one more failure, as an SQL expression of the
    row's current count (the count before the failure)."""
    casos = [When(olvidado, then=Value(None)), When(fallos__lt=FALLOS_GRATIS, then=Value(None))]
    fallos = FALLOS_GRATIS + 1
    while (espera := espera_por_fallos(fallos)) < ESPERA_MAXIMA:
        casos.append(When(fallos=fallos - 1, then=Value(ahora + espera)))
        fallos += 1
    return Case(*casos, default=Value(ahora + ESPERA_MAXIMA), output_field=models.DateTimeField())


def _fallo_contar(clave: str, ahora: datetime.datetime) -> int:
    """One failure more on an existing row, in a single UPDATE: concurrent
    failures are serialised by the database and each one counts."""
    olvidado = Q(ultimo_fallo_en__lt=ahora - OLVIDO)
    return BloqueoAcceso.objects.filter(huella=clave).update(
        fallos=Case(When(olvidado, then=Value(1)), default=F("fallos") + 1),
        espera_hasta=_espera_hasta_nueva(ahora, olvidado),
        ultimo_fallo_en=ahora,
    )


def bloqueo_fallo_registrar(*, correo: str) -> datetime.timedelta | None:
    """Counts a failed password for this address and returns the wait it
    starts, if any. Callers count only passwords that were checked (not the
    attempts made during a wait)."""
    clave = huella(correo)
    ahora = timezone.now()
    if not _fallo_contar(clave, ahora):
        try:
            with transaction.atomic():
                BloqueoAcceso.objects.create(huella=clave, fallos=1, ultimo_fallo_en=ahora)
        except IntegrityError:
            # A simultaneous failure created the row first: count on it.
            _fallo_contar(clave, ahora)
        else:
            # New rows are the only growth: forget addresses quiet for a day.
            BloqueoAcceso.objects.filter(ultimo_fallo_en__lt=ahora - OLVIDO).exclude(
                espera_hasta__gt=ahora
            ).delete()
    fila = BloqueoAcceso.objects.filter(huella=clave).values("fallos", "espera_hasta").first()
    if fila is None or fila["espera_hasta"] is None or fila["espera_hasta"] <= ahora:
        return None
    espera = fila["espera_hasta"] - ahora
    logger.warning(
        "Inicio de sesión en espera %s min para el correo %s… tras %d fallos seguidos",
        round(espera.total_seconds() / 60), clave[:12], fila["fallos"],
    )
    return espera


def bloqueo_levantar(*, correos: Iterable[str] = (), huellas: Iterable[str] = ()) -> int:
    """Clears the count of these addresses (or rows, by key); returns how many
    rows were cleared."""
    claves = {huella(c) for c in correos if c} | set(huellas)
    if not claves:
        return 0
    borradas, _ = BloqueoAcceso.objects.filter(huella__in=claves).delete()
    return borradas


def bloqueo_levantar_de_cuenta(*, usuario: Usuario) -> int:
    """Clears the count of every address the account logs in with, and of its
    second-factor codes (ciudadanos.forms.SegundoFactorForm)."""
    correos = EmailAddress.objects.filter(user=usuario).values_list("email", flat=True)
    return bloqueo_levantar(correos=[usuario.email, *correos, f"segundo-factor:{usuario.pk}"])
