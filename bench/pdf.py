"""Certificates: bare WeasyPrint time vs the whole task, throughput with 1 and
2 worker processes, and approval-to-ready latency with a real worker.
Run by bench/run.py on the benchmark database; prints one JSON line."""

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import django

django.setup()

from allauth.mfa.totp.internal.auth import TOTP  # noqa: E402
from django.contrib.auth.models import Group, Permission  # noqa: E402
from django.db import transaction  # noqa: E402
from weasyprint import HTML  # noqa: E402

from ciudadanos.models import Usuario  # noqa: E402
from egov import pdf as documentos
from egov.celery import app  # noqa: E402
from tramites import services  # noqa: E402
from tramites.certificados import plantillas  # noqa: E402
from tramites.certificados import services as certificados  # noqa: E402
from tramites.models import Certificado, EstadoDocumento, Oficina, Solicitud  # noqa: E402
from tramites.roles import JEFE_DE_OFICINA, grupos_sincronizar  # noqa: E402

RAIZ = Path(__file__).resolve().parents[1]


def jefa():
    usuario, nuevo = Usuario.objects.get_or_create(
        email="jefa.bench@villaesperanza.gob.pe", defaults={"is_staff": True}
    )
    # Staff rights count only with a second factor.
    if not usuario.authenticator_set.filter(type="totp").exists():
        TOTP.activate(usuario, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    if nuevo:
        grupos_sincronizar(Group, Permission)
        usuario.groups.add(Group.objects.get(name=JEFE_DE_OFICINA))
        for oficina in Oficina.objects.all():
            oficina.personal.add(usuario)
    return usuario


def en_evaluacion(cantidad):
    """Requests ready to be approved (taken by the head of office)."""
    servidora = jefa()
    ids = list(
        Solicitud.objects.filter(estado="presentada", certificado__isnull=True)
        .order_by("id").values_list("pk", flat=True)[:cantidad]
    )
    for pk in ids:
        services.solicitud_tomar(solicitud=Solicitud.objects.get(pk=pk), servidor=servidora)
    return servidora, ids


def aprobar(pk, servidora):
    """Approves as the head does, stating what the document needs from her
    (the number a certificado de numeración assigns)."""
    solicitud = Solicitud.objects.get(pk=pk)
    datos = {dato.nombre: "742" for dato in plantillas.datos_del_servidor(solicitud.tramite)}
    services.solicitud_aprobar(solicitud=solicitud, servidor=servidora, **datos)


def medir_render(certificado, veces=8):
    """Bare WeasyPrint render of the certificate HTML vs the full task."""
    from django.template.loader import render_to_string

    contexto = certificados.certificado_contexto(certificado)
    html = render_to_string("pdf/certificado.html", contexto)
    fetcher = documentos.FetcherEstatico()
    HTML(string=html, base_url=documentos.ESQUEMA, url_fetcher=fetcher).write_pdf(pdf_variant="pdf/ua-1")
    desnudo, completo = [], []
    for _ in range(veces):
        inicio = time.perf_counter()
        HTML(string=html, base_url=documentos.ESQUEMA, url_fetcher=fetcher).write_pdf(pdf_variant="pdf/ua-1")
        desnudo.append(time.perf_counter() - inicio)
        Certificado.objects.filter(pk=certificado.pk).update(estado=EstadoDocumento.PENDIENTE)
        inicio = time.perf_counter()
        services.certificado_emitir(certificado_id=certificado.pk)
        completo.append(time.perf_counter() - inicio)
    return statistics.median(desnudo), statistics.median(completo)


def worker(procesos):
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "egov", "worker", "-Q", "default,pdf", "-c", str(procesos),
         "--without-mingle", "--without-gossip", "-l", "WARNING"],
        cwd=RAIZ, env=os.environ.copy(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


def esperar(ids, limite=300):
    fin = time.monotonic() + limite
    while time.monotonic() < fin:
        if Certificado.objects.filter(solicitud_id__in=ids, estado=EstadoDocumento.EMITIDO).count() == len(ids):
            return True
        time.sleep(0.05)
    return False


def rendimiento(procesos, cantidad):
    """Certificates per second of a worker with `procesos` processes: the
    certificates are approved first (their tasks wait in Redis), then the
    worker starts; the rate is taken between the first and the last issued
    (worker start-up and the approvals are not part of it)."""
    servidora, ids = en_evaluacion(cantidad)
    for pk in ids:
        aprobar(pk, servidora)
    proceso = worker(procesos)
    try:
        if not esperar(ids):
            raise SystemExit("los certificados no se emitieron a tiempo")
    finally:
        proceso.terminate()
        proceso.wait(timeout=30)
    tiempos = sorted(
        Certificado.objects.filter(solicitud_id__in=ids).values_list("emitido_en", flat=True)
    )
    return (len(tiempos) - 1) / (tiempos[-1] - tiempos[0]).total_seconds()


def latencia(veces):
    servidora, ids = en_evaluacion(veces)
    proceso = worker(1)
    tiempos = []
    try:
        time.sleep(4)
        for pk in ids:
            inicio = time.perf_counter()
            with transaction.atomic():
                aprobar(pk, servidora)
            if not esperar([pk], 30):
                raise SystemExit("un certificado no se emitió en 30 s")
            tiempos.append(time.perf_counter() - inicio)
    finally:
        proceso.terminate()
        proceso.wait(timeout=30)
    tiempos.sort()
    return statistics.median(tiempos), tiempos[max(0, int(len(tiempos) * 0.95) - 1)]


def main():
    app.conf.task_always_eager = False
    servidora, (primera, *_resto) = en_evaluacion(1)
    app.conf.task_always_eager = True  # the first one is issued in-process for the render figures
    aprobar(primera, servidora)
    certificado = Certificado.objects.get(solicitud_id=primera)
    app.conf.task_always_eager = False
    desnudo, completo = medir_render(certificado)
    uno = rendimiento(1, 40)
    dos = rendimiento(2, 40)
    p50, p95 = latencia(20)
    print(json.dumps({"render_s": desnudo, "tarea_s": completo, "por_segundo_1": uno,
                      "por_segundo_2": dos, "latencia_p50_s": p50, "latencia_p95_s": p95}))


if __name__ == "__main__":
    main()
