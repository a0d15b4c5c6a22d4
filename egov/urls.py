from django.contrib import admin
from django.urls import include, path

from transparencia.api import api

from . import views

urlpatterns = [
    path("", views.inicio, name="inicio"),
    path("accesibilidad/", views.accesibilidad, name="accesibilidad"),
    path("privacidad/", views.privacidad, name="privacidad"),
    path("salud/", views.salud, name="salud"),
    path("cuenta/", include("allauth.urls")),
    path("", include("ciudadanos.urls")),
    path("", include("tramites.urls")),
    path("", include("transparencia.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

handler404 = "egov.views.error_404"
handler403 = "egov.views.error_403"
handler500 = "egov.errores.error_500"
