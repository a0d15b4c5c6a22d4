"""The inbox of the back office: an office's requests ordered by urgency,
each one's page with only the actions the servant may take now (dispatched
through the one table of staff actions, acciones.py), the access record of
every opening, and the head of office's supervision page."""

import csv

from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.db.models import F, OuterRef, Prefetch, Subquery
from django.http import Http404, HttpResponseRedirect, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from egov.admin_base import SoloLecturaAdmin

from .. import selectors, services
from ..acciones import ACCIONES
from ..certificados.admin import avisos_documentos
from ..constancias import selectors as constancias_selectors
from ..constancias.views import constancia_lista, constancia_pdf
from ..declaraciones import respuesta_mostrar
from ..models import (
    AccesoExpediente,
    Adjunto,
    Evento,
    Observacion,
    Solicitud,
    TipoEvento,
)
from ..models.solicitudes import (
    plazo_corre,
)
from ..plazos import DIAS_PARA_RECURSO, Calendario
from ..services import DIAS_PARA_SUBSANAR
from ..transiciones import TransicionNoPermitida
from .filtros import (
    AsignacionFilter,
    BandejaFilter,
    EstadoFilter,
    OficinaFilter,
    PaginadorAcotado,
    VencimientoFilter,
    plazo_descripcion,
    plazo_texto,
    subsanada_esperando,
)
from .formularios import formulario_de


@admin.register(Solicitud)
class SolicitudAdmin(SoloLecturaAdmin):
    # What a servant reads to pick the next one, in that order, narrow enough
    # for 1280 px with the filters beside it (static/css/admin-portal.css, on
    # every admin page through templates/admin/base_site.html).
    list_display = ("expediente", "plazo", "tramite_nombre", "ciudadano_nombre", "estado_texto",
                    "asignado_nombre")
    list_display_links = ("expediente",)
    list_filter = (BandejaFilter, EstadoFilter, VencimientoFilter, AsignacionFilter, OficinaFilter, "tramite")
    search_fields = ("=expediente", "=ciudadano__perfil__numero_documento",
                     "ciudadano__perfil__apellido_paterno", "ciudadano__perfil__nombres")
    list_select_related = ("tramite", "asignado_a__perfil")
    list_per_page = 50
    show_full_result_count = False
    paginator = PaginadorAcotado
    actions = ("asignarme", "exportar_csv")
    change_form_template = "admin/tramites/solicitud/change_form.html"
    view_on_site = False
    change_list_template = "admin/tramites/solicitud/change_list.html"
    fields = ()

    # -- scope and permissions --

    def get_queryset(self, request):
        # A request corrected by the citizen and waiting again: its latest
        # observation was corrected and nobody has decided on it since.
        ultima = Observacion.objects.filter(solicitud=OuterRef("pk")).order_by("-creada_en", "-id")
        return selectors.solicitudes_de_personal(usuario=request.user).select_related(
            "tramite", "asignado_a__perfil"
        ).annotate(subsanada_en=Subquery(ultima.values("subsanada_en")[:1]))

    def get_ordering(self, request):
        # Most urgent first: those whose clock runs (filed, in evaluation) by
        # the nearest due date, then the rest (observed: the citizen's turn;
        # decided), requests without a due date last.
        return (plazo_corre().asc(), F("fecha_limite").asc(nulls_last=True), "id")

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
        persona = f"{datos.get('nombre_completo', '—')} ({datos.get('numero_documento', '')})"
        empresa = datos.get("empresa")
        if not empresa:
            return persona
        # Filed for a company: the company is the applicant, the citizen its representative.
        return format_html("{} (RUC {})<br><small>{} {}</small>", empresa.get("razon_social", ""),
                           empresa.get("ruc", ""), _("presentada por"), persona)

    @admin.display(description=gettext_lazy("estado"), ordering="estado")
    def estado_texto(self, obj):
        subsanada = subsanada_esperando(obj)
        if subsanada:
            return format_html('{}<br><strong class="subsanada">↻ {}</strong>', obj.get_estado_display(),
                               _("Subsanada el %(fecha)s") % {"fecha": subsanada})
        return obj.get_estado_display()

    @admin.display(description=gettext_lazy("asignada a"), ordering="asignado_a__email")
    def asignado_nombre(self, obj):
        if obj.asignado_a is None:
            return "—"
        return obj.asignado_a.get_full_name()

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
            except TransicionNoPermitida as error:
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
            path("<int:pk>/decidir/", self.admin_site.admin_view(self.decidir),
                 name="tramites_solicitud_decidir"),
            path("<int:pk>/notificaciones/<int:notificacion>/constancia/",
                 self.admin_site.admin_view(self.constancia), name="tramites_solicitud_constancia"),
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
        acciones = [
            (ACCIONES[nombre], formulario_de(ACCIONES[nombre], solicitud=solicitud),
             ACCIONES[nombre].ayuda % {"dias": DIAS_PARA_SUBSANAR})
            for nombre in selectors.acciones_disponibles(solicitud=solicitud, usuario=request.user)
        ]
        legales = constancias_selectors.notificaciones_legales(solicitud=solicitud, con_alertas=True)
        contexto = {
            "solicitud": solicitud,
            "subsanada": subsanada_esperando(solicitud),
            "respuestas": [
                (c, respuesta_mostrar(c, solicitud.respuestas.get(c.nombre, "")))
                for c in solicitud.tramite.campos.all()
            ],
            "plazo_texto": plazo_descripcion(solicitud, Calendario(), timezone.localdate()),
            "acciones": acciones,
            "accesos": AccesoExpediente.objects.filter(solicitud=solicitud).select_related("usuario")[:20],
            # Notices with legal effect: how each reached the citizen, and what
            # the office must notify by other means (no consent to the casilla).
            "notificaciones_legales": legales,
            "notificaciones_sin_aviso": [legal for legal in legales if legal.sin_aviso],
            "notificar_otro_medio": [e for e in solicitud.eventos.all() if e.tipo == TipoEvento.NOTIFICAR_OTRO_MEDIO],
            **(extra_context or {}),
        }
        return super().change_view(request, object_id, form_url, extra_context=contexto)

    def constancia(self, request, pk, notificacion):
        """The constancia de notificación of one of the request's notices
        with legal effect, as the database holds it now; while its PDF is
        being signed, back to the request's page with a message."""
        solicitud = self.get_queryset(request).filter(pk=pk).first()
        if solicitud is None or not self.has_view_or_change_permission(request, solicitud):
            raise Http404
        aviso = constancias_selectors.notificacion_legal_de_personal(
            usuario=request.user, solicitud_id=solicitud.pk, notificacion_id=notificacion
        )
        constancia = constancia_lista(notificacion=aviso)
        if constancia.listo:
            return constancia_pdf(constancia)
        messages.info(request, _("La constancia de notificación «%(asunto)s» se está generando (código %(codigo)s): "
                                 "vuelve a descargarla en un minuto.")
                      % {"asunto": aviso.asunto, "codigo": constancia.codigo_legible})
        return HttpResponseRedirect(reverse("admin:tramites_solicitud_change", args=[pk]) + "#notificaciones")

    def decidir(self, request, pk):
        """The request page's one decision form: the chosen action is carried
        out by `accion`, except a denial, which is confirmed first on a page
        of its own with the resolution text."""
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:tramites_solicitud_change", args=[pk]))
        elegida = request.POST.get("decision", "")
        if elegida not in ACCIONES:
            if not self.get_queryset(request).filter(pk=pk).exists():
                raise Http404
            return _volver_con(request, pk, _("Elige una decisión."), messages.ERROR)
        if elegida == "denegar":
            solicitud = self.get_queryset(request).filter(pk=pk).first()
            # Whoever may not deny gets the service's own refusal, as from `accion`.
            if solicitud is not None and elegida in selectors.acciones_disponibles(
                solicitud=solicitud, usuario=request.user
            ):
                return self.confirmar_denegatoria(request, solicitud)
        return self.accion(request, pk, elegida)

    def confirmar_denegatoria(self, request, solicitud):
        definicion = ACCIONES["denegar"]
        form = formulario_de(definicion, solicitud=solicitud, data=request.POST)
        if not form.is_valid():
            errores = "; ".join(e for lista in form.errors.values() for e in lista)
            return _volver_con(request, solicitud.pk, errores, messages.ERROR)
        contexto = {
            **self.admin_site.each_context(request),
            "title": _("¿Denegar el expediente %(exp)s?") % {"exp": solicitud.expediente},
            "opts": self.model._meta,
            "solicitud": solicitud,
            "form": form,
            "accion": definicion,
            "dias_para_recurso": DIAS_PARA_RECURSO,
        }
        return TemplateResponse(request, "admin/tramites/solicitud/confirmar_denegatoria.html", contexto)

    def accion(self, request, pk, accion):
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:tramites_solicitud_change", args=[pk]))
        solicitud = self.get_queryset(request).filter(pk=pk).first()
        definicion = ACCIONES.get(accion)
        if solicitud is None or definicion is None or definicion.sobre != "solicitud":
            raise Http404
        form = formulario_de(definicion, solicitud=solicitud, data=request.POST)
        if form is not None and not form.is_valid():
            errores = "; ".join(e for lista in form.errors.values() for e in lista)
            return _volver_con(request, pk, errores, messages.ERROR)
        try:
            import_string(definicion.servicio)(
                solicitud=solicitud, servidor=request.user, **(form.cleaned_data if form else {})
            )
        except TransicionNoPermitida as error:
            return _volver_con(request, pk, str(error), messages.ERROR)
        texto = definicion.exito % {"exp": solicitud.expediente, "dias": DIAS_PARA_SUBSANAR}
        return _volver_con(request, pk, texto, messages.SUCCESS)

    # -- supervision --

    def supervision(self, request):
        if not request.user.has_perm("tramites.ver_supervision"):
            raise PermissionDenied
        contexto = {
            **self.admin_site.each_context(request),
            "title": _("Supervisión"),
            "opts": self.model._meta,
            **selectors.supervision_datos(usuario=request.user),
        }
        return TemplateResponse(request, "admin/tramites/supervision.html", contexto)

def _volver_con(request, pk, mensaje, nivel):
    messages.add_message(request, nivel, mensaje)
    return HttpResponseRedirect(reverse("admin:tramites_solicitud_change", args=[pk]))
