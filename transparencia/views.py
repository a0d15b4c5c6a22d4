import csv
import io
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ciudadanos import validators
from egov.errores import servicio_no_disponible
from egov.paginas import pagina_publica
from egov.red import LimiteNoDisponible, intentos_superados, ip_cliente
from egov.texto import normalizar_busqueda
from tramites import selectors as tramites_selectors

from . import selectors, services
from .forms import ReclamoForm, SeguimientoForm, ValoracionForm
from .graficos import barras_mensuales

LICENCIA = "Creative Commons Atribución 4.0 Internacional (CC BY 4.0)"


@pagina_publica(version=selectors.version_de_paginas)
def inicio(request):
    datos = selectors.indicadores()
    return render(request, "transparencia/inicio.html", {
        "datos": datos, "total": datos["total"],
        "grafico": barras_mensuales(datos["meses"], titulo=_("Solicitudes presentadas y decididas por mes")),
    })


@pagina_publica(version=selectors.version_de_paginas)
def tramite(request, slug):
    fila = selectors.indicadores_de_tramite(slug=slug)
    if fila is None:
        raise Http404
    return render(request, "transparencia/tramite.html", {
        "fila": fila, "total": fila["total"], "datos": selectors.indicadores(),
        "grafico": barras_mensuales(fila["meses"], titulo=_("%(t)s: presentadas y decididas por mes") % {"t": fila["nombre"]}),
    })


def datos_abiertos(request):
    return render(request, "transparencia/datos_abiertos.html", {"licencia": LICENCIA})


COLUMNAS = [
    "tramite_codigo", "tramite", "mes", "presentadas", "decididas", "aprobadas", "denegadas", "desistidas",
    "no_presentadas", "silencio_positivo", "en_plazo_pct", "dias_promedio", "iniciadas", "completadas_pct",
    "satisfaccion", "valoraciones", "presenciales", "adopcion_digital_pct",
]


def _filas_indicadores(datos):
    for mes in datos["meses"]:
        yield {"tramite_codigo": "", "tramite": "TOTAL", **mes}
    for fila in datos["tramites"]:
        for mes in fila["meses"]:
            yield {"tramite_codigo": fila["codigo"], "tramite": fila["nombre"], **mes}


def _csv(nombre, columnas, filas):
    salida = io.StringIO()
    escritor = csv.DictWriter(salida, fieldnames=columnas, extrasaction="ignore")
    escritor.writeheader()
    for fila in filas:
        escritor.writerow({k: ("" if fila.get(k) is None else fila.get(k)) for k in columnas})
    respuesta = HttpResponse(salida.getvalue(), content_type="text/csv; charset=utf-8")
    respuesta["Content-Disposition"] = f'attachment; filename="{nombre}"'
    return respuesta


def _json(nombre, datos):
    respuesta = HttpResponse(json.dumps(datos, ensure_ascii=False, indent=1), content_type="application/json; charset=utf-8")
    respuesta["Content-Disposition"] = f'inline; filename="{nombre}"'
    return respuesta


def indicadores_descargar(request, formato):
    datos = selectors.indicadores()
    if formato == "csv":
        return _csv("indicadores.csv", COLUMNAS, _filas_indicadores(datos))
    return _json("indicadores.json", {"licencia": LICENCIA, **datos})


COLUMNAS_TUPA = ["codigo", "nombre", "descripcion", "requisitos", "tasa_soles", "porcentaje_uit",
                 "plazo_dias_habiles", "calificacion", "oficina_recepcion", "oficina_resolucion", "base_legal", "url"]


def tupa_filas(request=None):
    for t in tramites_selectors.tramites_publicos():
        yield {
            "codigo": t.codigo, "nombre": t.nombre, "descripcion": t.descripcion,
            "requisitos": " | ".join(t.lista_requisitos), "tasa_soles": str(t.tasa),
            "porcentaje_uit": str(t.porcentaje_uit), "plazo_dias_habiles": t.plazo_dias,
            "calificacion": t.calificacion, "oficina_recepcion": t.oficina_recepcion.nombre,
            "oficina_resolucion": t.oficina_resolucion.nombre, "base_legal": t.base_legal,
            "url": t.get_absolute_url(),
        }


def tupa_descargar(request, formato):
    filas = list(tupa_filas())
    if formato == "csv":
        return _csv("tupa.csv", COLUMNAS_TUPA, filas)
    return _json("tupa.json", {"licencia": LICENCIA, "tramites": filas})


# --- Satisfaction -----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def valorar(request, expediente):
    solicitud = tramites_selectors.solicitud_de_ciudadano(ciudadano=request.user, expediente=expediente)
    if hasattr(solicitud, "valoracion"):
        messages.info(request, _("Ya calificaste la atención de este expediente. ¡Gracias!"))
        return redirect(solicitud)
    if solicitud.estado not in services.ESTADOS_VALORABLES:
        messages.info(request, _("Podrás calificar la atención cuando tu solicitud tenga una respuesta."))
        return redirect(solicitud)
    form = ValoracionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.valoracion_registrar(
                solicitud=solicitud, ciudadano=request.user,
                puntaje=form.cleaned_data["puntaje"], comentario=form.cleaned_data["comentario"],
            )
        except services.YaValorada:
            messages.info(request, _("Ya calificaste la atención de este expediente. ¡Gracias!"))
        else:
            messages.success(request, _("Gracias: tu calificación nos ayuda a mejorar."))
        return redirect(solicitud)
    return render(request, "transparencia/valorar.html", {"solicitud": solicitud, "form": form},
                  status=400 if form.errors else 200)


# --- Libro de Reclamaciones ------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def reclamo_nuevo(request):
    form = ReclamoForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reclamo = services.reclamo_registrar(datos=form.cleaned_data, usuario=request.user)
        request.session["reclamo_registrado"] = reclamo.codigo
        _reclamo_recordar(request, reclamo.codigo)
        return redirect("transparencia:reclamo_registrado")
    return render(request, "transparencia/reclamo_nuevo.html", {"form": form, "plazo_reclamo_dias": services.PLAZO_RECLAMO_DIAS},
                  status=400 if form.errors else 200)


def reclamo_registrado(request):
    codigo = request.session.get("reclamo_registrado")
    reclamo = selectors.reclamo_por_codigo(codigo=codigo) if codigo else None
    if reclamo is None:
        return redirect("transparencia:reclamo_nuevo")
    return render(request, "transparencia/reclamo_registrado.html", {"reclamo": reclamo})


def _documento_normalizado(tipo: str, numero: str) -> str:
    """The number as stored: a DNI without its check character (which must match if typed)."""
    try:
        return validators.documento_normalizar(tipo, numero)[0]
    except ValidationError:
        return ""


def _limitado(request) -> bool:
    # Codes are sequential and documents have 8 digits: this limit is the only
    # guard against walking them, so without Redis the page waits (503).
    return intentos_superados(
        f"reclamo:seguimiento:{ip_cliente(request)}", maximo=20, segundos=15 * 60, cerrar_sin_cache=True
    )


@require_http_methods(["GET", "POST"])
def reclamo_seguimiento(request):
    form = SeguimientoForm(request.POST or None)
    reclamo = None
    estado = 200
    if request.method == "POST":
        try:
            if _limitado(request):
                return render(request, "429.html", status=429)
        except LimiteNoDisponible:
            return servicio_no_disponible(request, segundos=60)
        if form.is_valid():
            codigo = normalizar_busqueda(form.cleaned_data["codigo"]).upper().replace(" ", "")
            numero = form.cleaned_data["numero_documento"].strip().upper().replace("-", "")
            reclamo = selectors.reclamo_por_codigo(codigo=codigo)
            # A wrong document gives exactly what an unknown code gives: nothing.
            if reclamo is None or _documento_normalizado(reclamo.tipo_documento, numero) != reclamo.numero_documento:
                reclamo = None
                form.add_error(None, _("No encontramos un reclamo con ese código y ese documento. Revisa ambos datos."))
                estado = 404
            else:
                _reclamo_recordar(request, reclamo.codigo)
        else:
            estado = 400
    return render(request, "transparencia/reclamo_seguimiento.html", {"form": form, "reclamo": reclamo}, status=estado)


SESION_RECLAMOS = "reclamos_consultados"


def _reclamo_recordar(request, codigo: str) -> None:
    """This browser proved it knows the complaint (it filed it, or gave its
    code and document): it may download its sheet for the session."""
    codigos = request.session.get(SESION_RECLAMOS, [])
    if codigo not in codigos:
        request.session[SESION_RECLAMOS] = [*codigos, codigo][-20:]


def reclamo_hoja(request, codigo):
    """The signed sheet of a complaint, for the browser that filed it or looked
    it up with its code and document; "not found" for anyone else."""
    if codigo not in request.session.get(SESION_RECLAMOS, []):
        raise Http404
    hoja = selectors.hoja_emitida(codigo=codigo)
    respuesta = FileResponse(hoja.archivo.open("rb"), as_attachment=True, filename=f"reclamo-{codigo}.pdf",
                             content_type="application/pdf")
    respuesta["Cache-Control"] = "private, no-store"
    return respuesta
