"""Yearly numbering and "once per key": two small pieces every app shares."""

from django.db import IntegrityError, transaction

from .models import EnvioUnico


def numero_siguiente(modelo, anio: int) -> int:
    """The next consecutive number of a yearly series (`modelo` has `anio` and
    `ultimo`; a row per year, locked): unique and without gaps even when many
    take one at the same time. Call it inside the transaction that uses it."""
    modelo.objects.bulk_create([modelo(anio=anio)], ignore_conflicts=True)
    contador = modelo.objects.select_for_update().get(anio=anio)
    contador.ultimo += 1
    contador.save(update_fields=["ultimo"])
    return contador.ultimo


def una_vez(clave: str) -> bool:
    """True the first time this key is seen (a unique row decides, also
    between simultaneous runs). Call it inside the transaction of the work it
    guards: if that work rolls back, so does the mark."""
    try:
        with transaction.atomic():
            EnvioUnico.objects.create(clave=clave)
    except IntegrityError:
        return False
    return True
