"""Path converters that let through only what the database can hold.

A URL parameter declared as `str` or `int` reaches the query as typed: a NUL
byte makes PostgreSQL reject the statement, a number past the bigint range
overflows the column, and either ends in a 500. These converters refuse such
values when the URL is resolved, so the answer is an ordinary 404 before any
view or query runs. The URL confs register them with `registrar()`."""

from django.urls import register_converter
from django.urls.converters import get_converters

# PostgreSQL's bigint, the type of every primary key (DEFAULT_AUTO_FIELD).
ID_MAXIMO = 2**63 - 1


class ExpedienteConvertidor:
    """An expediente number as the services give it: EXP-<year>-<6 digits>."""

    regex = r"EXP-[0-9]{4}-[0-9]{6,11}"

    def to_python(self, valor: str) -> str:
        return valor

    def to_url(self, valor) -> str:
        return str(valor)


class IdConvertidor:
    """A primary key: a positive integer within the bigint range."""

    regex = r"[0-9]{1,19}"

    def to_python(self, valor: str) -> int:
        numero = int(valor)
        if not 1 <= numero <= ID_MAXIMO:
            # A ValueError here makes the resolver try the next pattern: a 404 at the end.
            raise ValueError(f"{valor} no es un identificador válido")
        return numero

    def to_url(self, valor) -> str:
        return str(int(valor))


CONVERTIDORES = {
    "expediente": ExpedienteConvertidor,
    "id": IdConvertidor,
}


def registrar() -> None:
    """Registers the converters once (each URL conf that uses them calls this)."""
    existentes = get_converters()
    for nombre, clase in CONVERTIDORES.items():
        if nombre not in existentes:
            register_converter(clase, nombre)
