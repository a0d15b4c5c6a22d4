"""
The back office: civil servants process requests in the Django admin. Every
action goes through the transition service; the admin only shows what the
servant's office and role allow and records each time a request is opened.
"""

import csv
import datetime

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, F, Prefetch
from django.http import Http404, HttpResponseRedirect, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject, cached_property
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from egov.admin import FiltroCerrado, PanelModelAdmin, SoloLecturaAdmin

from . import selectors, services
from .declaraciones import respuesta_mostrar
from .models import (
    ESTADOS_ABIERTOS,
    AccesoExpediente,
    Adjunto,
    AdjuntoRequerido,
    CampoTramite,
    CargoPresentacion,
    Certificado,
    DiaNoLaborable,
    Estado,
    EstadoDocumento,
    Evento,
    Observacion,
    Oficina,
    Solicitud,
    Tramite,
)
from .plazos import Calendario

# --- Catalog ---------------------------------------------------------------------------------


@admin.register(Oficina)
class OficinaAdmin(PanelModelAdmin):
    list_display = ("nombre", "sigla", "activa")
    search_fields = ("nombre", "sigla")
    filter_horizontal = ("personal",)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and (obj.tramites_recibidos.exists() or obj.tramites_resueltos.exists()):
            return False
        return super().has_delete_permission(request, obj)


class CampoInline(admin.StackedInline):
    model = CampoTramite
    extra = 0


class AdjuntoRequeridoInline(admin.TabularInline):
    model = AdjuntoRequerido
    extra = 0


@admin.register(Tramite)
class TramiteAdmin(PanelModelAdmin):
    list_display = ("codigo", "nombre", "calificacion", "tasa", "plazo_dias", "activo")
    list_filter = ("calificacion", "activo", "oficina_resolucion")
    search_fields = ("codigo", "nombre")
    list_select_related = ("oficina_resolucion",)
    prepopulated_fields = {"slug": ("nombre",)}
    inlines = (CampoInline, AdjuntoRequeridoInline)
    actions = ("desactivar",)

    def has_delete_permission(self, request, obj=None):
        # A procedure with requests is deactivated, never deleted.
        if obj is not None and obj.solicitudes.exists():
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        acciones = super().get_actions(request)
        acciones.pop("delete_selected", None)
        return acciones

    @admin.action(description=gettext_lazy("Desactivar los trámites seleccionados"), permissions=["change"])
    def desactivar(self, request, queryset):
        for tramite in queryset:
            tramite.activo = False
            tramite.save(update_fields=["activo"])
            self.log_change(request, tramite, [{"changed": {"fields": ["activo"]}}])
        self.message_user(request, _("Trámites desactivados: %d.") % queryset.count(), messages.SUCCESS)


@admin.register(DiaNoLaborable)
class DiaNoLaborableAdmin(PanelModelAdmin):
    list_display = ("fecha", "motivo")
    date_hierarchy = "fecha"


# --- Requests -----------------------------------------------------------------------------------


class PaginadorAcotado(Paginator):
    """Counts at most LIMITE rows: on a table of millions the admin does not
    pay for a full COUNT(*) just to draw page links."""

    LIMITE = 10_000

    @cached_property
    def count(self):
        # Without the ordering: any LIMITE+1 rows will do, read from the index.
        return self.object_list.order_by()[: self.LIMITE + 1].count()


class EstadoFilter(FiltroCerrado):
    title = gettext_lazy("estado")
    parameter_name = "estado"

    def lookups(self, request, model_admin):
        return [("abiertas", _("Abiertas (por atender)"))] + [
            (e.value, e.label) for e in Estado if e != Estado.BORRADOR
        ] + [("todas", _("Todas"))]

    def value(self):
        return super().value() or "abiertas"

    def choices(self, changelist):
        for valor, titulo in self.lookup_choices:
            yield {
                "selected": self.value() == valor,
                "query_string": changelist.get_query_string({self.parameter_name: valor}),
                "display": titulo,
            }

    def queryset(self, request, queryset):
        valor = self.value()
        if valor == "abiertas":
            return queryset.filter(estado__in=ESTADOS_ABIERTOS)
        if valor == "todas":
            return queryset
        return queryset.filter(estado=valor)


class VencimientoFilter(FiltroCerrado):
    title = gettext_lazy("plazo")
    parameter_name = "plazo"

    def lookups(self, request, model_admin):
        return [("vencidos", _("Vencidos")), ("semana", _("Vencen esta semana"))]

    def queryset(self, request, queryset):
        hoy = timezone.localdate()
        abiertas = queryset.filter(estado__in=(Estado.PRESENTADA, Estado.EN_EVALUACION))
        if self.value() == "vencidos":
            return abiertas.filter(fecha_limite__lt=hoy)
        if self.value() == "semana":
            domingo = hoy + datetime.timedelta(days=6 - hoy.weekday())
            return abiertas.filter(fecha_limite__gte=hoy, fecha_limite__lte=domingo)
        return queryset


class AsignacionFilter(FiltroCerrado):
    title = gettext_lazy("asignación")
    parameter_name = "asignacion"

    def lookups(self, request, model_admin):
        return [("mias", _("Asignados a mí")), ("libres", _("Sin asignar"))]

    def queryset(self, request, queryset):
        if self.value() == "mias":
            return queryset.filter(asignado_a=request.user)
        if self.value() == "libres":
            return queryset.filter(asignado_a__isnull=True)
        return queryset


class OficinaFilter(FiltroCerrado):
    title = gettext_lazy("oficina que resuelve")
    parameter_name = "oficina"

    def lookups(self, request, model_admin):
        oficinas = Oficina.objects.all() if request.user.is_superuser else request.user.oficinas.all()
        return [(str(o.pk), o.nombre) for o in oficinas.order_by("nombre")]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(tramite__oficina_resolucion_id=int(self.value()))
        return queryset


class ObservarForm(forms.Form):
    mensaje = forms.CharField(
        label=gettext_lazy("Qué debe subsanar el ciudadano"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=3000,
        error_messages={"required": gettext_lazy("Escribe qué debe subsanar el ciudadano.")},
    )


class DenegarForm(forms.Form):
    motivo = forms.CharField(
        label=gettext_lazy("Motivo de la denegatoria"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=3000,
        error_messages={"required": gettext_lazy("Escribe el motivo de la denegatoria.")},
    )


class AprobarForm(forms.Form):
    nota = forms.CharField(
        label=gettext_lazy("Nota para el ciudadano (opcional)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=3000,
        required=False,
    )


FORMULARIOS = {"observar": ObservarForm, "denegar": DenegarForm, "aprobar": AprobarForm}


@admin.register(Solicitud)
class SolicitudAdmin(SoloLecturaAdmin):
    list_display = ("expediente", "tramite_nombre", "ciudadano_nombre", "estado_texto",
                    "presentada_en", "plazo", "asignado_a")
    list_display_links = ("expediente",)
    list_filter = (EstadoFilter, VencimientoFilter, AsignacionFilter, OficinaFilter, "tramite")
    search_fields = ("=expediente", "=ciudadano__perfil__numero_documento",
                     "ciudadano__perfil__apellido_paterno", "ciudadano__perfil__nombres")
    list_select_related = ("tramite", "asignado_a")
    list_per_page = 50
    show_full_result_count = False
    paginator = PaginadorAcotado
    actions = ("asignarme", "exportar_csv")
    change_form_template = "admin/tramites/solicitud/change_form.html"
    view_on_site = False
    change_list_template = "admin/tramites/solicitud/change_list.html"

    class Media:
        css = {"all": ("css/admin-portal.css",)}
    fields = ()

    # -- scope and permissions --

    def get_queryset(self, request):
        return selectors.solicitudes_de_personal(usuario=request.user).select_related(
            "tramite", "asignado_a"
        )

    def get_ordering(self, request):
        # Most urgent first: the nearest due date, requests without one last.
        return (F("fecha_limite").asc(nulls_last=True), "id")

    def changelist_view(self, request, extra_context=None):
        contexto = {"documentos_con_fallas": avisos_documentos(request.user), **(extra_context or {})}
        return super().changelist_view(request, extra_context=contexto)

    def get_changelist(self, request, **kwargs):
        self._calendario = Calendario()
        self._hoy = timezone.localdate()
        return ChangeList

    # -- columns --

    @admin.display(description=gettext_lazy("trámite"), ordering="tramite__nombre")
    def tramite_nombre(self, obj):
        return obj.tramite.nombre

    @admin.display(description=gettext_lazy("ciudadano"))
    def ciudadano_nombre(self, obj):
        datos = obj.solicitante or {}
        return f"{datos.get('nombre_completo', '—')} ({datos.get('numero_documento', '')})"

    @admin.display(description=gettext_lazy("estado"), ordering="estado")
    def estado_texto(self, obj):
        return obj.get_estado_display()

    @admin.display(description=gettext_lazy("plazo"), ordering="fecha_limite")
    def plazo(self, obj):
        return plazo_descripcion(obj, getattr(self, "_calendario", None) or Calendario(),
                                 getattr(self, "_hoy", None) or timezone.localdate())

    # -- actions --

    @admin.action(description=gettext_lazy("Asignármelas (tomar para evaluar)"))
    def asignarme(self, request, queryset):
        tomadas, errores = 0, []
        for solicitud in queryset:
            try:
                services.solicitud_tomar(solicitud=solicitud, servidor=request.user)
                tomadas += 1
            except services.TransicionNoPermitida as error:
                errores.append(f"{solicitud.expediente}: {error}")
        if tomadas:
            self.message_user(request, _("Tomaste %d solicitudes.") % tomadas, messages.SUCCESS)
        for error in errores:
            self.message_user(request, error, messages.WARNING)

    @admin.action(description=gettext_lazy("Exportar a CSV (sin datos personales)"))
    def exportar_csv(self, request, queryset):
        calendario, hoy = Calendario(), timezone.localdate()

        class Eco:
            def write(self, valor):
                return valor

        escritor = csv.writer(Eco())

        def filas():
            yield escritor.writerow(["expediente", "tramite", "oficina", "estado", "presentada_en",
                                     "fecha_limite", "plazo", "asignado_a"])
            for s in queryset.select_related("tramite__oficina_resolucion", "asignado_a").iterator(2000):
                yield escritor.writerow([
                    s.expediente, s.tramite.nombre, s.tramite.oficina_resolucion.nombre,
                    s.get_estado_display(),
                    timezone.localtime(s.presentada_en).strftime("%Y-%m-%d %H:%M") if s.presentada_en else "",
                    s.fecha_limite.isoformat() if s.fecha_limite else "",
                    plazo_texto(s, calendario, hoy), s.asignado_a.email if s.asignado_a else "",
                ])

        respuesta = StreamingHttpResponse(filas(), content_type="text/csv; charset=utf-8")
        respuesta["Content-Disposition"] = f'attachment; filename="solicitudes-{hoy.isoformat()}.csv"'
        return respuesta

    # -- change page --

    def get_urls(self):
        propias = [
            path("supervision/", self.admin_site.admin_view(self.supervision), name="tramites_supervision"),
            path("<int:pk>/accion/<str:accion>/", self.admin_site.admin_view(self.accion),
                 name="tramites_solicitud_accion"),
        ]
        return propias + super().get_urls()

    def consulta_del_objeto(self, request):
        return (
            self.get_queryset(request)
            .select_related("tramite__oficina_resolucion", "tramite__oficina_recepcion")
            .prefetch_related(
                "tramite__campos",
                Prefetch("adjuntos", queryset=Adjunto.objects.select_related("requerido")),
                Prefetch("eventos", queryset=Evento.objects.select_related("actor")),
                Prefetch("observaciones", queryset=Observacion.objects.all()),
            )
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        solicitud = self.get_object(request, object_id)
        # Checked before recording the access: a servant refused the page did not open it.
        if not self.has_view_or_change_permission(request, solicitud):
            raise PermissionDenied
        if request.method == "GET":
            services.acceso_registrar(solicitud=solicitud, usuario=request.user)
        acciones = selectors.acciones_disponibles(solicitud=solicitud, usuario=request.user)
        contexto = {
            "solicitud": solicitud,
            "respuestas": [
                (c, respuesta_mostrar(c, solicitud.respuestas.get(c.nombre, "")))
                for c in solicitud.tramite.campos.all()
            ],
            "plazo_texto": plazo_descripcion(solicitud, Calendario(), timezone.localdate()),
            "acciones": acciones,
            "formularios": {nombre: FORMULARIOS[nombre]() for nombre in acciones if nombre in FORMULARIOS},
            "evaluadores": selectors.evaluadores_de(solicitud=solicitud) if "asignar" in acciones else [],
            "accesos": AccesoExpediente.objects.filter(solicitud=solicitud).select_related("usuario")[:20],
            **(extra_context or {}),
        }
        return super().change_view(request, object_id, form_url, extra_context=contexto)

    def accion(self, request, pk, accion):
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:tramites_solicitud_change", args=[pk]))
        return self._accion(request, pk, accion)

    @staticmethod
    def _accion_responder(request, pk, mensaje, nivel):
        messages.add_message(request, nivel, mensaje)
        return HttpResponseRedirect(reverse("admin:tramites_solicitud_change", args=[pk]))

    def _accion(self, request, pk, accion):
        solicitud = self.get_queryset(request).filter(pk=pk).first()
        if solicitud is None:
            raise Http404
        if accion not in ("tomar", "asignar", "observar", "aprobar", "denegar"):
            raise Http404
        form = FORMULARIOS[accion](request.POST) if accion in FORMULARIOS else None
        if form is not None and not form.is_valid():
            errores = "; ".join(e for lista in form.errors.values() for e in lista)
            return self._accion_responder(request, pk, errores, messages.ERROR)
        try:
            if accion == "tomar":
                services.solicitud_tomar(solicitud=solicitud, servidor=request.user)
                texto = _("Tomaste el expediente %s.")
            elif accion == "asignar":
                elegido = request.POST.get("asignado", "")
                asignado = (
                    selectors.evaluadores_de(solicitud=solicitud).filter(pk=int(elegido)).first()
                    if elegido.isdigit() and len(elegido) <= 18 else None
                )
                if asignado is None:
                    return self._accion_responder(
                        request, pk, _("Elige a quién asignar el expediente de la lista."), messages.ERROR
                    )
                services.solicitud_asignar(solicitud=solicitud, servidor=request.user, asignado=asignado)
                texto = _("Asignaste el expediente %s.")
            elif accion == "observar":
                services.solicitud_observar(solicitud=solicitud, servidor=request.user,
                                            mensaje=form.cleaned_data["mensaje"])
                texto = _("Observaste el expediente %s: el ciudadano tiene 2 días hábiles para subsanar.")
            elif accion == "aprobar":
                services.solicitud_aprobar(solicitud=solicitud, servidor=request.user,
                                           nota=form.cleaned_data["nota"])
                texto = _("Aprobaste el expediente %s.")
            else:
                services.solicitud_denegar(solicitud=solicitud, servidor=request.user,
                                           motivo=form.cleaned_data["motivo"])
                texto = _("Denegaste el expediente %s.")
        except services.TransicionNoPermitida as error:
            return self._accion_responder(request, pk, str(error), messages.ERROR)
        return self._accion_responder(request, pk, texto % solicitud.expediente, messages.SUCCESS)

    # -- supervision --

    def supervision(self, request):
        if not request.user.has_perm("tramites.ver_supervision"):
            raise PermissionDenied
        contexto = {
            **self.admin_site.each_context(request),
            "title": _("Supervisión"),
            "opts": self.model._meta,
            **supervision_datos(usuario=request.user),
        }
        return TemplateResponse(request, "admin/tramites/supervision.html", contexto)


def plazo_texto(solicitud, calendario, hoy) -> str:
    if solicitud.estado not in (Estado.PRESENTADA, Estado.EN_EVALUACION) or not solicitud.fecha_limite:
        if solicitud.estado == Estado.OBSERVADA:
            return _("Detenido (observada)")
        return "—"
    if solicitud.fecha_limite < hoy:
        dias = calendario.entre(solicitud.fecha_limite, hoy)
        return _("VENCIDO hace %(n)s días hábiles") % {"n": dias} if dias != 1 else _("VENCIDO hace 1 día hábil")
    dias = calendario.entre(hoy, solicitud.fecha_limite)
    if dias == 0:
        return _("Vence hoy")
    return _("Quedan %(n)s días hábiles") % {"n": dias} if dias != 1 else _("Queda 1 día hábil")


def plazo_descripcion(solicitud, calendario, hoy):
    """Due date and business days left; overdue and due-soon are marked with a
    word and a symbol, not only a colour."""
    texto = plazo_texto(solicitud, calendario, hoy)
    fecha = solicitud.fecha_limite.strftime("%d/%m/%Y") if solicitud.fecha_limite else ""
    if texto.startswith(_("VENCIDO")):
        return format_html('<strong class="plazo plazo--vencido">⚠ {} · {}</strong>', fecha, texto)
    abierta = solicitud.estado in (Estado.PRESENTADA, Estado.EN_EVALUACION) and solicitud.fecha_limite
    if abierta and calendario.entre(hoy, solicitud.fecha_limite) <= 2:
        return format_html('<strong class="plazo plazo--pronto">⏰ {} · {}</strong>', fecha, texto)
    return format_html("{} {}", fecha, f"· {texto}" if fecha else texto)


def supervision_datos(*, usuario) -> dict:
    """Figures for a head of office, computed by aggregation in the database."""
    hoy = timezone.localdate()
    calendario = Calendario()
    base = selectors.solicitudes_de_personal(usuario=usuario)
    abiertas = base.filter(estado__in=(Estado.PRESENTADA, Estado.EN_EVALUACION))
    vencidas = abiertas.filter(fecha_limite__lt=hoy)
    en_cinco = calendario.sumar(hoy, 5)
    por_estado = dict(base.values_list("estado").annotate(n=Count("id")).order_by())
    decididas = base.filter(
        decidida_en__gte=timezone.now() - datetime.timedelta(days=30),
        decidida_en__isnull=False, presentada_en__isnull=False,
    ).values_list("presentada_en", "decidida_en")
    duraciones = [
        calendario.entre(timezone.localtime(p).date(), timezone.localtime(d).date()) for p, d in decididas
    ]
    return {
        "por_estado": [(e.label, por_estado.get(e.value, 0)) for e in Estado if e != Estado.BORRADOR],
        "vencidas_por_oficina": list(
            vencidas.values("tramite__oficina_resolucion__nombre").annotate(n=Count("id")).order_by("-n")
        ),
        "vencidas_por_servidor": list(
            vencidas.values("asignado_a__email").annotate(n=Count("id")).order_by("-n")
        ),
        "vencen_pronto": abiertas.filter(fecha_limite__gte=hoy, fecha_limite__lte=en_cinco).count(),
        "hasta": en_cinco,
        "promedio_dias": round(sum(duraciones) / len(duraciones), 1) if duraciones else None,
        "decididas_30": len(duraciones),
    }


@admin.register(AccesoExpediente)
class AccesoExpedienteAdmin(SoloLecturaAdmin):
    list_display = ("creado_en", "solicitud", "usuario", "oficina", "rol")
    list_select_related = ("solicitud", "usuario")
    search_fields = ("=solicitud__expediente",)
    date_hierarchy = "creado_en"

    def get_queryset(self, request):
        consulta = super().get_queryset(request)
        if request.user.is_superuser:
            return consulta
        return consulta.filter(solicitud__in=selectors.solicitudes_de_personal(usuario=request.user))


# --- Issued documents ---------------------------------------------------------------------------


class RevocarForm(forms.Form):
    motivo = forms.CharField(
        label=gettext_lazy("Motivo de la revocación"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": gettext_lazy("Escribe el motivo de la revocación.")},
    )


class ReintentoFilter(FiltroCerrado):
    title = gettext_lazy("reintento automático")
    parameter_name = "reintento"

    def lookups(self, request, model_admin):
        return [
            ("atencion", _("Requieren atención (fallan hace más de una hora o ya no se reintentan)")),
            ("agotado", _("Ya no se reintentan automáticamente")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "atencion":
            return queryset.con_fallas(desde=timezone.now() - services.AVISO_FALLA)
        if self.value() == "agotado":
            return queryset.sin_reintento()
        return queryset


def avisos_documentos(usuario):
    """The warning at the top of the inbox and of the documents lists: the
    servant's certificates and receipts that fail for more than an hour or
    wait for someone to retry them. Counted only if the page is drawn."""

    def calcular():
        avisos = []
        consultas = services.documentos_con_fallas(
            solicitudes=selectors.solicitudes_de_personal(usuario=usuario)
        )
        for modelo in (Certificado, CargoPresentacion):
            datos = consultas[modelo._meta.model_name].fallas_contar()
            total, sin_reintento = datos["fallando"], datos["sin_reintento"]
            if not total:
                continue
            nombre = modelo._meta.verbose_name if total == 1 else modelo._meta.verbose_name_plural
            if sin_reintento:
                texto = ngettext(
                    "%(n)s %(nombre)s no se pudo generar",
                    "%(n)s %(nombre)s no se pudieron generar",
                    total,
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
            url = reverse(f"admin:tramites_{modelo._meta.model_name}_changelist")
            avisos.append({"texto": texto, "grave": bool(sin_reintento),
                           "url": f"{url}?{ReintentoFilter.parameter_name}=atencion"})
        return avisos

    return SimpleLazyObject(calcular)


class DocumentoAdminBase(SoloLecturaAdmin):
    view_on_site = False
    list_display = ("solicitud", "estado", "reintento", "intentos", "emitido_en", "actualizado_en")
    list_filter = ("estado", ReintentoFilter)
    search_fields = ("=solicitud__expediente",)
    list_select_related = ("solicitud",)
    actions = ("reintentar",)
    readonly_fields = ("solicitud", "estado", "archivo", "sha256", "intentos", "rondas", "primer_fallo_en",
                       "proximo_intento_en", "error", "emitido_en", "creado_en", "actualizado_en")
    change_list_template = "admin/tramites/documento_change_list.html"

    def get_queryset(self, request):
        return super().get_queryset(request).filter(
            solicitud__in=selectors.solicitudes_de_personal(usuario=request.user)
        )

    def changelist_view(self, request, extra_context=None):
        contexto = {"documentos_con_fallas": avisos_documentos(request.user), **(extra_context or {})}
        return super().changelist_view(request, extra_context=contexto)

    @admin.display(description=gettext_lazy("reintento automático"), ordering="proximo_intento_en")
    def reintento(self, obj):
        if obj.estado != EstadoDocumento.FALLIDO:
            return "—"
        if obj.proximo_intento_en is None:
            return format_html("<strong>⚠ {}</strong>", _("No: use «Reintentar»"))
        return timezone.localtime(obj.proximo_intento_en).strftime("%d/%m/%Y %H:%M")

    @admin.action(description=gettext_lazy("Reintentar la generación de los que fallaron"))
    def reintentar(self, request, queryset):
        n = 0
        for documento in queryset.exclude(estado=EstadoDocumento.EMITIDO):
            services.documento_reintentar(documento=documento, usuario=request.user)
            n += 1
        self.message_user(request, _("Enviados a generar de nuevo: %d.") % n, messages.SUCCESS)


@admin.register(Certificado)
class CertificadoAdmin(DocumentoAdminBase):
    list_display = ("codigo_legible", "solicitud", "tipo", "estado", "reintento", "revocado_en", "emitido_en",
                    "intentos")
    list_filter = ("estado", "tipo", ReintentoFilter)
    search_fields = ("=solicitud__expediente", "=codigo")
    readonly_fields = DocumentoAdminBase.readonly_fields + (
        "tipo", "codigo", "resolucion", "firmante_nombre", "firmante_cargo", "revocado_en",
        "revocado_por", "motivo_revocacion",
    )
    change_form_template = "admin/tramites/certificado/change_form.html"

    def get_urls(self):
        return [
            path("<int:pk>/revocar/", self.admin_site.admin_view(self.revocar), name="tramites_certificado_revocar"),
        ] + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = {"revocar_form": RevocarForm(), "puede_revocar": request.user.has_perm("tramites.revocar_certificado")}
        return super().change_view(request, object_id, form_url, extra_context={**extra, **(extra_context or {})})

    def revocar(self, request, pk):
        certificado = self.get_queryset(request).filter(pk=pk).first()
        if certificado is None:
            raise Http404
        destino = HttpResponseRedirect(reverse("admin:tramites_certificado_change", args=[pk]))
        if request.method != "POST":
            return destino
        form = RevocarForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Escribe el motivo de la revocación."))
            return destino
        try:
            services.certificado_revocar(certificado=certificado, usuario=request.user, motivo=form.cleaned_data["motivo"])
        except services.TransicionNoPermitida as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Revocaste el certificado %s.") % certificado.codigo_legible)
        return destino


@admin.register(CargoPresentacion)
class CargoPresentacionAdmin(DocumentoAdminBase):
    pass
