import functools
import hashlib
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import MemoryFileUploadHandler, TemporaryFileUploadHandler
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from ciudadanos import selectors as ciudadanos_selectors
from egov.errores import REINTENTAR_SEGUNDOS, es_caida
from egov.red import intentos_superados, ip_cliente

from . import selectors, services
from .archivos import LimiteCargaUploadHandler, archivo_revisar
from .cache import fragmento_de_ciudadano, pagina_de_catalogo
from .declaraciones import TipoCampo, respuesta_inicial, respuesta_mostrar, respuesta_serializar
from .forms import (
    ArchivoVerificarForm,
    BusquedaForm,
    ComentarioForm,
    DeclaracionForm,
    DesistirForm,
    PagoForm,
    VerificarForm,
    oficinas_activas,
    pregunta_form,
    respuestas_form,
)
from .models import Estado

ACEPTA = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"


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


# --- Filing ---------------------------------------------------------------------------------


def perfil_requerido(vista):
    """Login, and a complete identity profile: a request needs to know who files it."""

    @functools.wraps(vista)
    @login_required
    def envoltura(request, *args, **kwargs):
        if not ciudadanos_selectors.perfil_completo(usuario=request.user):
            messages.info(
                request,
                _("Antes de presentar un trámite completa tu perfil: te lo pedimos una sola vez."),
            )
            return redirect(f"{reverse('ciudadanos:perfil_editar')}?next={request.path}")
        return vista(request, *args, **kwargs)

    return envoltura


# Room for the form's own fields and the multipart headers around the files.
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


def _limites_adjuntos():
    return settings.ADJUNTO_MAX_BYTES, settings.SOLICITUD_ADJUNTOS_MAX_BYTES


def _limites_verificacion():
    return settings.VERIFICAR_MAX_BYTES, settings.VERIFICAR_MAX_BYTES


@perfil_requerido
@require_http_methods(["GET", "POST"])
def iniciar(request, slug):
    """A draft is created only by the POST of the "Iniciar trámite" button
    (a link from another site cannot create one). A GET continues the open
    draft, or shows the button."""
    tramite = selectors.tramite_publico(slug=slug)
    if request.method == "POST":
        solicitud = services.borrador_iniciar(ciudadano=request.user, tramite=tramite)
        return redirect(_siguiente_pendiente(solicitud))
    abierto = selectors.borrador_abierto(ciudadano=request.user, tramite=tramite)
    if abierto is not None:
        abierto = selectors.borrador_de_ciudadano(ciudadano=request.user, uuid=abierto.uuid)
        return redirect(_siguiente_pendiente(abierto))
    return render(request, "tramites/iniciar.html", {"tramite": tramite})


def _url_paso(solicitud, paso, volver=False):
    url = reverse(
        "tramites:paso",
        kwargs={"slug": solicitud.tramite.slug, "uuid": solicitud.uuid, "paso": paso},
    )
    return f"{url}?volver=revisar" if volver else url


def _siguiente_pendiente(solicitud):
    pendientes = {paso for paso, _m in selectors.solicitud_faltantes(solicitud=solicitud)}
    for paso in selectors.pasos(solicitud=solicitud):
        if paso in pendientes:
            return _url_paso(solicitud, paso)
    return _url_paso(solicitud, "revisar")


@perfil_requerido
def borrador(request, uuid):
    solicitud = selectors.solicitud_de_ciudadano_por_uuid(ciudadano=request.user, uuid=uuid)
    if not solicitud.es_borrador:
        return redirect(solicitud)
    solicitud = selectors.borrador_de_ciudadano(ciudadano=request.user, uuid=uuid)
    return redirect(_siguiente_pendiente(solicitud))


@subida_limitada(_limites_adjuntos)
@perfil_requerido
@never_cache
def paso(request, slug, uuid, paso):
    propia = selectors.solicitud_de_ciudadano_por_uuid(ciudadano=request.user, uuid=uuid)
    if not propia.es_borrador:
        # Back button or a resubmitted form after filing: show what was filed.
        return redirect(propia)
    solicitud = selectors.borrador_de_ciudadano(ciudadano=request.user, uuid=uuid)
    if solicitud.tramite.slug != slug:
        raise Http404
    lista = selectors.pasos(solicitud=solicitud)
    if paso not in lista:
        raise Http404
    indice = lista.index(paso)
    volver = request.GET.get("volver") == "revisar"
    contexto = {
        "solicitud": solicitud,
        "tramite": solicitud.tramite,
        "paso_numero": indice + 1,
        "pasos_total": len(lista),
        "atras": (
            _url_paso(solicitud, "revisar") if volver
            else _url_paso(solicitud, lista[indice - 1]) if indice
            else solicitud.tramite.get_absolute_url()
        ),
    }
    siguiente = _url_paso(solicitud, "revisar") if volver else (
        _url_paso(solicitud, lista[indice + 1]) if indice + 1 < len(lista) else None
    )
    if paso == "adjuntos":
        return _paso_adjuntos(request, solicitud, contexto, siguiente)
    if paso == "pago":
        return _paso_pago(request, solicitud, contexto, siguiente)
    if paso == "revisar":
        return _paso_revisar(request, solicitud, contexto)
    campo = next(c for c in solicitud.tramite.campos.all() if c.nombre == paso)
    return _paso_pregunta(request, solicitud, campo, contexto, siguiente)


def _dato_del_perfil(usuario, campo):
    if campo.dato_perfil == "email":
        return usuario.email
    perfil = ciudadanos_selectors.perfil_de_usuario(usuario=usuario)
    if perfil is None or not campo.dato_perfil:
        return None
    valor = getattr(perfil, campo.dato_perfil, None)
    if campo.tipo == TipoCampo.DISTRITO and valor and not valor.startswith(settings.ENTIDAD_DEPARTAMENTO):
        return None
    return valor


def _paso_pregunta(request, solicitud, campo, contexto, siguiente):
    if request.method == "POST":
        form = pregunta_form(campo, data=request.POST)
        if form.is_valid():
            services.borrador_responder(
                solicitud=solicitud,
                respuestas={campo.nombre: respuesta_serializar(form.cleaned_data[campo.nombre])},
            )
            if request.POST.get("salir"):
                messages.success(request, _("Guardamos tu borrador. Continúalo cuando quieras desde aquí."))
                return redirect("tramites:mis_tramites")
            return redirect(siguiente)
        estado = 400
    else:
        guardada = solicitud.respuestas.get(campo.nombre)
        inicial = (
            respuesta_inicial(campo, guardada) if guardada not in (None, "")
            else _dato_del_perfil(request.user, campo)
        )
        form = pregunta_form(campo, initial=inicial)
        estado = 200
    contexto.update(form=form, campo=campo, del_perfil=bool(campo.dato_perfil))
    return render(request, "tramites/paso_pregunta.html", contexto, status=estado)


def _adjuntos_form(requeridos, data=None, files=None):
    form = forms.Form(data=data, files=files)
    for requerido in requeridos:
        form.fields[f"archivo_{requerido.pk}"] = forms.FileField(
            label=requerido.nombre + ("" if requerido.obligatorio else _(" (opcional)")),
            help_text=requerido.descripcion,
            required=False,
            widget=forms.FileInput(attrs={"accept": ACEPTA}),
        )
    return form


def _archivos_recibidos(request, form, requeridos):
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


def _paso_adjuntos(request, solicitud, contexto, siguiente):
    requeridos = list(solicitud.tramite.adjuntos_requeridos.all())
    estado = 200
    if request.method == "POST":
        form = _adjuntos_form(requeridos, data=request.POST, files=request.FILES)
        form.is_valid()
        if quitar := request.POST.get("quitar"):
            adjunto = next((a for a in solicitud.adjuntos.all() if str(a.uuid) == quitar), None)
            if adjunto is None:
                raise Http404
            services.adjunto_quitar(solicitud=solicitud, adjunto=adjunto)
            messages.success(request, _("Quitamos «%(nombre)s».") % {"nombre": adjunto.nombre_original})
            return redirect(request.get_full_path())
        almacen_caido = False
        for requerido, revisado in _archivos_recibidos(request, form, requeridos):
            try:
                services.adjunto_agregar(
                    solicitud=solicitud, requerido=requerido, revisado=revisado,
                    max_total=settings.SOLICITUD_ADJUNTOS_MAX_BYTES,
                )
            except services.LimiteAdjuntosExcedido:
                form.add_error(
                    f"archivo_{requerido.pk}",
                    _("Con este archivo la solicitud superaría %(total)s en documentos. Sube un archivo más liviano.")
                    % {"total": filesizeformat(settings.SOLICITUD_ADJUNTOS_MAX_BYTES)},
                )
            except OSError as error:
                if not es_caida(error):
                    raise
                almacen_caido = True
                form.add_error(f"archivo_{requerido.pk}", _almacen_no_disponible(revisado.nombre))
        solicitud = selectors.borrador_de_ciudadano(ciudadano=request.user, uuid=solicitud.uuid)
        if not form.errors:
            presentes = {a.requerido_id for a in solicitud.adjuntos.all()}
            for requerido in requeridos:
                if requerido.obligatorio and requerido.pk not in presentes:
                    form.add_error(
                        f"archivo_{requerido.pk}",
                        _("Adjunta el documento: %(nombre)s.") % {"nombre": requerido.nombre},
                    )
        if not form.errors:
            return redirect(siguiente)
        estado = 503 if almacen_caido else 400
    else:
        form = _adjuntos_form(requeridos)
    actuales = {a.requerido_id: a for a in solicitud.adjuntos.all()}
    filas = [(form[f"archivo_{r.pk}"], actuales.get(r.pk)) for r in requeridos]
    contexto.update(form=form, filas=filas)
    respuesta = render(request, "tramites/paso_adjuntos.html", contexto, status=estado)
    if estado == 503:
        respuesta["Retry-After"] = str(REINTENTAR_SEGUNDOS)
    return respuesta


def _almacen_no_disponible(nombre):
    return _(
        "No pudimos guardar «%(nombre)s»: nuestro almacenamiento de archivos no responde en este "
        "momento. Lo que ya habías guardado se conserva. Vuelve a subirlo en unos minutos."
    ) % {"nombre": nombre}


def _paso_pago(request, solicitud, contexto, siguiente):
    tasa = solicitud.tramite.tasa
    if request.method == "POST":
        form = PagoForm(request.POST, tasa=tasa)
        if form.is_valid():
            datos = form.cleaned_data
            services.borrador_pago_registrar(
                solicitud=solicitud, canal=datos["canal"], numero=datos["numero"],
                fecha=datos["fecha"], monto=datos["monto"],
            )
            return redirect(siguiente)
        estado = 400
    else:
        inicial = {}
        if solicitud.pago_numero:
            inicial = {
                "canal": solicitud.pago_canal, "numero": solicitud.pago_numero,
                "fecha": solicitud.pago_fecha, "monto": solicitud.pago_monto,
            }
        form = PagoForm(initial=inicial, tasa=tasa)
        estado = 200
    contexto.update(form=form)
    return render(request, "tramites/paso_pago.html", contexto, status=estado)


def _respuestas_para_mostrar(solicitud):
    return [
        (campo, respuesta_mostrar(campo, solicitud.respuestas.get(campo.nombre, "")))
        for campo in solicitud.tramite.campos.all()
    ]


def _paso_revisar(request, solicitud, contexto):
    faltantes = selectors.solicitud_faltantes(solicitud=solicitud)
    estado = 200
    if request.method == "POST":
        form = DeclaracionForm(request.POST)
        aceptada = form.is_valid()
        try:
            presentada = services.solicitud_presentar(
                solicitud=solicitud, ciudadano=request.user, declaracion_jurada=aceptada
            )
        except services.SolicitudIncompleta as incompleta:
            faltantes = [f for f in incompleta.faltantes if f[0] != "revisar"]
            estado = 400
        else:
            return redirect("tramites:confirmacion", expediente=presentada.expediente)
    else:
        form = DeclaracionForm()
    contexto.update(
        form=form,
        faltantes=[(_url_paso(solicitud, p), m) for p, m in faltantes],
        respuestas=_respuestas_para_mostrar(solicitud),
        perfil=ciudadanos_selectors.perfil_de_usuario(usuario=request.user),
        url_paso=lambda p: _url_paso(solicitud, p, volver=True),
        url_adjuntos=_url_paso(solicitud, "adjuntos", volver=True),
        url_pago=_url_paso(solicitud, "pago", volver=True),
        cambiar={c.nombre: _url_paso(solicitud, c.nombre, volver=True) for c in solicitud.tramite.campos.all()},
    )
    return render(request, "tramites/paso_revisar.html", contexto, status=estado)


@perfil_requerido
@require_http_methods(["GET", "POST"])
def borrador_eliminar(request, uuid):
    solicitud = selectors.borrador_de_ciudadano(ciudadano=request.user, uuid=uuid)
    if request.method == "POST":
        services.borrador_eliminar(solicitud=solicitud, ciudadano=request.user)
        messages.success(request, _("Eliminamos el borrador de «%(tramite)s».") % {"tramite": solicitud.tramite.nombre})
        return redirect("tramites:mis_tramites")
    return render(request, "tramites/borrador_eliminar.html", {"solicitud": solicitud})


# --- Following a request -----------------------------------------------------------------------


@login_required
def confirmacion(request, expediente):
    solicitud = selectors.solicitud_de_ciudadano(ciudadano=request.user, expediente=expediente)
    return render(request, "tramites/confirmacion.html", {"solicitud": solicitud})


@login_required
def mis_tramites(request):
    numero = request.GET.get("pagina", "1")

    def construir():
        consulta = selectors.mis_solicitudes(ciudadano=request.user)
        pagina = Paginator(consulta, 25).get_page(numero)
        for solicitud in pagina.object_list:
            solicitud.proxima_accion = selectors.PROXIMA_ACCION[solicitud.estado]
        return render_to_string("tramites/_mis_tramites.html", {"pagina": pagina}, request=request)

    contenido = fragmento_de_ciudadano(request, f"mis:{numero}", construir)
    return render(request, "tramites/mis_tramites.html", {"contenido": mark_safe(contenido)})  # noqa: S308


@login_required
def mi_solicitud(request, expediente):

    def construir():
        solicitud = selectors.solicitud_de_ciudadano(ciudadano=request.user, expediente=expediente)
        observaciones = list(solicitud.observaciones.all())
        pendiente = next((o for o in reversed(observaciones) if o.subsanada_en is None), None)
        return render_to_string(
            "tramites/_mi_solicitud.html",
            {
                "solicitud": solicitud,
                "respuestas": _respuestas_para_mostrar(solicitud),
                "observaciones": observaciones,
                "pendiente": pendiente if solicitud.estado == Estado.OBSERVADA else None,
                "proxima_accion": selectors.PROXIMA_ACCION[solicitud.estado],
            },
            request=request,
        )

    # The key holds the owner's id: a fragment exists only for who may see it.
    contenido = fragmento_de_ciudadano(request, f"sol:{expediente}", construir)
    return render(
        request,
        "tramites/mi_solicitud.html",
        {"contenido": mark_safe(contenido), "expediente": expediente},  # noqa: S308
    )


@subida_limitada(_limites_adjuntos)
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
        adjuntos = _adjuntos_form(requeridos, data=request.POST, files=request.FILES)
        comentario = ComentarioForm(request.POST)
        form.is_valid()
        adjuntos.is_valid()
        comentario.is_valid()
        archivos = _archivos_recibidos(request, adjuntos, requeridos)
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
            except services.LimiteAdjuntosExcedido:
                adjuntos.add_error(None, _("Los documentos superan el total permitido. Sube archivos más livianos."))
            except OSError as error:
                if not es_caida(error):
                    raise
                adjuntos.add_error(None, _almacen_no_disponible(", ".join(r.nombre for _q, r in archivos)))
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
        adjuntos = _adjuntos_form(requeridos)
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


@login_required
def adjunto_descargar(request, uuid):
    adjunto = selectors.adjunto_accesible(usuario=request.user, uuid=uuid)
    respuesta = FileResponse(
        adjunto.archivo.open("rb"),
        as_attachment=True,
        filename=adjunto.nombre_original,
        content_type=adjunto.tipo_mime,
    )
    respuesta["Cache-Control"] = "private, no-store"
    return respuesta


# --- Issued documents ---------------------------------------------------------------------------


@login_required
def documento_descargar(request, expediente, tipo):
    documento = selectors.documento_accesible(usuario=request.user, expediente=expediente, tipo=tipo)
    nombre = f"{'certificado' if tipo == 'certificado' else 'cargo'}-{expediente}.pdf"
    respuesta = FileResponse(
        documento.archivo.open("rb"), as_attachment=True, filename=nombre,
        content_type="application/pdf",
    )
    respuesta["Cache-Control"] = "private, no-store"
    return respuesta


# --- Public verification --------------------------------------------------------------------------

VERIFICAR_POR_MINUTO = 30
VERIFICAR_FALLOS = 20  # unknown codes per IP in 15 minutes before throttling


def _limitado(request, *, fallo=False) -> bool:
    """Throttles enumeration: requests per minute, and unknown codes per 15 minutes."""
    ip = ip_cliente(request)
    if intentos_superados(f"verificar:min:{ip}", maximo=VERIFICAR_POR_MINUTO, segundos=60):
        return True
    return intentos_superados(
        f"verificar:fallos:{ip}", maximo=VERIFICAR_FALLOS, segundos=15 * 60, contar=fallo
    )


def _demasiados(request):
    return render(request, "429.html", status=429)


@subida_limitada(_limites_verificacion)
def verificar(request):
    """Enter a code, or upload a PDF to check it is byte-identical to an issued one."""
    codigo_form = VerificarForm(request.GET or None)
    archivo_form = ArchivoVerificarForm()
    resultado_archivo = None
    estado = 200
    if request.method == "POST":
        if _limitado(request):
            return _demasiados(request)
        archivo_form = ArchivoVerificarForm(request.POST, request.FILES)
        if archivo_form.is_valid():
            huella = hashlib.sha256()
            for trozo in archivo_form.cleaned_data["archivo"].chunks():
                huella.update(trozo)
            resultado_archivo = selectors.documento_por_huella(sha256=huella.hexdigest())
            resultado_archivo = {"encontrado": resultado_archivo, "sha256": huella.hexdigest()}
        else:
            estado = 400
    elif codigo_form.is_bound:
        if codigo_form.is_valid():
            codigo = services.codigo_normalizar(codigo_form.cleaned_data["codigo"])
            if codigo:
                return redirect("tramites:verificar_codigo", codigo=codigo)
            if _limitado(request, fallo=True):
                return _demasiados(request)
            codigo_form.add_error("codigo", _("El código tiene 16 letras y números, por ejemplo ABCD-EFGH-IJKL-MNOP. Revísalo."))
        estado = 400
    return render(
        request, "tramites/verificar.html",
        {"form": codigo_form if codigo_form.errors else archivo_form if archivo_form.errors else None,
         "codigo_form": codigo_form, "archivo_form": archivo_form, "resultado_archivo": resultado_archivo},
        status=estado,
    )


def verificar_codigo(request, codigo):
    normalizado = services.codigo_normalizar(codigo)
    certificado = selectors.certificado_por_codigo(codigo=normalizado)
    if _limitado(request, fallo=certificado is None):
        return _demasiados(request)
    contexto = {"codigo": codigo, "certificado": certificado}
    if certificado is not None:
        solicitante = certificado.solicitud.solicitante or {}
        contexto.update(
            titular=selectors.enmascarar_nombre(solicitante.get("nombre_completo", "")),
            documento=f"{solicitante.get('tipo_documento', '')} {selectors.enmascarar_documento(solicitante.get('numero_documento', ''))}",
        )
    respuesta = render(request, "tramites/verificar_resultado.html", contexto, status=200 if certificado else 404)
    respuesta["X-Robots-Tag"] = "noindex"
    return respuesta
