"""The errors of the domain. Services and selectors raise these, never an
HTTP answer; the views (or, for what they do not catch, the middleware in
egov/middleware.py) decide what the person gets: 404, 403, a message."""


class ErrorDeDominio(Exception):
    """Something the person asked for cannot be done. The message, when there
    is one, is meant for the person who tried."""


class NoEncontrado(ErrorDeDominio):
    """It does not exist, or not for this person: the same answer, so a
    guessed id reveals nothing."""


class AccionNoPermitida(ErrorDeDominio):
    """Not possible now, or not for this person."""
