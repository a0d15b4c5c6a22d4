from django.urls import path

from egov import convertidores

from . import views

convertidores.registrar()

app_name = "ciudadanos"

urlpatterns = [
    path("cuenta/perfil/", views.perfil, name="perfil"),
    path("cuenta/perfil/editar/", views.perfil_editar, name="perfil_editar"),
    path("cuenta/mis-datos/", views.datos_descargar, name="datos_descargar"),
    path("ubigeo/<str:codigo>/", views.ubigeo_hijos, name="ubigeo_hijos"),
    path("casilla/", views.casilla, name="casilla"),
    path("casilla/marcar-leidas/", views.casilla_marcar_leidas, name="casilla_marcar_leidas"),
    path("casilla/<id:pk>/", views.notificacion, name="notificacion"),
]
