"""Redis stops for a while on a production-like stack: gunicorn with the
production settings, a real Celery worker, PostgreSQL, and a Redis server of
the test's own as cache and broker.

While it is down, anonymous pages, login, a citizen's pages and a servant's
decisions all work (the complaint follow-up answers 503, as documented) and
nobody is logged out. When it comes back empty, the sweeper (what beat runs)
delivers every certificate and every alert: none lost, none twice."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings

from ciudadanos.alertas import resumenes_enviar
from ciudadanos.models import CategoriaAviso, Notificacion
from egov.documentos import documentos_pendientes_reencolar
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
from tramites.models import CargoPresentacion, Certificado, Estado, EstadoDocumento, Solicitud

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]



def sin_sesion(respuesta) -> bool:
    return respuesta.status == 302 and "/cuenta/login/" in respuesta.getheader("Location", "")


def test_redis_se_cae_y_vuelve_sin_perder_ni_duplicar_nada(catalogo, redis_propio, worker, tmp_path):
    redis_propio.arrancar()
    with broker_en(redis_propio.url):
        # --- Before: a citizen with three filed requests; a head of the resolving office.
        ciudadana = persona(numero_documento="45871236")
        solicitudes = [presentar(ciudadana, INFORMACION) for _ in range(3)]
        jefa = jefe_de("SG")
        for cuenta in (ciudadana, jefa):
            clave_de_produccion(cuenta, factories.CLAVE)
        primero = worker(redis_propio.url).listo()
        assert esperar(lambda: CargoPresentacion.objects.filter(estado=EstadoDocumento.EMITIDO).count() == 3, 60)

        entorno = entorno_produccion(
            tmp_path / "portal", REDIS_URL=redis_propio.url, MEDIA_ROOT=settings.MEDIA_ROOT,
        )
        with Gunicorn(tmp_path / "portal", entorno, trabajadores=2) as portal:
            ciudadano_web = Visitante(portal).entrar(ciudadana.email, factories.CLAVE)
            jefa_web = Visitante(portal).entrar(jefa.email, factories.CLAVE, codigo_totp=factories.codigo_totp)
            for solicitud in solicitudes:
                assert jefa_web.get(f"/admin/tramites/solicitud/{solicitud.pk}/change/").status == 200
                assert jefa_web.post(f"/admin/tramites/solicitud/{solicitud.pk}/accion/tomar/").status == 302
            assert {s.estado for s in Solicitud.objects.all()} == {Estado.EN_EVALUACION}
            primero.terminar()

            # --- Redis stops.
            redis_propio.detener()
            anonimo = Visitante(portal, origen="127.0.0.2")
            for ruta, estado in [("/", 200), ("/tramites/", 200), (f"/tramites/{INFORMACION}/", 200),
                                 ("/transparencia/", 200), ("/verificar/ABCDEFGHJKMNPQRS/", 404),
                                 ("/libro-de-reclamaciones/", 200)]:
                assert anonimo.get(ruta).status == estado, ruta
            seguimiento = anonimo.post("/libro-de-reclamaciones/seguimiento/",
                                       {"codigo": "LR-2026-000001", "numero_documento": "45871236"})
            assert seguimiento.status == 503 and seguimiento.getheader("Retry-After") == "60"
            # Logging in works (sessions are written to PostgreSQL).
            otra = persona(numero_documento="41000001", nombres="Otra")
            clave_de_produccion(otra, factories.CLAVE)
            otra_web = Visitante(portal, origen="127.0.0.3").entrar(otra.email, factories.CLAVE)
            assert "Cerrar sesión" in otra_web.texto(otra_web.get("/mis-tramites/"))
            # The citizen is still logged in, on every page of theirs.
            for ruta in ("/mis-tramites/", f"/mis-tramites/{solicitudes[0].expediente}/", "/casilla/"):
                respuesta = ciudadano_web.get(ruta)
                assert respuesta.status == 200 and "Cerrar sesión" in ciudadano_web.texto(respuesta), ruta
            # The servant decides: two approvals and a denial, each confirmed on the page.
            for solicitud, accion, datos in [
                (solicitudes[0], "aprobar", {"nota": "Se entrega la información."}),
                (solicitudes[1], "aprobar", {"nota": ""}),
                (solicitudes[2], "denegar", {"motivo": "La información no existe en la entidad."}),
            ]:
                jefa_web.get(f"/admin/tramites/solicitud/{solicitud.pk}/change/")
                respuesta = jefa_web.post(f"/admin/tramites/solicitud/{solicitud.pk}/accion/{accion}/", datos)
                assert respuesta.status == 302, jefa_web.texto(respuesta)[:2000]
                pagina = jefa_web.texto(jefa_web.get(respuesta.getheader("Location")))
                assert f"{'Aprobaste' if accion == 'aprobar' else 'Denegaste'} el expediente" in pagina
            estados = dict(Solicitud.objects.values_list("pk", "estado"))
            assert [estados[s.pk] for s in solicitudes] == [Estado.APROBADA, Estado.APROBADA, Estado.DENEGADA]
            # The work waits in PostgreSQL.
            certificados = list(Certificado.objects.order_by("pk"))
            assert [c.solicitud_id for c in certificados] == [solicitudes[0].pk, solicitudes[1].pk]
            assert {c.estado for c in certificados} == {EstadoDocumento.PENDIENTE}
            assert "Internal Server Error" not in portal.log()

            # --- Redis is back, empty (it kept nothing), with a worker; beat's sweepers run.
            redis_propio.arrancar()
            segundo = worker(redis_propio.url).listo()
            documentos_pendientes_reencolar(minutos=0)
            mensajes_pendientes_reencolar(espera=datetime.timedelta(0))
            assert esperar(
                lambda: Certificado.objects.filter(estado=EstadoDocumento.EMITIDO).count() == 2, 90
            ), segundo.salida()[-3000:]
            assert esperar(
                lambda: not Mensaje.objects.exclude(estado=EstadoMensaje.ENVIADO).exists(), 60
            ), segundo.salida()[-3000:]
            # The day's digest of routine news (beat, in the evening), sent by the worker.
            resumenes_enviar()
            assert esperar(
                lambda: not Mensaje.objects.exclude(estado=EstadoMensaje.ENVIADO).exists(), 60
            ), segundo.salida()[-3000:]

            # Nobody was logged out, and the citizen downloads the certificate.
            respuesta = ciudadano_web.get(f"/mis-tramites/{solicitudes[0].expediente}/certificado.pdf")
            assert respuesta.status == 200 and respuesta.cuerpo.startswith(b"%PDF-")
            assert jefa_web.get("/admin/tramites/solicitud/").status == 200
            assert not sin_sesion(ciudadano_web.get("/mis-tramites/"))

    # --- 0 lost, 0 duplicated.
    archivos = sorted(p.name for p in (Path(settings.MEDIA_ROOT) / "documentos" / "certificados").iterdir())
    assert archivos == sorted(Path(c.archivo.name).name for c in Certificado.objects.all())
    for certificado in Certificado.objects.all():
        assert certificado.solicitud.eventos.filter(tipo="documento_emitido").count() == 1
    correos = correos_enviados([tmp_path / f"worker-var-{n}" / "mail" for n in (1, 2)])
    asuntos = [" ".join(str(m["Subject"]).split()) for m in correos]
    # Each decision (legal effect) alerted once, at once; the routine news of
    # the day (filed, taken into evaluation) in one digest, not one email each.
    legales = Notificacion.objects.filter(usuario=ciudadana, categoria=CategoriaAviso.LEGAL)
    assert legales.count() == 3
    for notificacion in legales:
        assert asuntos.count(notificacion.asunto) == 1, (notificacion.asunto, asuntos)
    resumenes = [m for m in correos if str(m["To"]) == ciudadana.email and "Resumen del día" in str(m["Subject"])]
    assert len(resumenes) == 1, asuntos
    assert len(asuntos) == 4, asuntos
    # Three filings, three taken into evaluation, three decisions: each told
    # once. The two certificates are announced by their approvals' notices,
    # still unread when they were issued (no separate "documento listo").
    assert Notificacion.objects.filter(usuario=ciudadana).count() == 9
    assert not any("documento está listo" in asunto for asunto in asuntos)
