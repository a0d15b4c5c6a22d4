"""The back office: civil servants process requests in the Django admin.
Every action goes through the table of staff actions and its services; the
admin only shows what the servant's office and role allow."""

from ..certificados import admin as certificados  # noqa: F401 - registers its admins
from . import accesos, bandeja, catalogo  # noqa: F401 - each registers its admins
