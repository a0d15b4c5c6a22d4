"""Filing: starting a procedure, one question per page, documents, payment, review and the sworn statement; drafts continued or removed."""

import functools

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from ciudadanos import canales, niveles
from ciudadanos import selectors as ciudadanos_selectors
from ciudadanos.empresas import empresas_confirmadas
from egov.errores import REINTENTAR_SEGUNDOS, es_caida
from egov.red import ip_cliente

from .. import selectors, services
from ..declaraciones import TipoCampo, respuesta_inicial, respuesta_mostrar, respuesta_serializar
from ..forms import (
    PARA_MI,
    ANombreDeForm,
    DeclaracionForm,
    PagoForm,
    pregunta_form,
)
from .subidas import (
    adjuntos_form,
    almacen_no_disponible,
    archivos_recibidos,
    limites_adjuntos,
    subida_limitada,
)

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


BORRADOR_REABIERTO = gettext_lazy("Ya tenías un borrador de este trámite: continúa donde lo dejaste.")


@perfil_requerido
@require_http_methods(["GET", "POST"])
def iniciar(request, slug):
    """A draft is created only by the POST of the "Iniciar trámite" button
    (a link from another site cannot create one). A GET continues the open
    draft, or shows the button."""
    tramite = selectors.tramite_publico(slug=slug)
    # Below the procedure's login level: confirm the identity first, then back here.
    subir = niveles.subir_si_falta(request, tramite.nivel_ingreso_minimo, reverse("tramites:iniciar", args=[slug]))
    if subir is not None:
        return subir
    abierto = selectors.borrador_abierto(ciudadano=request.user, tramite=tramite)
    # For a procedure that accepts companies, whom it is for is chosen first.
    eligiendo = bool({"a_nombre_de", "eligiendo"} & set(request.POST))  # sent by the choice's form
    eleccion = _a_nombre_de_form(request, tramite, data=request.POST if eligiendo else None)
    if request.method == "POST" and (eleccion is None or eleccion.is_bound or abierto is not None):
        if eleccion is not None and eleccion.is_bound and not eleccion.is_valid():
            return render(request, "tramites/iniciar.html", {"tramite": tramite, "eleccion": eleccion}, status=400)
        solicitud = services.borrador_iniciar(ciudadano=request.user, tramite=tramite)
        if eleccion is not None and eleccion.is_bound:
            services.borrador_a_nombre_de(solicitud=solicitud, ciudadano=request.user, empresa_id=eleccion.empresa_id)
            solicitud.refresh_from_db()
        if abierto is not None:
            messages.info(request, BORRADOR_REABIERTO)
        return redirect(_siguiente_pendiente(solicitud))
    if abierto is not None:
        abierto = selectors.borrador_de_ciudadano(ciudadano=request.user, uuid=abierto.uuid)
        messages.info(request, BORRADOR_REABIERTO)
        return redirect(_siguiente_pendiente(abierto))
    return render(request, "tramites/iniciar.html", {"tramite": tramite, "eleccion": eleccion})


def _a_nombre_de_form(request, tramite, *, data=None, inicial=None):
    """The "a nombre de" choice, when the procedure accepts companies and the
    citizen represents one with confirmation; None otherwise."""
    if not tramite.acepta_empresas:
        return None
    empresas = list(empresas_confirmadas(usuario=request.user))
    if not empresas:
        return None
    perfil = ciudadanos_selectors.perfil_de_usuario(usuario=request.user)
    return ANombreDeForm(data, initial={"a_nombre_de": inicial} if inicial else None,
                         persona=perfil.nombre_completo if perfil else request.user.email, empresas=empresas)


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


@subida_limitada(limites_adjuntos)
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
    if paso == selectors.PASO_A_NOMBRE_DE:
        return _paso_a_nombre_de(request, solicitud, contexto, siguiente)
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
            # Filed for a company: its RUC is already known (and checked with SUNAT).
            else solicitud.empresa.ruc if solicitud.empresa_id and campo.nombre == "ruc"
            else _dato_del_perfil(request.user, campo)
        )
        form = pregunta_form(campo, initial=inicial)
        estado = 200
    contexto.update(form=form, campo=campo, del_perfil=bool(campo.dato_perfil))
    return render(request, "tramites/paso_pregunta.html", contexto, status=estado)




def _paso_a_nombre_de(request, solicitud, contexto, siguiente):
    actual = PARA_MI if solicitud.empresa_id is None else str(solicitud.empresa_id)
    form = _a_nombre_de_form(request, solicitud.tramite, data=request.POST or None, inicial=actual)
    if form is None:
        # Nothing to choose any more (no confirmed company, or the procedure stopped accepting them).
        services.borrador_a_nombre_de(solicitud=solicitud, ciudadano=request.user, empresa_id=None)
        return redirect(siguiente or _url_paso(solicitud, "revisar"))
    estado = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.borrador_a_nombre_de(
                    solicitud=solicitud, ciudadano=request.user, empresa_id=form.empresa_id
                )
            except services.EmpresaNoPermitida as error:
                form.add_error("a_nombre_de", str(error))
            else:
                return redirect(siguiente)
        estado = 400
    contexto.update(eleccion=form)
    return render(request, "tramites/paso_a_nombre_de.html", contexto, status=estado)


def _paso_adjuntos(request, solicitud, contexto, siguiente):
    requeridos = list(solicitud.tramite.adjuntos_requeridos.all())
    estado = 200
    if request.method == "POST":
        form = adjuntos_form(requeridos, data=request.POST, files=request.FILES)
        form.is_valid()
        if quitar := request.POST.get("quitar"):
            adjunto = next((a for a in solicitud.adjuntos.all() if str(a.uuid) == quitar), None)
            if adjunto is None:
                raise Http404
            services.adjunto_quitar(solicitud=solicitud, adjunto=adjunto)
            messages.success(request, _("Quitamos «%(nombre)s».") % {"nombre": adjunto.nombre_original})
            return redirect(request.get_full_path())
        almacen_caido = False
        for requerido, revisado in archivos_recibidos(request, form, requeridos):
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
                form.add_error(f"archivo_{requerido.pk}", almacen_no_disponible(revisado.nombre))
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
        form = adjuntos_form(requeridos)
    actuales = {a.requerido_id: a for a in solicitud.adjuntos.all()}
    filas = [(form[f"archivo_{r.pk}"], actuales.get(r.pk)) for r in requeridos]
    contexto.update(form=form, filas=filas)
    respuesta = render(request, "tramites/paso_adjuntos.html", contexto, status=estado)
    if estado == 503:
        respuesta["Retry-After"] = str(REINTENTAR_SEGUNDOS)
    return respuesta




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


def respuestas_para_mostrar(solicitud):
    return [
        (campo, respuesta_mostrar(campo, solicitud.respuestas.get(campo.nombre, "")))
        for campo in solicitud.tramite.campos.all()
    ]


def _paso_revisar(request, solicitud, contexto):
    faltantes = selectors.solicitud_faltantes(solicitud=solicitud)
    # Without consent to the casilla in force the citizen chooses here how
    # decisions reach them; with it, the page says so and where to change it.
    consentimiento = canales.consentimiento_vigente(usuario_id=request.user.pk)
    estado = 200
    if request.method == "POST":
        # The draft is saved: after confirming the identity the citizen is back on this step.
        subir = niveles.subir_si_falta(request, solicitud.tramite.nivel_ingreso_minimo, _url_paso(solicitud, "revisar"))
        if subir is not None:
            return subir
        form = DeclaracionForm(request.POST, pedir_notificacion=consentimiento is None)
        form.is_valid()
        aceptada = "declaracion_jurada" in form.cleaned_data
        if "notificacion" in form.errors:
            # Nothing is filed without the choice; the rest of the page says what else is missing.
            faltantes = [f for f in faltantes if f[0] != "revisar"]
            estado = 400
        else:
            if form.en_casilla and aceptada and not faltantes:
                # Recorded only with a filing that goes ahead: a decision of
                # this very filing (an automatic approval) already needs it.
                canales.consentimiento_aceptar(usuario=request.user, ip=ip_cliente(request),
                                               nivel_ingreso=niveles.nivel_actual(request))
            try:
                presentada = services.solicitud_presentar(
                    solicitud=solicitud, ciudadano=request.user, declaracion_jurada=aceptada,
                    nivel_ingreso=niveles.nivel_actual(request),
                )
            except services.SolicitudIncompleta as incompleta:
                faltantes = [f for f in incompleta.faltantes if f[0] != "revisar"]
                estado = 400
            else:
                return redirect("tramites:confirmacion", expediente=presentada.expediente)
    else:
        form = DeclaracionForm(pedir_notificacion=consentimiento is None)
    contexto.update(
        form=form,
        consentimiento=consentimiento,
        consentimiento_texto=canales.consentimiento_texto() if consentimiento is None else "",
        telefono=canales.telefono_verificado(usuario=request.user),
        faltantes=[(_url_paso(solicitud, p), m) for p, m in faltantes],
        respuestas=respuestas_para_mostrar(solicitud),
        perfil=ciudadanos_selectors.perfil_de_usuario(usuario=request.user),
        url_paso=lambda p: _url_paso(solicitud, p, volver=True),
        url_adjuntos=_url_paso(solicitud, "adjuntos", volver=True),
        url_pago=_url_paso(solicitud, "pago", volver=True),
        url_a_nombre_de=(_url_paso(solicitud, selectors.PASO_A_NOMBRE_DE, volver=True)
                         if selectors.ofrece_a_nombre_de(solicitud=solicitud) else None),
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
