"""The inbox's list filters and its paginator, and how a request's deadline
and correction read in the list (tramites/admin/bandeja.py)."""

import datetime

from django.core.paginator import Paginator
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from egov.admin_base import FiltroCerrado

from ..models import ESTADOS_ABIERTOS, Estado, Oficina


class PaginadorAcotado(Paginator):
    """Counts at most LIMITE rows: on a table of millions the admin does not
    pay for a full COUNT(*) just to draw page links."""

    LIMITE = 10_000

    @cached_property
    def count(self):
        # Without the ordering: any LIMITE+1 rows will do, read from the index.
        return self.object_list.order_by()[: self.LIMITE + 1].count()


class BandejaFilter(FiltroCerrado):
    """"Mi bandeja" unless the servant asks for all: the requests assigned to
    them and the unassigned ones of their offices. A search looks everywhere
    (an expediente someone else holds must still be found by its number)."""

    title = gettext_lazy("bandeja")
    parameter_name = "bandeja"

    def __init__(self, request, params, model, model_admin):
        self._busca = bool(request.GET.get("q"))
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        return [("mia", _("Mi bandeja (asignadas a mí y sin asignar)")), ("todas", _("Todas"))]

    def value(self):
        return super().value() or ("todas" if self._busca else "mia")

    def choices(self, changelist):
        for valor, titulo in self.lookup_choices:
            yield {
                "selected": self.value() == valor,
                "query_string": changelist.get_query_string({self.parameter_name: valor}),
                "display": titulo,
            }

    def queryset(self, request, queryset):
        if self.value() == "mia":
            return queryset.filter(Q(asignado_a=request.user) | Q(asignado_a__isnull=True))
        return queryset


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



def subsanada_esperando(solicitud) -> str:
    """"d/m/Y H:i" of the citizen's correction when the request waits again
    after it (its clock runs and its latest observation was corrected), else ""."""
    fecha = getattr(solicitud, "subsanada_en", None)
    if fecha is None or solicitud.estado not in (Estado.PRESENTADA, Estado.EN_EVALUACION):
        return ""
    return timezone.localtime(fecha).strftime("%d/%m/%Y %H:%M")


def plazo_texto(solicitud, calendario, hoy) -> str:
    if solicitud.estado not in (Estado.PRESENTADA, Estado.EN_EVALUACION) or not solicitud.fecha_limite:
        if solicitud.estado == Estado.OBSERVADA:
            return _("Detenido (observada)")
        return "—"
    if solicitud.fecha_limite < hoy:
        dias = calendario.entre(solicitud.fecha_limite, hoy)
        return _("Vencida hace %(n)s días hábiles") % {"n": dias} if dias != 1 else _("Vencida hace 1 día hábil")
    dias = calendario.entre(hoy, solicitud.fecha_limite)
    if dias == 0:
        return _("Vence hoy")
    return _("Quedan %(n)s días hábiles") % {"n": dias} if dias != 1 else _("Queda 1 día hábil")


def plazo_descripcion(solicitud, calendario, hoy):
    """Due date and business days left; overdue and due-soon are marked with a
    word and a symbol, not only a colour."""
    texto = plazo_texto(solicitud, calendario, hoy)
    fecha = solicitud.fecha_limite.strftime("%d/%m/%Y") if solicitud.fecha_limite else ""
    abierta = solicitud.estado in (Estado.PRESENTADA, Estado.EN_EVALUACION) and solicitud.fecha_limite
    if abierta and solicitud.fecha_limite < hoy:
        return format_html('<strong class="plazo plazo--vencido">⚠ {}</strong><br><small>{}</small>', texto, fecha)
    if abierta and calendario.entre(hoy, solicitud.fecha_limite) <= 2:
        return format_html('<strong class="plazo plazo--pronto">⏰ {}</strong><br><small>{}</small>', texto, fecha)
    if abierta:
        return format_html("{}<br><small>{}</small>", texto, fecha)
    return texto
