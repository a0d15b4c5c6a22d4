"""The public catalog (TUPA) and each procedure's page, cached for anonymous visitors."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.shortcuts import render

from .. import selectors
from ..cache import pagina_de_catalogo
from ..forms import (
    BusquedaForm,
    oficinas_activas,
)

# --- Public catalog ------------------------------------------------------------------------


@pagina_de_catalogo("q", "oficina", "calificacion", "pagina")
def catalogo(request):
    oficinas = list(oficinas_activas())
    form = BusquedaForm(request.GET or None, oficinas=oficinas)
    filtros = form.cleaned_data if form.is_valid() else {}
    consulta = selectors.tramites_publicos(
        texto=filtros.get("q", ""),
        oficina=filtros.get("oficina", ""),
        calificacion=filtros.get("calificacion", ""),
    )
    pagina = Paginator(consulta, 10).get_page(request.GET.get("pagina"))
    # Page links carry the filters only (never other parameters of the address).
    parametros = urlencode({k: v for k in ("q", "oficina", "calificacion") if (v := filtros.get(k))})
    respuesta = render(
        request,
        "tramites/catalogo.html",
        {"form": form, "pagina": pagina, "parametros": parametros, "filtros": filtros},
    )
    # Stored in the page cache only for what the catalog is made of (offices,
    # kinds, pages that exist), never for free search text.
    respuesta.parametros_canonicos = None if filtros.get("q") else {
        "q": "",
        "oficina": filtros.get("oficina", ""),
        "calificacion": filtros.get("calificacion", ""),
        "pagina": str(pagina.number) if pagina.number > 1 else "",
    }
    return respuesta


@pagina_de_catalogo()
def detalle(request, slug):
    tramite = selectors.tramite_publico(slug=slug)
    return render(request, "tramites/detalle.html", {"tramite": tramite})
