from django.shortcuts import render
from django.urls import include, path

FILAS = [{"numero": n, "nombre": f"Fila de referencia {n}", "estado": "presentada"} for n in range(20)]


def techo(request):
    """The ceiling: a template of 20 rows, no database."""
    return render(request, "bench/techo.html", {"filas": FILAS})


urlpatterns = [
    path("bench/techo/", techo),
    path("", include("egov.urls")),
]
