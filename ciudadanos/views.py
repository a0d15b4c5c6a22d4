import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET, require_POST

from . import alertas, canales, identidad, selectors, services, ubigeo
from .forms import PerfilForm

# Buttons that only ask for the next list of places (used without JavaScript).
ACCIONES_UBIGEO = {"provincias", "distritos"}


@login_required
def perfil(request):
    perfil = selectors.perfil_de_usuario(usuario=request.user)
    if perfil is None:
        return redirect("ciudadanos:perfil_editar")
    from . import pide

    return render(
        request,
        "ciudadanos/perfil.html",
        {
            "perfil": perfil,
            "lugar": ubigeo.ubicacion(perfil.ubigeo),
            "campos_discrepantes": selectors.campos_discrepantes(perfil),
            "pide_configurado": pide.configurado(),
        },
    )


@login_required
@require_GET
def uso_de_mis_datos(request):
    """Every PIDE lookup about the citizen and every time staff opened one of
    their requests, newest first."""
    pagina = Paginator(selectors.uso_de_datos_filas(usuario=request.user), 25).get_page(
        request.GET.get("pagina")
    )
    return render(request, "ciudadanos/uso_de_mis_datos.html", {
        "pagina": pagina, "usos": selectors.uso_de_datos_describir(list(pagina.object_list)),
    })


def _inicial(perfil):
    if perfil is None:
        return {}
    inicial = {
        campo: getattr(perfil, campo)
        for campo in PerfilForm.CAMPOS_IDENTIDAD + ("telefono", "direccion")
    }
    if perfil.digito_verificacion:
        inicial["numero_documento"] = f"{perfil.numero_documento}-{perfil.digito_verificacion}"
    inicial.update(
        departamento=perfil.ubigeo[:2], provincia=perfil.ubigeo[:4], distrito=perfil.ubigeo
    )
    return inicial


def _perfil_form(perfil, *args, verificada=None, **kwargs):
    from . import pide

    form = PerfilForm(
        *args,
        initial={**_inicial(perfil), **(verificada or {})},
        identidad_bloqueada=bool(perfil and perfil.identidad_verificada),
        nombres_verificados=bool(perfil and perfil.datos_reniec_en),
        reniec=pide.configurado(),
        **kwargs,
    )
    identidad.formulario_con_identidad(form, verificada)
    return form


def _reniec_avisar(request, perfil, resultado):
    """Tells the citizen what RENIEC said about the names they saved."""
    R = services.ResultadoReniec
    if resultado == R.VERIFICADO:
        messages.success(request, _(
            "Verificamos tus nombres con RENIEC: ya no tendrás que escribirlos en tus trámites."
        ))
    elif resultado == R.DISCREPANCIA:
        messages.warning(request, _(
            "Guardamos tus nombres tal como los escribiste, pero no coinciden con los que registra "
            "RENIEC para tu DNI (%(campos)s). El personal de la entidad lo verá al revisar tus "
            "solicitudes. Revisa cómo figuran en tu DNI y corrígelos aquí si hace falta."
        ) % {"campos": ", ".join(selectors.campos_discrepantes(perfil))})
    elif resultado == R.NO_ENCONTRADO:
        messages.warning(request, _(
            "RENIEC no encontró tu DNI: guardamos los datos que escribiste. Revisa el número; "
            "mientras tanto tus solicitudes indicarán que tus datos no están verificados."
        ))
    elif resultado == R.NO_DISPONIBLE:
        messages.info(request, _(
            "RENIEC no respondió en este momento: guardamos los nombres que escribiste. Puedes "
            "presentar tus trámites igual; indicarán que tus datos aún no están verificados."
        ))


@login_required
def perfil_editar(request):
    perfil = selectors.perfil_de_usuario(usuario=request.user)
    verificada = None if perfil else identidad.identidad_pendiente(request)  # entered with ID GOB.PE
    if request.method != "POST":
        form = _perfil_form(perfil, verificada=verificada)
        return render(request, "ciudadanos/perfil_editar.html", {"form": form, "perfil": perfil})

    form = _perfil_form(perfil, request.POST, verificada=verificada)
    if request.POST.get("accion") in ACCIONES_UBIGEO:
        # Only refreshing the lists: keep what was typed, show no errors yet, and
        # put the citizen back on the list that just changed.
        siguiente = "provincia" if request.POST["accion"] == "provincias" else "distrito"
        form.fields[siguiente].widget.attrs["autofocus"] = True
        form.errors.clear()  # nor inline errors ("Elige la provincia") or aria-invalid
        return render(
            request,
            "ciudadanos/perfil_editar.html",
            {"form": form, "perfil": perfil, "refrescando": request.POST["accion"]},
        )
    if form.is_valid():
        try:
            guardado, resultado = services.perfil_guardar_con_reniec(
                usuario=request.user, datos=form.cleaned_data, consultar_reniec=not verificada
            )
            identidad.identidad_pendiente_aplicar(request, guardado)
        except services.DocumentoYaRegistrado as error:
            form.add_error("numero_documento", error)
        except services.NombresRequeridos as error:
            form.add_error(error.campo, error)
        else:
            messages.success(
                request,
                _("Guardamos tu perfil. Te enviamos un aviso a tu correo.")
                if perfil
                else _("Completaste tu perfil. Ya puedes hacer trámites en línea."),
            )
            _reniec_avisar(request, guardado, resultado)
            return redirect("ciudadanos:perfil")
    return render(
        request, "ciudadanos/perfil_editar.html", {"form": form, "perfil": perfil}, status=400
    )


@login_required
def datos_descargar(request):
    datos = selectors.datos_personales_exportar(usuario=request.user)
    respuesta = HttpResponse(
        json.dumps(datos, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    fecha = timezone.localdate().isoformat()
    respuesta["Content-Disposition"] = f'attachment; filename="mis-datos-{fecha}.json"'
    respuesta["Cache-Control"] = "no-store"
    return respuesta


@require_GET
@cache_control(public=True, max_age=86400)
def ubigeo_hijos(request, codigo):
    """Provinces of a department (2 digits) or districts of a province (4 digits),
    for the progressive enhancement of the address selects."""
    if len(codigo) == 2 and codigo in ubigeo.catalogo().departamentos:
        lugares = ubigeo.provincias(codigo)
    elif len(codigo) == 4 and codigo in ubigeo.catalogo().provincias:
        lugares = ubigeo.distritos(codigo)
    else:
        raise Http404
    return JsonResponse(
        {"lugares": [{"codigo": lugar.codigo, "nombre": lugar.nombre} for lugar in lugares]}
    )


@login_required
def casilla(request):
    pagina = Paginator(selectors.notificaciones_de(usuario=request.user), 20).get_page(
        request.GET.get("pagina")
    )
    no_leidas = request.casilla_no_leidas = selectors.no_leidas_contar(usuario=request.user)
    return render(request, "ciudadanos/casilla.html", {
        "pagina": pagina, "no_leidas": no_leidas, "efecto": alertas.efecto_texto(),
        "fallas": canales.fallas_describir(canales.canales_fallando(usuario=request.user)),
    })


@login_required
@require_POST
def casilla_marcar_leidas(request):
    marcadas = services.notificaciones_leer_todas(usuario=request.user)
    if marcadas:
        messages.success(request, ngettext(
            "Marcamos %(n)d notificación como leída. Quedó registrada como recibida, igual que si la abrieras.",
            "Marcamos %(n)d notificaciones como leídas. Quedaron registradas como recibidas, igual que si las abrieras.",
            marcadas,
        ) % {"n": marcadas})
    else:
        messages.info(request, _("No tenías notificaciones sin leer."))
    return redirect("ciudadanos:casilla")


@login_required
@never_cache
def notificacion(request, pk):
    notificacion = selectors.notificacion_de(usuario=request.user, pk=pk)
    primera_lectura = notificacion.leida_en is None
    notificacion = services.notificacion_leer(notificacion=notificacion, usuario=request.user)
    return render(
        request,
        "ciudadanos/notificacion.html",
        {"notificacion": notificacion, "primera_lectura": primera_lectura, "efecto": alertas.efecto_texto()},
    )
