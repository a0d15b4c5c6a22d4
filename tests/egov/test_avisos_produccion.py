"""A notice with legal effect on a production-like stack: gunicorn with the
production settings, PostgreSQL, Redis, a real Celery worker and the SMS
provider stand-in speaking its HTTP protocol. The servant's observation is
alerted by email and SMS, the provider's signed receipt reaches gunicorn's
webhook; with the worker stopped the next decision's alerts wait in the
outbox and go once it is back; the citizen downloads the signed constancia
de notificación and /verificar/ accepts its code."""

import datetime
import re
import secrets

import pytest
from django.conf import settings

from ciudadanos.models import CanalAviso, CategoriaAviso, Notificacion, TipoCanal
from egov.mensajes import mensajes_pendientes_reencolar
from egov.models import EstadoEntrega, EstadoMensaje, Mensaje
from tests import factories
from tests.fixtures import INFORMACION, esperar, jefe_de, persona, presentar
from tests.procesos import (
    Gunicorn,
    ProveedorSms,
    Visitante,
    broker_en,
    clave_de_produccion,
    correos_enviados,
    entorno_produccion,
)
from tramites.models import Estado, Solicitud

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

CELULAR = "+51987000555"


def _alertas(notificacion) -> dict[str, Mensaje]:
    return {m.canal: m for m in Mensaje.objects.filter(referencia=f"notificacion:{notificacion.pk}")}


def _aviso(solicitud, estado_en_asunto: str) -> Notificacion:
    return Notificacion.objects.get(
        referencia=f"solicitud:{solicitud.pk}", categoria=CategoriaAviso.LEGAL, asunto__contains=estado_en_asunto
    )


def test_aviso_legal_con_recibos_de_sms_y_un_worker_caido(catalogo, redis_propio, worker, tmp_path):
    redis_propio.arrancar()
    secreto = secrets.token_urlsafe(24)
    sms = ProveedorSms(tmp_path / "sms", secreto_recibo=secreto).arrancar()
    try:
        ciudadana = persona(numero_documento="45871236")
        clave_de_produccion(ciudadana, factories.CLAVE)
        CanalAviso.objects.create(usuario=ciudadana, tipo=TipoCanal.SMS, destino=CELULAR,
                                  verificado_en=datetime.datetime.now(datetime.UTC))
        observada, aprobada = presentar(ciudadana, INFORMACION), presentar(ciudadana, INFORMACION)
        jefa = jefe_de("SG")
        clave_de_produccion(jefa, factories.CLAVE)
        entorno = entorno_produccion(
            tmp_path / "portal", REDIS_URL=redis_propio.url, MEDIA_ROOT=settings.MEDIA_ROOT,
            DJANGO_HTTPS="false", DJANGO_ALLOWED_HOSTS="tramites.villaesperanza.test,127.0.0.1",
            SMS_URL=sms.sms_url(), SMS_RECIBO_SECRETO=secreto,
        )
        with Gunicorn(tmp_path / "portal", entorno, trabajadores=2) as portal:
            # The worker gives the provider gunicorn's address for the receipts.
            variables = {"SMS_URL": sms.sms_url(), "SMS_RECIBO_SECRETO": secreto,
                         "SITE_URL": f"http://127.0.0.1:{portal.puerto}"}
            trabajador = worker(redis_propio.url, **variables).listo()
            jefa_web = Visitante(portal).entrar(jefa.email, factories.CLAVE, codigo_totp=factories.codigo_totp)

            # --- The servant observes: email and SMS at once, the SMS's receipt through the webhook.
            for accion, datos in (("tomar", {}), ("observar", {"mensaje": "Precise el periodo que solicita."})):
                jefa_web.get(f"/admin/tramites/solicitud/{observada.pk}/change/")
                respuesta = jefa_web.post(f"/admin/tramites/solicitud/{observada.pk}/accion/{accion}/", datos)
                assert respuesta.status == 302, jefa_web.texto(respuesta)[:2000]
            observacion = _aviso(observada, "observación")
            assert esperar(lambda: _alertas(observacion).get("sms") is not None
                           and _alertas(observacion)["sms"].entrega == EstadoEntrega.ENTREGADO, 60), (
                trabajador.salida()[-3000:], sms.log()[-2000:], portal.log()[-2000:])
            alertas = _alertas(observacion)
            assert alertas["correo"].estado == EstadoMensaje.ENVIADO
            assert alertas["sms"].proveedor_id and alertas["sms"].recibos.count() == 1
            recibido = sms.mensaje(alertas["sms"].proveedor_id)
            assert recibido["to"] == CELULAR.lstrip("+") and "Precise" not in recibido["text"]
            assert [r["respuesta"] for r in recibido["recibos"]] == [200]

            # --- The worker dies: the approval's alerts wait in the outbox, the portal goes on.
            trabajador.terminar()
            for accion, datos in (("tomar", {}), ("aprobar", {"nota": "Se entrega la información."})):
                jefa_web.get(f"/admin/tramites/solicitud/{aprobada.pk}/change/")
                respuesta = jefa_web.post(f"/admin/tramites/solicitud/{aprobada.pk}/accion/{accion}/", datos)
                assert respuesta.status == 302, jefa_web.texto(respuesta)[:2000]
            assert Solicitud.objects.get(pk=aprobada.pk).estado == Estado.APROBADA
            aprobacion = _aviso(aprobada, "aprobada")
            assert {m.estado for m in _alertas(aprobacion).values()} == {EstadoMensaje.PENDIENTE}
            assert set(_alertas(aprobacion)) == {"correo", "sms"}

            # --- Back: the sweeper enqueues what waited; both alerts go, the SMS is confirmed.
            segundo = worker(redis_propio.url, nombre="avisos2", **variables).listo()
            with broker_en(redis_propio.url):  # as beat does: published for the worker
                mensajes_pendientes_reencolar(espera=datetime.timedelta(0))
            assert esperar(lambda: _alertas(aprobacion)["sms"].entrega == EstadoEntrega.ENTREGADO
                           and _alertas(aprobacion)["correo"].estado == EstadoMensaje.ENVIADO, 60), (
                segundo.salida()[-3000:])

            # --- The citizen opens the observation and downloads its constancia, which verifies.
            ciudadana_web = Visitante(portal, origen="127.0.0.2").entrar(ciudadana.email, factories.CLAVE)
            assert ciudadana_web.get(f"/casilla/{observacion.pk}/").status == 200
            ruta = f"/mis-tramites/{observada.expediente}/notificaciones/{observacion.pk}/constancia/"
            primera = ciudadana_web.get(ruta)
            assert primera.status in (200, 202), ciudadana_web.texto(primera)[:2000]
            assert esperar(lambda: (r := ciudadana_web.get(ruta)).status == 200 and r.cuerpo.startswith(b"%PDF-"),
                           60), segundo.salida()[-3000:]
            constancia = observacion.constancias.order_by("-pk").first()
            assert constancia.datos and constancia.codigo
            verificacion = Visitante(portal, origen="127.0.0.3").get(f"/verificar/{constancia.codigo}/")
            texto = ciudadana_web.texto(verificacion)
            assert verificacion.status == 200 and observada.expediente in texto
            assert re.search(r"Constancia de notificación", texto)
            assert "Internal Server Error" not in portal.log()

        # Each of the two decisions was emailed exactly once.
        asuntos = [" ".join(str(m["Subject"]).split())
                   for m in correos_enviados([tmp_path / f"worker-var-{n}" / "mail" for n in (1, 2)])]
        assert asuntos.count(observacion.asunto) == 1 and asuntos.count(aprobacion.asunto) == 1, asuntos
    finally:
        sms.detener()
