from django.urls import path

from egov import convertidores

# views_avisos also holds the login message about failing channels (a signal receiver).
from . import views, views_avisos, views_empresas

convertidores.registrar()

app_name = "ciudadanos"

urlpatterns = [
    path("cuenta/perfil/", views.perfil, name="perfil"),
    path("cuenta/perfil/editar/", views.perfil_editar, name="perfil_editar"),
    path("cuenta/mis-datos/", views.datos_descargar, name="datos_descargar"),
    path("cuenta/uso-de-mis-datos/", views.uso_de_mis_datos, name="uso_de_mis_datos"),
    # Notificaciones y avisos: consent to the casilla, alert channels, SMS choices.
    path("cuenta/avisos/", views_avisos.avisos, name="avisos"),
    path("cuenta/avisos/consentimiento/", views_avisos.consentimiento, name="consentimiento"),
    path("cuenta/avisos/consentimiento/retirar/", views_avisos.consentimiento_retirar, name="consentimiento_retirar"),
    path("cuenta/avisos/celular/", views_avisos.telefono_registrar, name="telefono_registrar"),
    path("cuenta/avisos/celular/codigo/", views_avisos.telefono_codigo, name="telefono_codigo"),
    path("cuenta/avisos/celular/reenviar/", views_avisos.telefono_reenviar, name="telefono_reenviar"),
    path("cuenta/avisos/celular/quitar/", views_avisos.telefono_quitar, name="telefono_quitar"),
    path("cuenta/avisos/sms/", views_avisos.preferencias_sms, name="preferencias_sms"),
    path("ubigeo/<str:codigo>/", views.ubigeo_hijos, name="ubigeo_hijos"),
    path("casilla/", views.casilla, name="casilla"),
    path("casilla/marcar-leidas/", views.casilla_marcar_leidas, name="casilla_marcar_leidas"),
    path("casilla/<id:pk>/", views.notificacion, name="notificacion"),
    # Mis empresas: companies the citizen files for, and their other representatives.
    path("cuenta/empresas/", views_empresas.empresas_lista, name="empresas"),
    path("cuenta/empresas/agregar/", views_empresas.empresa_agregar, name="empresa_agregar"),
    path("cuenta/empresas/<id:pk>/", views_empresas.empresa, name="empresa"),
    path("cuenta/empresas/<id:pk>/invitar/", views_empresas.invitacion_enviar, name="invitacion_enviar"),
    path("cuenta/empresas/<id:pk>/representantes/<id:representacion>/confirmar/",
         views_empresas.representacion_confirmar, name="representacion_confirmar"),
    path("cuenta/empresas/<id:pk>/representantes/<id:representacion>/rechazar/",
         views_empresas.representacion_rechazar, name="representacion_rechazar"),
    path("cuenta/empresas/invitacion/<str:token>/", views_empresas.invitacion_aceptar, name="invitacion_aceptar"),
]
