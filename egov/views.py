from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import salud as salud_registro


def inicio(request):
    return render(request, "paginas/inicio.html")


def accesibilidad(request):
    return render(request, "paginas/accesibilidad.html")


def privacidad(request):
    return render(request, "paginas/privacidad.html")


def _estado_base_de_datos():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return "ok"
    except Exception as error:  # noqa: BLE001 - any failure means "down"
        return f"error: {error.__class__.__name__}"


def _estado_redis():
    if not settings.REDIS_URL:
        return "no configurado"
    try:
        cache.set("salud:ping", "1", timeout=5)
        return "ok" if cache.get("salud:ping") == "1" else "error: sin respuesta"
    except Exception as error:  # noqa: BLE001
        return f"error: {error.__class__.__name__}"


@never_cache
@require_GET
def salud(request):
    """Health for load balancers and compose: 503 when the database or Redis
    is down; 200 otherwise, "degradado" when a check the apps registered
    (egov.salud) reports work that needs a person."""
    componentes = {"base_de_datos": _estado_base_de_datos(), "redis": _estado_redis()}
    sano = all(v in ("ok", "no configurado") for v in componentes.values())
    if not sano:
        return JsonResponse({"estado": "error", **componentes}, status=503)
    registradas = salud_registro.comprobaciones_ejecutar()
    degradado = any(datos.get("estado") != "ok" for datos in registradas.values())
    return JsonResponse({"estado": "degradado" if degradado else "ok", **componentes, **registradas})


def error_404(request, exception):
    return render(request, "404.html", status=404)


def error_403(request, exception):
    return render(request, "403.html", status=403)


def error_csrf(request, reason=""):
    return render(request, "403_csrf.html", status=403)
