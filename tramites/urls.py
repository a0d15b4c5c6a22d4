from django.urls import path

from egov import convertidores

from . import views

convertidores.registrar()

app_name = "tramites"

urlpatterns = [
    path("tramites/", views.catalogo, name="catalogo"),
    path("tramites/<slug:slug>/", views.detalle, name="detalle"),
    path("tramites/<slug:slug>/solicitar/", views.iniciar, name="iniciar"),
    path("tramites/<slug:slug>/solicitar/<uuid:uuid>/<slug:paso>/", views.paso, name="paso"),
    path("borradores/<uuid:uuid>/", views.borrador, name="borrador"),
    path("borradores/<uuid:uuid>/eliminar/", views.borrador_eliminar, name="borrador_eliminar"),
    path("mis-tramites/", views.mis_tramites, name="mis_tramites"),
    path("mis-tramites/<expediente:expediente>/", views.mi_solicitud, name="mi_solicitud"),
    path("mis-tramites/<expediente:expediente>/confirmacion/", views.confirmacion, name="confirmacion"),
    path("mis-tramites/<expediente:expediente>/subsanar/", views.subsanar, name="subsanar"),
    path("mis-tramites/<expediente:expediente>/desistir/", views.desistir, name="desistir"),
    path("documentos/<uuid:uuid>/", views.adjunto_descargar, name="adjunto"),
    path("mis-tramites/<expediente:expediente>/<str:tipo>.pdf", views.documento_descargar, name="documento"),
    path("verificar/", views.verificar, name="verificar"),
    path("verificar/<str:codigo>/", views.verificar_codigo, name="verificar_codigo"),
]
