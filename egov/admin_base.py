"""What every model admin of the portal shares (the admin site itself, which
decides who enters, is ciudadanos/panel.py; egov's own models are in
egov/admin.py)."""

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext


class FiltroCerrado(admin.SimpleListFilter):
    """A list filter that accepts only its own lookup values. Anything else
    (a typo, a number too big for the column, a hand-made URL) gets the
    admin's answer to a wrong filter, back to the list with ?e=1: never a
    query the database refuses."""

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        valor = self.used_parameters.get(self.parameter_name)
        if valor is not None and valor not in {str(v) for v, _titulo in self.lookup_choices}:
            raise IncorrectLookupParameters(f"{self.parameter_name}={valor!r}")


class PanelAdminMixin:
    """What every model admin of the portal shares.

    * Its queryset is the servant's scope, and an object outside it, or an id
      the column cannot hold (letters, a number past its range), is "not
      found" (404), as everywhere else in the portal, instead of the admin's
      redirect to its index.
    * A list asked for with a query string the database cannot take (a NUL
      character, a year too big for a date) answers as the admin answers any
      wrong filter: back to the list with ?e=1, never a server error."""

    def consulta_del_objeto(self, request):
        """The queryset an object page is read from (its scope, and what the
        page needs prefetched)."""
        return self.get_queryset(request)

    def get_object(self, request, object_id, from_field=None):
        consulta = self.consulta_del_objeto(request)
        campo = consulta.model._meta.pk if from_field is None else consulta.model._meta.get_field(from_field)
        try:
            valor = campo.to_python(object_id)
            campo.run_validators(valor)
        except (ValidationError, ValueError, TypeError):
            raise Http404 from None
        objeto = consulta.filter(**{campo.name: valor}).first()
        if objeto is None:
            raise Http404
        return objeto

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except IntegrityError:
            # Another change got there first, or a hand-made form counted its
            # rows wrong: nothing was saved (the admin saves in a transaction).
            messages.error(request, _(
                "No se guardó: lo enviado choca con datos ya guardados (por ejemplo, dos preguntas con "
                "el mismo nombre interno, o alguien guardó este registro al mismo tiempo). Revisa los "
                "datos y vuelve a intentarlo."
            ))
            return HttpResponseRedirect(request.get_full_path())

    def get_changelist_instance(self, request):
        if any("\x00" in valor for _clave, valores in request.GET.lists() for valor in valores):
            raise IncorrectLookupParameters("NUL")
        try:
            return super().get_changelist_instance(request)
        except OverflowError as error:  # the date hierarchy's datetime(year, …)
            raise IncorrectLookupParameters(error) from error


class PanelModelAdmin(PanelAdminMixin, admin.ModelAdmin):
    pass


class SoloLecturaAdmin(PanelModelAdmin):
    """A record the admin shows and never edits, adds or deletes: its
    changes go through services (actions, buttons), if at all."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReintentoFilter(FiltroCerrado):
    """Documents of the pipeline (egov/documentos.py) by what their automatic retries say."""

    title = gettext_lazy("reintento automático")
    parameter_name = "reintento"

    def lookups(self, request, model_admin):
        return [
            ("atencion", _("Requieren atención (fallan hace más de una hora o ya no se reintentan)")),
            ("agotado", _("Ya no se reintentan automáticamente")),
        ]

    def queryset(self, request, queryset):
        from .documentos import AVISO_FALLA

        if self.value() == "atencion":
            return queryset.con_fallas(desde=timezone.now() - AVISO_FALLA)
        if self.value() == "agotado":
            return queryset.sin_reintento()
        return queryset


def avisos_de_fallas(consultas: dict) -> list[dict]:
    """The warning at the top of a list: of each kind of document in
    `consultas` ({model name: queryset of failing ones}), how many fail for
    more than an hour or wait for someone to retry them, with a link to them."""
    avisos = []
    for consulta in consultas.values():
        modelo = consulta.model
        datos = consulta.fallas_contar()
        total, sin_reintento = datos["fallando"], datos["sin_reintento"]
        if not total:
            continue
        nombre = modelo._meta.verbose_name if total == 1 else modelo._meta.verbose_name_plural
        if sin_reintento:
            texto = ngettext(
                "%(n)s %(nombre)s no se pudo generar", "%(n)s %(nombre)s no se pudieron generar", total,
            ) % {"n": total, "nombre": nombre} + "; " + ngettext(
                "%(m)s ya no se reintenta automáticamente: revise el error y use «Reintentar».",
                "%(m)s ya no se reintentan automáticamente: revise el error y use «Reintentar».",
                sin_reintento,
            ) % {"m": sin_reintento}
        else:
            texto = ngettext(
                "%(n)s %(nombre)s falla desde hace más de una hora; se sigue reintentando automáticamente.",
                "%(n)s %(nombre)s fallan desde hace más de una hora; se siguen reintentando automáticamente.",
                total,
            ) % {"n": total, "nombre": nombre}
        url = reverse(f"admin:{modelo._meta.app_label}_{modelo._meta.model_name}_changelist")
        avisos.append({"texto": texto, "grave": bool(sin_reintento),
                       "url": f"{url}?{ReintentoFilter.parameter_name}=atencion"})
    return avisos


class DocumentoAdmin(SoloLecturaAdmin):
    """A kind of issued document in the admin: its state, its retries, the
    last error, the warning of failing ones and the "Reintentar" action.
    Subclasses scope `get_queryset` and give `consultas_con_fallas`."""

    view_on_site = False
    list_display = ("estado", "reintento", "intentos", "emitido_en", "actualizado_en")
    list_filter = ("estado", ReintentoFilter)
    actions = ("reintentar",)
    readonly_fields = ("estado", "archivo", "sha256", "intentos", "rondas", "primer_fallo_en",
                       "proximo_intento_en", "error", "emitido_en", "creado_en", "actualizado_en")
    change_list_template = "admin/documento_change_list.html"

    def consultas_con_fallas(self, request) -> dict:
        raise NotImplementedError

    def changelist_view(self, request, extra_context=None):
        contexto = {
            "documentos_con_fallas": SimpleLazyObject(lambda: avisos_de_fallas(self.consultas_con_fallas(request))),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context=contexto)

    @admin.display(description=gettext_lazy("reintento automático"), ordering="proximo_intento_en")
    def reintento(self, obj):
        from .models import EstadoDocumento

        if obj.estado != EstadoDocumento.FALLIDO:
            return "—"
        if obj.proximo_intento_en is None:
            return format_html("<strong>⚠ {}</strong>", _("No: use «Reintentar»"))
        return timezone.localtime(obj.proximo_intento_en).strftime("%d/%m/%Y %H:%M")

    @admin.action(description=gettext_lazy("Reintentar la generación de los que fallaron"))
    def reintentar(self, request, queryset):
        from .documentos import documento_reintentar
        from .models import EstadoDocumento

        n = 0
        for documento in queryset.exclude(estado=EstadoDocumento.EMITIDO):
            documento_reintentar(documento=documento)
            n += 1
        self.message_user(request, _("Enviados a generar de nuevo: %d.") % n, messages.SUCCESS)


def columna_si_no(campo: str, titulo, *, ordenable: bool = True):
    """A list column for a yes/no field (or property, not `ordenable`) that
    reads "Sí" or "No": Django's own shows an icon whose alternative text is
    "True" or "False", in English."""

    @admin.display(description=titulo, ordering=campo if ordenable else None)
    def columna(self, obj):
        return _("Sí") if getattr(obj, campo) else _("No")

    return columna
