"""Downloads of issued documents (for their owner or the office) and the public verification, by code or by file."""

import hashlib

from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from egov.red import intentos_superados, ip_cliente

from .. import services
from ..constancias import selectors as constancias_selectors
from ..constancias.services import datos_para_mostrar
from ..forms import (
    ArchivoVerificarForm,
    VerificarForm,
)
from ..views.subidas import limites_verificacion, subida_limitada
from . import selectors
from .services import titular_y_representante


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


@subida_limitada(limites_verificacion)
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
    constancia = None if certificado else constancias_selectors.constancia_por_codigo(codigo=normalizado)
    if _limitado(request, fallo=certificado is None and constancia is None):
        return _demasiados(request)
    if constancia is not None:
        respuesta = render(request, "tramites/verificar_constancia.html",
                           {"codigo": codigo, "constancia": constancia, "datos": datos_para_mostrar(constancia.datos)})
        respuesta["X-Robots-Tag"] = "noindex"
        return respuesta
    contexto = {"codigo": codigo, "certificado": certificado}
    if certificado is not None:
        solicitante = titular_y_representante(certificado.solicitud.solicitante)["solicitante"]
        contexto.update(
            titular=selectors.enmascarar_nombre(solicitante.get("nombre_completo", "")),
            documento=f"{solicitante.get('tipo_documento', '')} {selectors.enmascarar_documento(solicitante.get('numero_documento', ''))}",
        )
    respuesta = render(request, "tramites/verificar_resultado.html", contexto, status=200 if certificado else 404)
    respuesta["X-Robots-Tag"] = "noindex"
    return respuesta
