"""The broker (Redis) is down while a person signs up, a servant observes a
request and a neighbour files a complaint, on a production-like stack
(gunicorn with the production settings, PostgreSQL, a real Celery worker).
No email is lost: each waits in the outbox and, once Redis is back and the
sweeper has run, each is delivered exactly once."""

import collections
import datetime
import re

import pytest
from django.conf import settings

from egov.mensajes import mensajes_pendientes_reencolar
from egov.models import EstadoMensaje, Mensaje
from tests import factories
from tests.fixtures import INFORMACION, esperar, jefe_de, persona, presentar
from tests.procesos import (
    Gunicorn,
    Visitante,
    broker_en,
    clave_de_produccion,
    correos_enviados,
    entorno_produccion,
)
from tramites.models import Estado, Solicitud
from transparencia.models import Reclamo

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

RECLAMO = {
    "nombres": "Herminia", "apellidos": "Ccahuana Llacsa", "tipo_documento": "DNI",
    "numero_documento": "46027315", "domicilio": "Jr. Las Orquídeas 877", "correo": "herminia@example.pe",
    "telefono": "", "oficina": "", "fecha_hechos": "", "hechos": "Nadie me atendió en la ventanilla.",
    "pedido": "Que me atiendan por escrito.",
}



def test_con_el_broker_caido_no_se_pierde_ningun_correo(catalogo, redis_propio, worker, tmp_path):
    redis_propio.arrancar()
    with broker_en(redis_propio.url):
        ciudadana = persona(numero_documento="45871236")
        solicitud = presentar(ciudadana, INFORMACION)
        jefa = jefe_de("SG")
        clave_de_produccion(jefa, factories.CLAVE)
        entorno = entorno_produccion(tmp_path / "portal", REDIS_URL=redis_propio.url, MEDIA_ROOT=settings.MEDIA_ROOT)
        with Gunicorn(tmp_path / "portal", entorno, trabajadores=2) as portal:
            jefa_web = Visitante(portal).entrar(jefa.email, factories.CLAVE, codigo_totp=factories.codigo_totp)
            jefa_web.get(f"/admin/tramites/solicitud/{solicitud.pk}/change/")
            assert jefa_web.post(f"/admin/tramites/solicitud/{solicitud.pk}/accion/tomar/").status == 302

            # --- Redis stops (and comes back empty: the queued tasks are gone too).
            redis_propio.detener()
            antes = set(Mensaje.objects.values_list("pk", flat=True))

            # A neighbour signs up.
            nueva = Visitante(portal, origen="127.0.0.2")
            nueva.get("/cuenta/signup/")
            registro = nueva.post("/cuenta/signup/", {
                "email": "nueva.vecina@example.pe", "password1": "Quipu-Andino-2026", "password2": "Quipu-Andino-2026",
            })
            assert registro.status == 302, nueva.texto(registro)[:2000]

            # The servant observes the request.
            jefa_web.get(f"/admin/tramites/solicitud/{solicitud.pk}/change/")
            observacion = jefa_web.post(f"/admin/tramites/solicitud/{solicitud.pk}/accion/observar/",
                                        {"mensaje": "Precise el periodo de la información que solicita."})
            assert observacion.status == 302, jefa_web.texto(observacion)[:2000]
            assert Solicitud.objects.get(pk=solicitud.pk).estado == Estado.OBSERVADA

            # Someone files a complaint.
            vecina = Visitante(portal, origen="127.0.0.3")
            vecina.get("/libro-de-reclamaciones/")
            reclamo = vecina.post("/libro-de-reclamaciones/", RECLAMO)
            assert reclamo.status == 302, vecina.texto(reclamo)[:2000]
            codigo = Reclamo.objects.get().codigo

            # Each of the three left its email in the outbox, waiting.
            nuevos = Mensaje.objects.exclude(pk__in=antes)
            assert {m.estado for m in nuevos} == {EstadoMensaje.PENDIENTE}
            para = {m.para for m in nuevos}
            assert {"nueva.vecina@example.pe", ciudadana.email, "herminia@example.pe"} <= para
            assert nuevos.filter(referencia=f"reclamo:{codigo}").count() == 1
            assert "Internal Server Error" not in portal.log()

            # --- Redis is back, with a worker; beat's sweeper runs.
            redis_propio.arrancar()
            trabajador = worker(redis_propio.url).listo()
            assert mensajes_pendientes_reencolar(espera=datetime.timedelta(0)) == Mensaje.objects.count()
            assert esperar(
                lambda: not Mensaje.objects.exclude(estado=EstadoMensaje.ENVIADO).exists(), 60
            ), trabajador.salida()[-3000:]

    # --- Every message delivered once: the same subjects, as many times as rows.
    correos = correos_enviados([tmp_path / "worker-var-1" / "mail"])
    entregados = collections.Counter((" ".join(str(c["Subject"]).split()), str(c["To"])) for c in correos)
    esperados = collections.Counter((m.asunto, m.para) for m in Mensaje.objects.all())
    assert entregados == esperados
    # The three of the outage among them, complete: the account link works.
    por_destinatario = {str(c["To"]): c for c in correos}
    confirmacion = por_destinatario["nueva.vecina@example.pe"].get_body(("plain",)).get_content()
    assert re.search(r"/cuenta/confirm-email/[^/\s]+/", confirmacion)
    assert "Precise el periodo" not in por_destinatario[ciudadana.email].get_body(("plain",)).get_content()
    assert codigo in por_destinatario["herminia@example.pe"]["Subject"]
    # The link's key is no longer in the table once sent.
    assert Mensaje.objects.get(para="nueva.vecina@example.pe").texto == ""
