from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from . import services
from .models import NivelIdentidad, Perfil, Usuario


class PerfilInline(admin.StackedInline):
    model = Perfil
    fk_name = "usuario"
    can_delete = False
    extra = 0
    readonly_fields = ("nivel_identidad", "identidad_verificada_en", "identidad_verificada_por")


@admin.register(Usuario)
class UsuarioAdmin(UserAdmin):
    ordering = ("email",)
    list_display = ("email", "nombre", "is_staff", "is_active", "date_joined")
    list_filter = ("is_staff", "is_superuser", "is_active", "groups")
    search_fields = ("email", "perfil__numero_documento", "perfil__apellido_paterno")
    list_select_related = ("perfil",)
    fieldsets = (
        (None, {"fields": ("email", "password")}),
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
class PerfilAdmin(admin.ModelAdmin):
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
