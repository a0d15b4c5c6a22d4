from django.urls import path

from egov import convertidores

from . import views, views_empresas

convertidores.registrar()

app_name = "ciudadanos"

urlpatterns = [
    path("cuenta/perfil/", views.perfil, name="perfil"),
    path("cuenta/perfil/editar/", views.perfil_editar, name="perfil_editar"),
    path("cuenta/mis-datos/", views.datos_descargar, name="datos_descargar"),
    path("cuenta/uso-de-mis-datos/", views.uso_de_mis_datos, name="uso_de_mis_datos"),
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
