"""Who looked at my file: openings by one servant within an hour are one line
for the citizen; the record itself keeps every opening."""

import datetime

import pytest
import time_machine

from tests.fixtures import DOMICILIO, en_lima, presentar, resolutor
from tramites.models import AccesoExpediente


@pytest.mark.django_db
def test_aperturas_repetidas_en_una_hora_son_una_linea(catalogo, ciudadano, web):
    with time_machine.travel(en_lima(2026, 11, 30, 9), tick=False):
        solicitud = presentar(ciudadano, DOMICILIO)
    servidor = resolutor(solicitud)

    def abrir(hora, minuto, dia=30):
        acceso = AccesoExpediente.objects.create(
            solicitud=solicitud, usuario=servidor, oficina="Subgerencia X", rol="Evaluador")
        AccesoExpediente.objects.filter(pk=acceso.pk).update(creado_en=en_lima(2026, 11, dia, hora, minuto))

    for minuto in (2, 20, 40):
        abrir(10, minuto)
    abrir(11, 30)  # more than an hour after 10:02: a new line
    web.force_login(ciudadano)
    texto = " ".join(web.get(solicitud.get_absolute_url()).content.decode().split())
    assert "30/11/2026 10:02–10:40</td><td>Subgerencia X</td><td>Evaluador</td><td>3 veces" in texto
    assert "30/11/2026 11:30</td><td>Subgerencia X</td><td>Evaluador</td><td>1 vez" in texto
    assert texto.index("11:30") < texto.index("10:02")  # newest first
    assert AccesoExpediente.objects.filter(solicitud=solicitud).count() == 4  # the record is complete


def test_agrupar_separa_servidores_y_horas():
    from tramites.selectors import accesos_agrupados

    base = datetime.datetime(2026, 11, 30, 15, 0, tzinfo=datetime.UTC)

    def acceso(pk, usuario, minutos):
        return AccesoExpediente(pk=pk, usuario_id=usuario, oficina="O", rol="R",
                                creado_en=base + datetime.timedelta(minutes=minutos))

    grupos = accesos_agrupados(accesos=[acceso(1, 1, 0), acceso(2, 2, 5), acceso(3, 1, 30), acceso(4, 1, 61)])
    assert [(g.veces, g.desde.minute, g.hasta.minute) for g in grupos] == [(1, 1, 1), (1, 5, 5), (2, 0, 30)]
