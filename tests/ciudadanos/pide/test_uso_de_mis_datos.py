"""'Uso de mis datos': every PIDE lookup about the citizen and every staff
opening of their requests, newest first, never the servant's name, and the
same in 'Descargar mis datos'. It lists exactly the lookups a test makes."""

import json
import re

import pytest
import time_machine
from django.test import Client

from ciudadanos import pide
from ciudadanos.models import ConsultaPide, OrigenConsulta
from tests import factories
from tests.fixtures import INFORMACION, en_lima, presentar, servidor_de
from tramites.models import Solicitud

pytestmark = [pytest.mark.django_db, pytest.mark.redis]

USO = "/cuenta/uso-de-mis-datos/"


def filas(cliente, url=USO) -> list[list[str]]:
    """The table's rows as a person reads them (cell texts)."""
    contenido = cliente.get(url).content.decode()
    cuerpo = contenido.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in contenido else ""
    return [
        [" ".join(re.sub(r"<[^>]+>", " ", celda).split()) for celda in re.findall(r"<td>(.*?)</td>", fila, re.S)]
        for fila in re.findall(r"<tr>(.*?)</tr>", cuerpo, re.S)
    ]


@pytest.fixture
def web(ciudadano):
    cliente = Client()
    cliente.force_login(ciudadano)
    return cliente


def test_lista_exactamente_lo_que_paso_y_lo_mas_reciente_primero(usar_pide, catalogo, ciudadano, web, admin_de):
    assert filas(web) == []
    assert "Todavía nadie ha consultado tus datos" in web.get(USO).content.decode()
    perfil = ciudadano.perfil
    perfil.numero_documento = "40000002"  # JUAN CARLOS MAMANI CONDORI for RENIEC: names differ
    perfil.save()

    with time_machine.travel(en_lima(2026, 3, 9, 9, 0), tick=False):
        with pytest.raises(pide.NoDisponible):  # a lookup that failed is listed too
            pide.persona_consultar(dni="49999992", titular=ciudadano, origen=OrigenConsulta.CIUDADANO,
                                   motivo="Completar tu perfil", solicitada_por=ciudadano)
    with time_machine.travel(en_lima(2026, 3, 9, 10, 0), tick=False):
        solicitud = presentar(ciudadano, INFORMACION)  # the automatic step at filing
    servidor = servidor_de("SG", "evaluador", nombres="Evaristo", apellido="Zegarrundo")
    with time_machine.travel(en_lima(2026, 3, 10, 11, 30), tick=False):
        assert admin_de(servidor).get(f"/admin/tramites/solicitud/{solicitud.pk}/change/").status_code == 200
    with time_machine.travel(en_lima(2026, 3, 11, 8, 15), tick=False):
        pide.contribuyente_consultar(ruc="20600000013", titular=ciudadano, origen=OrigenConsulta.SERVIDOR,
                                     motivo="Comprobar la empresa de tu solicitud", solicitada_por=servidor,
                                     referencia=f"solicitud:{solicitud.pk}")
    # Someone else's lookup is not theirs to see.
    pide.persona_consultar(dni="40000003", titular=factories.UsuarioFactory(), origen="ciudadano", motivo="x")

    expediente = f"expediente {solicitud.expediente}, {solicitud.tramite.nombre}"
    assert filas(web) == [
        ["11/03/2026 08:15", "Consulta a SUNAT de los datos de la empresa con RUC 20600000013 Respondió con los datos pedidos",
         "Personal de la entidad: Secretaría General, Evaluador",
         f"Comprobar la empresa de tu solicitud ({expediente})"],
        ["10/03/2026 11:30", f"El personal abrió tu {expediente}", "Personal de la entidad: Secretaría General, Evaluador",
         "Revisar tu solicitud"],
        ["09/03/2026 10:00", "Consulta a RENIEC de tus nombres por tu DNI Respondió con los datos pedidos",
         "Paso automático del portal", f"Verificar tu identidad al presentar tu solicitud ({expediente})"],
        ["09/03/2026 09:00", "Consulta a RENIEC de tus nombres por tu DNI No respondió (servicio no disponible)",
         "Tú", "Completar tu perfil"],
    ]
    pagina = web.get(USO).content.decode()
    assert "Evaristo" not in pagina and "Zegarrundo" not in pagina and servidor.email not in pagina
    assert f'href="/mis-tramites/{solicitud.expediente}/"' in pagina

    exportado = json.loads(web.get("/cuenta/mis-datos/").content)["uso_de_mis_datos"]
    assert [(u["fecha"][:16], u["quien"]) for u in exportado] == [
        ("2026-03-11T08:15", "Personal de la entidad: Secretaría General, Evaluador"),
        ("2026-03-10T11:30", "Personal de la entidad: Secretaría General, Evaluador"),
        ("2026-03-09T10:00", "Paso automático del portal"),
        ("2026-03-09T09:00", "Tú"),
    ]
    assert "Evaristo" not in json.dumps(exportado)


def test_se_pagina_de_25_en_25(catalogo, ciudadano, web):
    ConsultaPide.objects.bulk_create(
        ConsultaPide(servicio="reniec", documento="40000001", titular=ciudadano, origen="ciudadano",
                     motivo=f"Consulta {i}", resultado="encontrado")
        for i in range(30)
    )
    assert len(filas(web)) == 25
    segunda = web.get(USO + "?pagina=2").content.decode()
    assert "Página 2 de 2" in segunda and len(filas(web, USO + "?pagina=2")) == 5
    assert len(filas(web, USO + "?pagina=999")) == 5  # past the end: the last page
    assert len(filas(web, USO + "?pagina=x")) == 25


def test_cache_se_muestra_como_tal(usar_pide, ciudadano, web):
    for _ in range(2):
        pide.persona_consultar(dni="40000001", titular=ciudadano, origen="ciudadano", motivo="Completar tu perfil")
    textos = [f[1] for f in filas(web)]
    assert "sin volver a preguntar" in textos[0] and "sin volver a preguntar" not in textos[1]


def test_el_perfil_enlaza_al_uso_de_mis_datos(ciudadano, web):
    assert f'href="{USO}"' in web.get("/cuenta/perfil/").content.decode()


def test_presentar_sin_pide_marca_datos_sin_verificar_y_no_consulta(settings, catalogo, ciudadano):
    settings.PIDE_URL = ""
    solicitud = presentar(ciudadano, INFORMACION)
    assert solicitud.datos_sin_verificar is True
    assert not ConsultaPide.objects.exists()


def test_presentar_con_nombres_verificados_no_marca_ni_consulta(usar_pide, catalogo, ciudadano):
    from django.utils import timezone

    ciudadano.perfil.datos_reniec_en = timezone.now()
    ciudadano.perfil.save()
    assert presentar(ciudadano, INFORMACION).datos_sin_verificar is False
    assert not ConsultaPide.objects.exists()


def test_presentar_verifica_los_nombres_que_coinciden(usar_pide, catalogo):
    ciudadano = factories.PerfilFactory(numero_documento="40000003", nombres="María Luisa",
                                        apellido_paterno="Flores", apellido_materno="Torres").usuario
    solicitud = presentar(ciudadano, INFORMACION)
    assert solicitud.datos_sin_verificar is False
    ciudadano.perfil.refresh_from_db()
    assert ciudadano.perfil.datos_reniec_en is not None
    consulta = ConsultaPide.objects.get()
    assert (consulta.origen, consulta.referencia) == ("automatico", f"solicitud:{solicitud.pk}")


def test_presentar_con_pide_caido_no_se_detiene(usar_pide, catalogo):
    ciudadano = factories.PerfilFactory(numero_documento="49999992").usuario
    solicitud = presentar(ciudadano, INFORMACION)
    assert solicitud.expediente and solicitud.datos_sin_verificar is True
    assert ConsultaPide.objects.get().resultado == "no_disponible"


def test_el_personal_ve_datos_sin_verificar_y_la_diferencia_con_reniec(usar_pide, catalogo, admin_de):
    ciudadano = factories.PerfilFactory(numero_documento="40000004", nombres="Pedro",
                                        apellido_paterno="Ramos", apellido_materno="Chávez").usuario
    solicitud = presentar(ciudadano, INFORMACION)
    assert Solicitud.objects.get(pk=solicitud.pk).datos_sin_verificar is True
    servidor = servidor_de("SG", "evaluador")
    pagina = admin_de(servidor).get(f"/admin/tramites/solicitud/{solicitud.pk}/change/").content.decode()
    assert "Datos sin verificar" in pagina
    assert "Diferencias con RENIEC" in pagina and "RENIEC «PEDRO PABLO»" in pagina
