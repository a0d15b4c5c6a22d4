"""The download of a constancia de notificación: the citizen's, from the
request's page; the office's is in the admin (tramites/admin/bandeja.py).
Both answer with the PDF once it is signed; until then the citizen gets a
page that says it is being prepared (it works without JavaScript: a link
tries again), the servant a message on the request's page."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from . import selectors, services


def constancia_lista(*, notificacion):
    """The notice's constancia as the database holds it now, re-read: run
    in-process (the embedded default) its PDF may be signed already."""
    constancia = services.constancia_obtener(notificacion=notificacion)
    constancia.refresh_from_db()
    return constancia


def constancia_pdf(constancia) -> FileResponse:
    respuesta = FileResponse(
        constancia.archivo.open("rb"), as_attachment=True,
        filename=f"constancia-notificacion-{constancia.solicitud.expediente}-{constancia.codigo}.pdf",
        content_type="application/pdf",
    )
    respuesta["Cache-Control"] = "private, no-store"
    return respuesta


@login_required
@never_cache
def constancia_descargar(request, expediente, notificacion_id):
    notificacion = selectors.notificacion_legal_de_ciudadano(
        ciudadano=request.user, expediente=expediente, notificacion_id=notificacion_id
    )
    constancia = constancia_lista(notificacion=notificacion)
    if constancia.listo:
        return constancia_pdf(constancia)
    return render(
        request, "tramites/constancia_preparando.html",
        {"constancia": constancia, "notificacion": notificacion, "expediente": expediente,
         "volver": reverse("tramites:mi_solicitud", kwargs={"expediente": expediente}) + "#notificaciones",
         "reintentar": request.path},
        status=202,
    )
