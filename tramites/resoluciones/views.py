"""The download of a resolution, for the citizen it was issued to."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse

from . import selectors


@login_required
def resolucion_descargar(request, expediente):
    resolucion = selectors.resolucion_de_ciudadano(ciudadano=request.user, expediente=expediente)
    respuesta = FileResponse(
        resolucion.archivo.open("rb"), as_attachment=True, filename=f"resolucion-{expediente}.pdf",
        content_type="application/pdf",
    )
    respuesta["Cache-Control"] = "private, no-store"
    return respuesta
