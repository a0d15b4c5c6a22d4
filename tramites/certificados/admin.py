"""Certificates and filing receipts in the admin, scoped to the servant's
offices; revocation goes through the table of staff actions."""

from django.contrib import admin, messages
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.module_loading import import_string

from egov.admin_base import DocumentoAdmin, ReintentoFilter, avisos_de_fallas

from .. import selectors as tramites_selectors
from ..acciones import ACCIONES
from ..transiciones import TransicionNoPermitida
from . import selectors
from .models import CargoPresentacion, Certificado


def avisos_documentos(usuario):
    """The warning at the top of the inbox and of these lists: the servant's
    certificates and receipts that fail for more than an hour or wait for
    someone to retry them. Counted only if the page is drawn."""
    return SimpleLazyObject(lambda: avisos_de_fallas(selectors.documentos_con_fallas_de(usuario=usuario)))


class DocumentoDeSolicitudAdmin(DocumentoAdmin):
    list_display = ("solicitud", *DocumentoAdmin.list_display)
    search_fields = ("=solicitud__expediente",)
    list_select_related = ("solicitud",)
    readonly_fields = ("solicitud", *DocumentoAdmin.readonly_fields)

    def get_queryset(self, request):
        return super().get_queryset(request).filter(
            solicitud__in=tramites_selectors.solicitudes_de_personal(usuario=request.user)
        )

    def consultas_con_fallas(self, request) -> dict:
        return selectors.documentos_con_fallas_de(usuario=request.user)


@admin.register(Certificado)
class CertificadoAdmin(DocumentoDeSolicitudAdmin):
    list_display = ("codigo_legible", "solicitud", "tipo", "estado", "reintento", "revocado_en", "emitido_en",
                    "intentos")
    list_filter = ("estado", "tipo", ReintentoFilter)
    search_fields = ("=solicitud__expediente", "=codigo")
    readonly_fields = DocumentoDeSolicitudAdmin.readonly_fields + (
        "tipo", "codigo", "resolucion", "firmante_nombre", "firmante_cargo", "revocado_en",
        "revocado_por", "motivo_revocacion",
    )
    change_form_template = "admin/tramites/certificado/change_form.html"

    def get_urls(self):
        return [
            path("<int:pk>/revocar/", self.admin_site.admin_view(self.revocar), name="tramites_certificado_revocar"),
        ] + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        accion = ACCIONES["revocar"]
        extra = {"revocar_form": import_string(accion.formulario)(),
                 "puede_revocar": request.user.has_perm(accion.permiso)}
        return super().change_view(request, object_id, form_url, extra_context={**extra, **(extra_context or {})})

    def revocar(self, request, pk):
        certificado = self.get_queryset(request).filter(pk=pk).first()
        if certificado is None:
            raise Http404
        destino = HttpResponseRedirect(reverse("admin:tramites_certificado_change", args=[pk]))
        if request.method != "POST":
            return destino
        accion = ACCIONES["revocar"]
        form = import_string(accion.formulario)(request.POST)
        if not form.is_valid():
            messages.error(request, "; ".join(e for lista in form.errors.values() for e in lista))
            return destino
        try:
            import_string(accion.servicio)(certificado=certificado, servidor=request.user, **form.cleaned_data)
        except TransicionNoPermitida as error:
            messages.error(request, str(error))
        else:
            messages.success(request, accion.exito % {"codigo": certificado.codigo_legible})
        return destino


@admin.register(CargoPresentacion)
class CargoPresentacionAdmin(DocumentoDeSolicitudAdmin):
    pass
