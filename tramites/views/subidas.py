"""Uploads bounded before and while they are read: the decorator of every view that takes files, and the attachments form shared by filing and correcting."""

import functools

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import MemoryFileUploadHandler, TemporaryFileUploadHandler
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from ..archivos import LimiteCargaUploadHandler, archivo_revisar

ACEPTA = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"


MARGEN_FORMULARIO = 64 * 1024
DRENAR_TROZO = 64 * 1024


def _cuerpo_descartar(request, longitud: int, maximo: int) -> None:
    """Reads a body that is too large and throws it away in small chunks
    (memory stays flat), so the browser, which is still sending it, gets our
    page instead of a reset connection. Bodies bigger than `maximo` are not
    read at all."""
    if longitud <= maximo:
        while request.read(DRENAR_TROZO):
            pass


def subida_limitada(limites):
    """Installs the size-limiting upload handler before Django reads the body
    (so the CSRF check is done by the view itself, after that). `limites()`
    gives (bytes per file, bytes per request), read at request time.

    A body whose declared length already exceeds the limit is never parsed
    and the view does not run: the answer is a 413 page that explains the
    limit and leads back to the page (what was saved before is kept)."""

    def decorador(vista):
        @functools.wraps(vista)
        def envoltura(request, *args, **kwargs):
            max_archivo, max_total = limites()
            if request.method == "POST":
                try:
                    longitud = int(request.META.get("CONTENT_LENGTH") or 0)
                except ValueError:
                    longitud = 0
                if longitud > max_total + MARGEN_FORMULARIO:
                    _cuerpo_descartar(request, longitud, 2 * max_total)
                    return render(
                        request, "413.html",
                        {"max_archivo": max_archivo, "max_total": max_total, "volver": request.path},
                        status=413,
                    )
            request.upload_handlers = [
                LimiteCargaUploadHandler(request, max_archivo=max_archivo, max_total=max_total),
                MemoryFileUploadHandler(request),
                TemporaryFileUploadHandler(request),
            ]
            return csrf_protect(vista)(request, *args, **kwargs)

        return csrf_exempt(envoltura)

    return decorador


def limites_adjuntos():
    return settings.ADJUNTO_MAX_BYTES, settings.SOLICITUD_ADJUNTOS_MAX_BYTES


def limites_verificacion():
    return settings.VERIFICAR_MAX_BYTES, settings.VERIFICAR_MAX_BYTES




def adjuntos_form(requeridos, data=None, files=None):
    form = forms.Form(data=data, files=files)
    for requerido in requeridos:
        form.fields[f"archivo_{requerido.pk}"] = forms.FileField(
            label=requerido.nombre + ("" if requerido.obligatorio else _(" (opcional)")),
            help_text=requerido.descripcion,
            required=False,
            widget=forms.FileInput(attrs={"accept": ACEPTA}),
        )
    return form


def archivos_recibidos(request, form, requeridos):
    """Checks every uploaded file; returns the good ones and puts an error on
    the field of each bad one."""
    recibidos = []
    if getattr(request, "carga_excedida", False):
        form.add_error(
            None,
            _(
                "Los archivos enviados pesan más de lo permitido (%(archivo)s por archivo, "
                "%(total)s en total). No guardamos ninguno: elige archivos más livianos."
            )
            % {
                "archivo": filesizeformat(settings.ADJUNTO_MAX_BYTES),
                "total": filesizeformat(settings.SOLICITUD_ADJUNTOS_MAX_BYTES),
            },
        )
        return recibidos
    for requerido in requeridos:
        nombre = f"archivo_{requerido.pk}"
        archivo = request.FILES.get(nombre)
        if archivo is None:
            continue
        try:
            recibidos.append((requerido, archivo_revisar(archivo, max_bytes=settings.ADJUNTO_MAX_BYTES)))
        except ValidationError as error:
            form.add_error(nombre, error)
    return recibidos




def almacen_no_disponible(nombre):
    return _(
        "No pudimos guardar «%(nombre)s»: nuestro almacenamiento de archivos no responde en este "
        "momento. Lo que ya habías guardado se conserva. Vuelve a subirlo en unos minutos."
    ) % {"nombre": nombre}
