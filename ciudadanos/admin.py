from allauth.mfa.models import Authenticator
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from egov.admin_base import PanelAdminMixin, PanelModelAdmin, SoloLecturaAdmin, columna_si_no

from . import bloqueos, services
from .models import (
    BloqueoAcceso,
    CanalAviso,
    ConsentimientoNotificacion,
    ConsultaPide,
    Empresa,
    NivelIdentidad,
    Perfil,
    Representacion,
    Usuario,
)


class PerfilInline(admin.StackedInline):
    model = Perfil
    fk_name = "usuario"
    can_delete = False
    extra = 0
    readonly_fields = ("nivel_identidad", "identidad_verificada_en", "identidad_verificada_por")


@admin.register(Usuario)
class UsuarioAdmin(PanelAdminMixin, UserAdmin):
    ordering = ("email",)
    list_display = ("email", "nombre", "personal", "activo", "date_joined")
    personal = columna_si_no("is_staff", _("personal de la entidad"))
    activo = columna_si_no("is_active", _("activo"))
    list_filter = ("is_staff", "is_superuser", "is_active", "groups")
    search_fields = ("email", "perfil__numero_documento", "perfil__apellido_paterno")
    list_select_related = ("perfil",)
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Firma de documentos"), {"fields": ("cargo",)}),
        (
            _("Permisos"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Fechas"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),
    )
    readonly_fields = ("last_login", "date_joined")
    inlines = (PerfilInline,)

    @admin.display(description=_("nombre"))
    def nombre(self, obj):
        perfil = getattr(obj, "perfil", None)
        return perfil.nombre_completo if perfil else "—"


@admin.register(Perfil)
class PerfilAdmin(PanelModelAdmin):
    list_display = ("numero_documento", "tipo_documento", "nombres", "apellido_paterno", "nivel_identidad")
    list_filter = ("tipo_documento", "nivel_identidad")
    search_fields = ("numero_documento", "nombres", "apellido_paterno", "apellido_materno", "usuario__email")
    list_select_related = ("usuario",)
    readonly_fields = ("usuario", "nivel_identidad", "identidad_verificada_en", "identidad_verificada_por", "creado_en", "actualizado_en")
    actions = ("verificar_en_persona",)

    @admin.action(description=_("Marcar identidad verificada en persona (documento original a la vista)"))
    def verificar_en_persona(self, request, queryset):
        for perfil in queryset:
            services.perfil_verificar_identidad(
                perfil=perfil, metodo=NivelIdentidad.PRESENCIAL, verificador=request.user
            )
        self.message_user(
            request, _("Identidad verificada en %d perfiles.") % queryset.count(), messages.SUCCESS
        )


@admin.register(BloqueoAcceso)
class BloqueoAccesoAdmin(SoloLecturaAdmin):
    """Failed-login counts per email address, for whoever administers the
    accounts: they find an address by typing it (rows hold only its hash) and
    may clear its wait when the owner asks. Nothing else is editable."""

    list_display = ("huella_corta", "fallos", "ultimo_fallo_en", "espera_hasta", "en_espera")
    search_fields = ("huella",)
    search_help_text = _("Escribe el correo completo de la persona.")
    actions = ("desbloquear",)

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        return queryset.filter(huella=bloqueos.huella(search_term)), False

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("ciudadanos.change_usuario")

    def has_desbloquear_permission(self, request):
        return request.user.has_perm("ciudadanos.change_usuario")

    @admin.display(description=_("huella del correo"))
    def huella_corta(self, obj):
        return f"{obj.huella[:12]}…"

    en_espera = columna_si_no("en_espera", _("en espera"), ordenable=False)

    @admin.action(description=_("Desbloquear"), permissions=["desbloquear"])
    def desbloquear(self, request, queryset):
        levantados = bloqueos.bloqueo_levantar(huellas=queryset.values_list("huella", flat=True))
        mensaje = ngettext(
            "Se desbloqueó %(n)d correo.", "Se desbloquearon %(n)d correos.", levantados
        ) % {"n": levantados}
        self.message_user(request, mensaje, messages.SUCCESS)


class RepresentacionInline(admin.TabularInline):
    model = Representacion
    fk_name = "empresa"
    extra = 0
    can_delete = False
    fields = readonly_fields = ("usuario", "estado", "creada_en", "confirmada_por", "confirmada_en", "invitada_por")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Empresa)
class EmpresaAdmin(SoloLecturaAdmin):
    """Companies citizens file for, as SUNAT described them, and who represents
    each one. Representatives confirm one another on the portal; here the
    entity only reads."""

    list_display = ("ruc", "razon_social", "estado", "condicion", "verificada", "creada_en")
    verificada = columna_si_no("verificada_en", _("verificada con SUNAT"))
    list_filter = ("estado", "condicion")
    search_fields = ("ruc", "razon_social")
    readonly_fields = ("ruc", "razon_social", "estado", "condicion", "domicilio_fiscal", "verificada_en", "creada_en")
    inlines = (RepresentacionInline,)


@admin.register(ConsultaPide)
class ConsultaPideAdmin(SoloLecturaAdmin):
    """Every lookup made through PIDE: what the citizen reads in «Uso de mis
    datos», for the entity's own audit (D.Leg. 1246, Ley 29733)."""

    list_display = ("creada_en", "servicio", "documento", "resultado", "origen", "motivo", "referencia", "en_cache")
    list_filter = ("servicio", "resultado", "origen", "en_cache")
    search_fields = ("documento", "referencia")
    date_hierarchy = "creada_en"
    list_select_related = ("titular", "solicitada_por")
    readonly_fields = (
        "creada_en", "servicio", "documento", "titular", "origen", "solicitada_por", "motivo", "referencia",
        "resultado", "en_cache",
    )


class _FechaFilter(admin.DateFieldListFilter):
    """allauth's date fields have no Spanish name: the filter gets one."""

    TITULOS = {"created_at": _("creado el"), "last_used_at": _("último uso")}

    def __init__(self, field, request, params, model, model_admin, field_path):
        super().__init__(field, request, params, model, model_admin, field_path)
        self.title = self.TITULOS.get(field_path, self.title)


class SegundoFactorAdminForm(forms.ModelForm):
    class Meta:
        model = Authenticator
        fields = ("user", "type", "created_at", "last_used_at")
        labels = {"user": _("usuario"), "type": _("tipo"), "created_at": _("creado el"),
                  "last_used_at": _("último uso")}


admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class SegundoFactorAdmin(PanelAdminMixin, admin.ModelAdmin):
    """allauth's second factors, in Spanish, and never their secret: the
    TOTP key and the recovery codes (its `data`) are not shown."""

    form = SegundoFactorAdminForm
    raw_id_fields = ("user",)
    list_display = ("usuario", "tipo", "creado_el", "ultimo_uso")
    list_filter = ("type", ("created_at", _FechaFilter), ("last_used_at", _FechaFilter))

    @admin.display(description=_("usuario"), ordering="user__email")
    def usuario(self, obj):
        return obj.user

    @admin.display(description=_("tipo"), ordering="type")
    def tipo(self, obj):
        return obj.get_type_display()

    @admin.display(description=_("creado el"), ordering="created_at")
    def creado_el(self, obj):
        return obj.created_at

    @admin.display(description=_("último uso"), ordering="last_used_at")
    def ultimo_uso(self, obj):
        return obj.last_used_at


@admin.register(ConsentimientoNotificacion)
class ConsentimientoNotificacionAdmin(SoloLecturaAdmin):
    """Each citizen's consent to be notified in the casilla electrónica (Ley
    31736), as evidence: the text accepted, when, from which address and with
    which login level, and its withdrawal. Citizens accept and withdraw on the
    portal; here the entity only reads."""

    list_display = ("usuario", "aceptado_en", "version", "nivel_ingreso", "vigente_col", "retirado_en")
    vigente_col = columna_si_no("vigente", _("vigente"), ordenable=False)
    list_filter = ("version", ("retirado_en", admin.EmptyFieldListFilter))
    search_fields = ("usuario__email", "usuario__perfil__numero_documento")
    date_hierarchy = "aceptado_en"
    list_select_related = ("usuario",)
    fields = readonly_fields = (
        "usuario", "version", "texto", "aceptado_en", "ip", "nivel_ingreso", "retirado_en", "retiro_ip",
    )


@admin.register(CanalAviso)
class CanalAvisoAdmin(SoloLecturaAdmin):
    """The channels that alert each citizen and whether the last alert reached
    them. The pending code of a phone being verified is never shown."""

    list_display = ("usuario", "tipo", "destino", "verificado", "falla", "falla_en", "creado_en")
    verificado = columna_si_no("verificado_en", _("verificado"))
    recordatorios_por_sms = columna_si_no("sms_recordatorios", _("recordatorios de plazo por SMS"))
    novedades_por_sms = columna_si_no("sms_novedades", _("resumen de novedades por SMS"))
    list_filter = ("tipo", ("verificado_en", admin.EmptyFieldListFilter), "falla")
    search_fields = ("usuario__email", "destino")
    list_select_related = ("usuario",)
    fields = readonly_fields = (
        "usuario", "tipo", "destino", "verificado_en", "codigo_enviado_en", "codigo_intentos",
        "recordatorios_por_sms", "novedades_por_sms", "falla", "falla_detalle", "falla_en", "falla_avisada_en", "creado_en",
    )
