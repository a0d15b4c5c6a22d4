"""Who reaches a company's requests, cell by cell: the representative who
filed them, another confirmed representative, one still waiting for
confirmation, another citizen, a visitor, and staff of the resolving office
and of another office, over every address that shows or acts on a request.
Following (the page, Mis trámites, issued documents, files, the resolution) is
for the company's confirmed representatives; acting (correcting,
withdrawing, rating, the filing confirmation) stays with who filed it; staff
read the documents of their office only. Every refusal is a 404 (or the login
wall for a visitor), never someone else's data."""

import pytest
from django.test import Client
from django.utils import timezone

from ciudadanos.models import Empresa, EstadoRepresentacion, Representacion
from tests.fixtures import borrador_completo, persona, servidor_de
from tramites import services
from tramites.models import Estado, Solicitud

pytestmark = pytest.mark.django_db

LICENCIA = "licencia-de-funcionamiento-riesgo-bajo"  # automatic approval, SGDE
PARAMETROS = "certificado-de-parametros-urbanisticos"  # evaluación previa, SGOPC
ACTORES = ("anonimo", "quien_presento", "co_representante", "pendiente", "otro", "personal_resuelve",
           "personal_otra")
ANDES = "COMERCIAL LOS ANDES S.A.C."


@pytest.fixture
def mundo(catalogo, django_capture_on_commit_callbacks):
    filer = persona(nombres="Wiñay", apellido_paterno="Quispe", numero_documento="71500001")
    co = persona(nombres="Juan", apellido_paterno="Mamani", numero_documento="71500002")
    pendiente = persona(nombres="Pedro", apellido_paterno="Ramos", numero_documento="71500004")
    otro = persona(nombres="María", apellido_paterno="Flores", numero_documento="71500003")
    empresa = Empresa.objects.create(ruc="20600000013", razon_social=ANDES, estado="ACTIVO",
                                     condicion="HABIDO", verificada_en=timezone.now())
    for usuario, estado in ((filer, "confirmada"), (co, "confirmada"), (pendiente, "pendiente")):
        Representacion.objects.create(empresa=empresa, usuario=usuario, estado=estado,
                                      confirmada_en=timezone.now() if estado == "confirmada" else None)
    # The other citizen represents another company: that gives nothing here.
    ajena = Empresa.objects.create(ruc="20600000030", razon_social="TRANSPORTES SELVA S.R.L.")
    Representacion.objects.create(empresa=ajena, usuario=otro, estado=EstadoRepresentacion.CONFIRMADA)

    def para_la_empresa(slug):
        with django_capture_on_commit_callbacks(execute=True):
            borrador = borrador_completo(filer, slug)
            services.borrador_a_nombre_de(solicitud=borrador, ciudadano=filer, empresa_id=empresa.pk)
            return services.solicitud_presentar(solicitud=borrador, ciudadano=filer, declaracion_jurada=True)

    aprobada = para_la_empresa(LICENCIA)
    denegada = para_la_empresa(PARAMETROS)
    resuelve = servidor_de("SGOPC", "jefe", nombres="Lucía")
    with django_capture_on_commit_callbacks(execute=True):
        services.solicitud_tomar(solicitud=denegada, servidor=resuelve)
        services.solicitud_denegar(solicitud=Solicitud.objects.get(pk=denegada.pk), servidor=resuelve,
                                   motivo="La zonificación no permite el uso.")
    abierta = para_la_empresa(PARAMETROS)
    aprobada = Solicitud.objects.get(pk=aprobada.pk)
    assert aprobada.estado == Estado.APROBADA and aprobada.certificado.listo and aprobada.cargo.listo
    assert Solicitud.objects.get(pk=denegada.pk).resolucion.listo
    return {
        "usuarios": {
            "anonimo": None, "quien_presento": filer, "co_representante": co, "pendiente": pendiente,
            "otro": otro, "personal_resuelve": servidor_de("SGDE,SGOPC", "jefe"),
            "personal_otra": servidor_de("SGPV", "jefe"),
        },
        "aprobada": aprobada, "denegada": Solicitud.objects.get(pk=denegada.pk),
        "abierta": Solicitud.objects.get(pk=abierta.pk),
    }


SEGUIR = {"quien_presento", "co_representante"}
ACTUAR = {"quien_presento"}
DOCUMENTOS = SEGUIR | {"personal_resuelve"}


def _direcciones(m):
    aprobada, denegada, abierta = m["aprobada"], m["denegada"], m["abierta"]
    adjunto = aprobada.adjuntos.first()
    return [
        ("la página de la solicitud", f"/mis-tramites/{aprobada.expediente}/", SEGUIR),
        ("la página de la abierta", f"/mis-tramites/{abierta.expediente}/", SEGUIR),
        ("la confirmación de presentación", f"/mis-tramites/{aprobada.expediente}/confirmacion/", ACTUAR),
        ("subsanar", f"/mis-tramites/{abierta.expediente}/subsanar/", ACTUAR),
        ("desistir", f"/mis-tramites/{abierta.expediente}/desistir/", ACTUAR),
        ("calificar la atención", f"/mis-tramites/{aprobada.expediente}/valorar/", ACTUAR),
        ("el certificado", f"/mis-tramites/{aprobada.expediente}/certificado.pdf", DOCUMENTOS),
        ("el cargo", f"/mis-tramites/{aprobada.expediente}/cargo.pdf", DOCUMENTOS),
        ("la resolución", f"/mis-tramites/{denegada.expediente}/resolucion.pdf", SEGUIR),
        ("un documento presentado", f"/documentos/{adjunto.uuid}/", DOCUMENTOS),
    ]


def _cliente(usuario):
    cliente = Client(raise_request_exception=False)
    if usuario is not None:
        cliente.force_login(usuario)
    return cliente


def test_matriz_de_acceso_a_las_solicitudes_de_una_empresa(mundo):
    fallas = []
    for clave in ACTORES:
        usuario = mundo["usuarios"][clave]
        cliente = _cliente(usuario)
        for nombre, url, permitidos in _direcciones(mundo):
            respuesta = cliente.get(url)
            estado = respuesta.status_code
            if clave in permitidos:
                bien = estado in (200, 302) and not (estado == 302 and "/cuenta/login/" in respuesta["Location"])
            elif usuario is None:
                bien = estado == 302 and respuesta["Location"].startswith("/cuenta/login/")
            else:
                bien = estado == 404
            if not bien:
                fallas.append(f"{clave} en {nombre} ({url}): {estado} {respuesta.get('Location', '')}")
    assert not fallas, "\n".join(fallas)


def test_mis_tramites_lista_las_de_la_empresa_solo_a_sus_representantes_confirmados(mundo):
    expedientes = {mundo[s].expediente for s in ("aprobada", "denegada", "abierta")}
    for clave in ("quien_presento", "co_representante", "pendiente", "otro"):
        pagina = _cliente(mundo["usuarios"][clave]).get("/mis-tramites/").content.decode()
        vistos = {e for e in expedientes if e in pagina}
        if clave in SEGUIR:
            assert vistos == expedientes, clave
            assert pagina.count(f"A nombre de {ANDES}") == 3, clave
        else:
            assert not vistos and ANDES not in pagina, clave


def test_quien_deja_de_representarla_ya_no_la_ve_aunque_su_pagina_estuviera_guardada(mundo, al_confirmar):
    co = mundo["usuarios"]["co_representante"]
    cliente = _cliente(co)
    url = mundo["aprobada"].get_absolute_url()
    assert cliente.get(url).status_code == 200
    assert mundo["aprobada"].expediente in cliente.get("/mis-tramites/").content.decode()
    with al_confirmar():  # removed by any path (here, the database itself): the pages stored for them go
        Representacion.objects.get(usuario=co).delete()
    assert cliente.get(url).status_code == 404
    assert mundo["aprobada"].expediente not in cliente.get("/mis-tramites/").content.decode()
    assert cliente.get(f"/mis-tramites/{mundo['aprobada'].expediente}/cargo.pdf").status_code == 404
