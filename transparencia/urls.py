from django.urls import path, re_path

from egov import convertidores

from . import views

convertidores.registrar()

app_name = "transparencia"

urlpatterns = [
    path("transparencia/", views.inicio, name="inicio"),
    path("transparencia/<slug:slug>/", views.tramite, name="tramite"),
    path("datos-abiertos/", views.datos_abiertos, name="datos_abiertos"),
    re_path(r"^datos-abiertos/indicadores\.(?P<formato>csv|json)$", views.indicadores_descargar, name="indicadores"),
    re_path(r"^datos-abiertos/tupa\.(?P<formato>csv|json)$", views.tupa_descargar, name="tupa"),
    path("mis-tramites/<expediente:expediente>/valorar/", views.valorar, name="valorar"),
    path("libro-de-reclamaciones/", views.reclamo_nuevo, name="reclamo_nuevo"),
    path("libro-de-reclamaciones/registrado/", views.reclamo_registrado, name="reclamo_registrado"),
    path("libro-de-reclamaciones/seguimiento/", views.reclamo_seguimiento, name="reclamo_seguimiento"),
    re_path(r"^libro-de-reclamaciones/(?P<codigo>LR-[0-9]{4}-[0-9]{6,11})/hoja\.pdf$", views.reclamo_hoja,
            name="reclamo_hoja"),
]
