from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from django.contrib import admin
from django.urls import include, path

from ciudadanos import idgobpe, niveles
from transparencia.api import api

from . import views, webhooks

# ID GOB.PE is configured only by the environment (no SocialApp rows), its
# tokens are not kept, and the link between an account and its ID GOB.PE is
# made by the citizen (ciudadanos/idgobpe.py): allauth's admin pages for
# them would only invite editing what must not be edited there.
for _modelo in (SocialApp, SocialToken, SocialAccount):
    if admin.site.is_registered(_modelo):
        admin.site.unregister(_modelo)

urlpatterns = [
    path("", views.inicio, name="inicio"),
    path("accesibilidad/", views.accesibilidad, name="accesibilidad"),
    path("privacidad/", views.privacidad, name="privacidad"),
    path("salud/", views.salud, name="salud"),
    # In front of allauth's: only the configured ID GOB.PE provider id exists
    # (any other is a 404, never a database lookup), the callback checks the
    # issuer, and logging out also ends the ID GOB.PE session.
    path("cuenta/oidc/<str:provider_id>/login/", idgobpe.ingresar, name="idgobpe_ingresar"),
    path("cuenta/oidc/<str:provider_id>/login/callback/", idgobpe.regresar, name="idgobpe_regresar"),
    path("cuenta/logout/", idgobpe.salir, name="cuenta_salir"),
    path("cuenta/idgobpe/vincular/", idgobpe.vincular, name="idgobpe_vincular"),
    path("cuenta/idgobpe/vincular/correo/", idgobpe.vincular_correo_enviar, name="idgobpe_vincular_correo_enviar"),
    path("cuenta/idgobpe/vincular/correo/<str:token>/", idgobpe.vincular_correo, name="idgobpe_vincular_correo"),
    path("cuenta/nivel/", niveles.subir, name="nivel_subir"),
    # allauth's list of linked accounts is not offered (ID GOB.PE is the only
    # one), nor its bare error page (a refused login shows why, idgobpe.py),
    # nor its signup form (ID GOB.PE gives all an account needs).
    path("cuenta/3rdparty/", idgobpe.no_disponible),
    path("cuenta/3rdparty/login/error/", idgobpe.no_disponible),
    path("cuenta/3rdparty/signup/", idgobpe.no_disponible),
    path("cuenta/", include("allauth.urls")),
    # Delivery receipts of the configured email provider (django-anymail checks its shared secret).
    path("webhooks/correo/<str:proveedor>/tracking/", webhooks.correo_recibo, name="correo_recibo"),
    # The SMS provider's delivery receipts (signed with SMS_RECIBO_SECRETO; egov/webhooks.py).
    path("webhooks/sms/recibo/", webhooks.sms_recibo, name="sms_recibo"),
    path("", include("ciudadanos.urls")),
    path("", include("tramites.urls")),
    path("", include("transparencia.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

handler404 = "egov.views.error_404"
handler403 = "egov.views.error_403"
handler500 = "egov.errores.error_500"
