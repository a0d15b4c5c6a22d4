"""
The versions that refresh this app's cached pages (egov/paginas.py):

* the catalog's, which any change to a procedure, office, question or
  required document renews (tramites/signals.py): every public page that
  shows the catalog is stored under it;
* each citizen's, which every write to one of their requests renews after the
  commit (the services do it), so a citizen never sees a stale page; a request
  filed for a company renews the pages of each of its confirmed representatives.
"""

from ciudadanos.models import EstadoRepresentacion, Representacion
from egov import paginas

version_catalogo = paginas.VersionLocal("v:catalogo")


def catalogo_invalidar() -> None:
    version_catalogo.renovar()


def _clave_ciudadano(usuario_id: int) -> str:
    return f"v:ciudadano:{usuario_id}"


def ciudadano_invalidar(usuario_id: int) -> None:
    """After the current transaction commits (right away outside one)."""
    paginas.version_renovar_al_confirmar(_clave_ciudadano(usuario_id))


def solicitud_invalidar(solicitud) -> None:
    """The pages of everyone who follows this request: its citizen and, for
    a request filed for a company, the company's confirmed representatives."""
    ciudadano_invalidar(solicitud.ciudadano_id)
    if solicitud.empresa_id is None:
        return
    for usuario_id in Representacion.objects.filter(
        empresa_id=solicitud.empresa_id, estado=EstadoRepresentacion.CONFIRMADA
    ).exclude(usuario_id=solicitud.ciudadano_id).values_list("usuario_id", flat=True):
        ciudadano_invalidar(usuario_id)


def pagina_de_catalogo(*parametros: str):
    """A public page that shows the catalog, stored until it changes."""
    return paginas.pagina_publica(*parametros, version=version_catalogo)


def fragmento_de_ciudadano(request, clave: str, construir) -> str:
    """A piece of a citizen's page, rendered again when their version changes.
    The header's unread count is read in the same round trip."""
    from ciudadanos.services import clave_no_leidas

    usuario_id = request.user.pk
    clave_casilla = clave_no_leidas(usuario_id)
    html, extras = paginas.fragmento(
        f"frag:{usuario_id}:{clave}", construir,
        clave_version=_clave_ciudadano(usuario_id), extras=[clave_casilla],
    )
    if clave_casilla in extras:
        request.casilla_no_leidas = extras[clave_casilla]
    return html
