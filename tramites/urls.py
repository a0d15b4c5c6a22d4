from django.urls import path

from egov import convertidores

from .certificados import views as documentos
from .constancias import views as constancias
from .resoluciones import views as resoluciones
from .views import catalogo, presentacion, seguimiento

convertidores.registrar()

app_name = "tramites"

urlpatterns = [
    path("tramites/", catalogo.catalogo, name="catalogo"),
    path("tramites/<slug:slug>/", catalogo.detalle, name="detalle"),
    path("tramites/<slug:slug>/solicitar/", presentacion.iniciar, name="iniciar"),
    path("tramites/<slug:slug>/solicitar/<uuid:uuid>/<slug:paso>/", presentacion.paso, name="paso"),
    path("borradores/<uuid:uuid>/", presentacion.borrador, name="borrador"),
    path("borradores/<uuid:uuid>/eliminar/", presentacion.borrador_eliminar, name="borrador_eliminar"),
    path("mis-tramites/", seguimiento.mis_tramites, name="mis_tramites"),
    path("mis-tramites/<expediente:expediente>/", seguimiento.mi_solicitud, name="mi_solicitud"),
    path("mis-tramites/<expediente:expediente>/confirmacion/", seguimiento.confirmacion, name="confirmacion"),
    path("mis-tramites/<expediente:expediente>/subsanar/", seguimiento.subsanar, name="subsanar"),
    path("mis-tramites/<expediente:expediente>/desistir/", seguimiento.desistir, name="desistir"),
    path("documentos/<uuid:uuid>/", seguimiento.adjunto_descargar, name="adjunto"),
    path("documentos/<uuid:uuid>/ver/", seguimiento.adjunto_ver, name="adjunto_ver"),
    # Before the generic document address, which would take "resolucion" as a kind it does not know.
    path("mis-tramites/<expediente:expediente>/resolucion.pdf", resoluciones.resolucion_descargar,
         name="resolucion"),
    path("mis-tramites/<expediente:expediente>/notificaciones/<id:notificacion_id>/constancia/",
         constancias.constancia_descargar, name="constancia_notificacion"),
    path("mis-tramites/<expediente:expediente>/<str:tipo>.pdf", documentos.documento_descargar, name="documento"),
    path("verificar/", documentos.verificar, name="verificar"),
    path("verificar/<str:codigo>/", documentos.verificar_codigo, name="verificar_codigo"),
]
