"""Reads about procedures and requests, and the access functions that decide
who may see what. Every object a citizen reaches is fetched here, scoped by
owner (or by office, for staff): a guessed id is NoEncontrado (the views answer
404), never someone else's data.

Split by audience: catalogo (public, and for other apps), acceso (who may see
or act), ciudadano (a citizen's requests), seguimiento (what the citizen sees
next), personal (the back office). Callers import this package."""

from .acceso import *  # noqa: F403
from .catalogo import *  # noqa: F403
from .ciudadano import *  # noqa: F403
from .personal import *  # noqa: F403
from .seguimiento import *  # noqa: F403
