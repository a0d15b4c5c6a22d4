"""Following a request: Mis trámites, the request's page, correcting an observation, withdrawing, downloading one's documents."""


from csp.decorators import csp_replace
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_http_methods

from egov.errores import REINTENTAR_SEGUNDOS, es_caida

from .. import selectors, services
from ..cache import fragmento_de_ciudadano
from ..constancias import selectors as constancias_selectors
from ..declaraciones import respuesta_inicial, respuesta_serializar
from ..forms import (
    ComentarioForm,
    DesistirForm,
    respuestas_form,
)
from ..models import Estado
from ..plazos import DIAS_PARA_SUBSANAR
from .presentacion import respuestas_para_mostrar
from .subidas import (
    adjuntos_form,
    almacen_no_disponible,
    archivos_recibidos,
    limites_adjuntos,
    subida_limitada,
)

# --- Following a request -----------------------------------------------------------------------


@login_required
def confirmacion(request, expediente):
    solicitud = selectors.solicitud_de_ciudadano(ciudadano=request.user, expediente=expediente)
    return render(request, "tramites/confirmacion.html",
                  {"solicitud": solicitud, "dias_para_subsanar": DIAS_PARA_SUBSANAR})


@login_required
def mis_tramites(request):
    numero = request.GET.get("pagina", "1")

    def construir():
        consulta = selectors.mis_solicitudes(ciudadano=request.user)
        pagina = Paginator(consulta, 25).get_page(numero)
        for solicitud in pagina.object_list:
            solicitud.pasos = selectors.siguientes_pasos(solicitud=solicitud)
        return render_to_string("tramites/_mis_tramites.html", {"pagina": pagina}, request=request)

    contenido = fragmento_de_ciudadano(request, f"mis:{numero}", construir)
    return render(request, "tramites/mis_tramites.html", {"contenido": mark_safe(contenido)})  # noqa: S308


@login_required
def mi_solicitud(request, expediente):

    def construir():
        # Theirs, or filed for a company they represent (who filed it may act on it).
        solicitud = selectors.solicitud_para_seguir(ciudadano=request.user, expediente=expediente)
        observaciones = list(solicitud.observaciones.all())
        pendiente = next((o for o in reversed(observaciones) if o.subsanada_en is None), None)
        return render_to_string(
            "tramites/_mi_solicitud.html",
            {
                "solicitud": solicitud,
                "respuestas": respuestas_para_mostrar(solicitud),
                "observaciones": observaciones,
                "pendiente": pendiente if solicitud.estado == Estado.OBSERVADA else None,
                "pasos": selectors.siguientes_pasos(solicitud=solicitud),
                "accesos": selectors.accesos_agrupados(accesos=solicitud.accesos.all()),
                "notificaciones": constancias_selectors.notificaciones_legales(solicitud=solicitud),
            },
            request=request,
        )

    # The key holds the owner's id: a fragment exists only for who may see it;
    # and the day, since a notice's legal date may arrive with it (dias_habiles).
    contenido = fragmento_de_ciudadano(request, f"sol:{expediente}:{timezone.localdate().isoformat()}", construir)
    return render(
        request,
        "tramites/mi_solicitud.html",
        {"contenido": mark_safe(contenido), "expediente": expediente},  # noqa: S308
    )


@subida_limitada(limites_adjuntos)
@login_required
@never_cache
def subsanar(request, expediente):
    solicitud = selectors.solicitud_de_ciudadano(ciudadano=request.user, expediente=expediente)
    if solicitud.estado != Estado.OBSERVADA:
        messages.info(request, _("Esta solicitud no tiene observaciones pendientes."))
        return redirect(solicitud)
    campos = list(solicitud.tramite.campos.all())
    requeridos = list(solicitud.tramite.adjuntos_requeridos.all())
    pendiente = solicitud.observaciones.filter(subsanada_en__isnull=True).last()
    inicial = {c.nombre: respuesta_inicial(c, solicitud.respuestas.get(c.nombre, "")) for c in campos}
    almacen_caido = False
    if request.method == "POST":
        form = respuestas_form(campos, data=request.POST, initial=inicial)
        adjuntos = adjuntos_form(requeridos, data=request.POST, files=request.FILES)
        comentario = ComentarioForm(request.POST)
        form.is_valid()
        adjuntos.is_valid()
        comentario.is_valid()
        archivos = archivos_recibidos(request, adjuntos, requeridos)
        if form.is_valid() and not adjuntos.errors and comentario.is_valid():
            try:
                services.solicitud_subsanar(
                    solicitud=solicitud,
                    ciudadano=request.user,
                    respuestas={c.nombre: respuesta_serializar(form.cleaned_data[c.nombre]) for c in campos},
                    archivos=archivos,
                    max_total=settings.SOLICITUD_ADJUNTOS_MAX_BYTES,
                    nota=comentario.cleaned_data["comentario"],
                )
            except services.evaluacion.SubsanacionVacia as error:
                # Nothing was sent to keep but what was typed: the bound forms keep it.
                comentario.add_error("comentario", str(error))
            except services.LimiteAdjuntosExcedido:
                adjuntos.add_error(None, _("Los documentos superan el total permitido. Sube archivos más livianos."))
            except OSError as error:
                if not es_caida(error):
                    raise
                adjuntos.add_error(None, almacen_no_disponible(", ".join(r.nombre for _q, r in archivos)))
                almacen_caido = True
            except services.TransicionNoPermitida as error:
                messages.error(request, str(error))
                return redirect(solicitud)
            else:
                messages.success(
                    request,
                    _("Enviamos tu subsanación. La oficina continuará con la evaluación."),
                )
                return redirect(solicitud)
        estado = 400
    else:
        form = respuestas_form(campos, initial=inicial)
        adjuntos = adjuntos_form(requeridos)
        comentario = ComentarioForm()
        estado = 200
    respuesta = render(
        request,
        "tramites/subsanar.html",
        {"solicitud": solicitud, "form": form, "adjuntos": adjuntos, "comentario": comentario,
         "pendiente": pendiente, "errores": form.errors or adjuntos.errors or comentario.errors},
        status=503 if almacen_caido else estado,
    )
    if almacen_caido:
        respuesta["Retry-After"] = str(REINTENTAR_SEGUNDOS)
    return respuesta


@login_required
@require_http_methods(["GET", "POST"])
def desistir(request, expediente):
    solicitud = selectors.solicitud_de_ciudadano(ciudadano=request.user, expediente=expediente)
    if not solicitud.abierta:
        messages.info(request, _("Esta solicitud ya terminó: no puedes desistir de ella."))
        return redirect(solicitud)
    form = DesistirForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.solicitud_desistir(
                solicitud=solicitud, ciudadano=request.user, motivo=form.cleaned_data["motivo"]
            )
        except services.TransicionNoPermitida as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Registramos tu desistimiento del expediente %(exp)s.") % {"exp": expediente})
        return redirect(solicitud)
    return render(request, "tramites/desistir.html", {"solicitud": solicitud, "form": form})


def _adjunto_respuesta(request, uuid, *, descargar: bool):
    adjunto = selectors.adjunto_accesible(usuario=request.user, uuid=uuid)
    respuesta = FileResponse(
        adjunto.archivo.open("rb"),
        as_attachment=descargar,
        filename=adjunto.nombre_original,
        content_type=adjunto.tipo_mime,
    )
    respuesta["Cache-Control"] = "private, no-store"
    return respuesta


@login_required
def adjunto_descargar(request, uuid):
    return _adjunto_respuesta(request, uuid, descargar=True)


@login_required
@xframe_options_sameorigin
@csp_replace({"frame-ancestors": ["'self'"]})
def adjunto_ver(request, uuid):
    """The same file, shown inside a page of the portal (the servant's preview
    of a PDF next to the evidence); only the portal may frame it. Uploaded
    PDFs carry no scripts (checked on upload) and images are re-encoded."""
    return _adjunto_respuesta(request, uuid, descargar=False)
