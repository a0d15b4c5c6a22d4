"""The alerts of the casilla's notices: at once by every verified channel for
a notice with legal effect, by the citizen's choice for reminders, and one
daily digest for routine news instead of one message per change."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from ciudadanos import alertas
from ciudadanos import services as ciudadanos_services
from ciudadanos.models import CanalAviso, CategoriaAviso, Notificacion, TipoCanal
from egov import sms as sms_gsm7
from egov.models import EstadoMensaje, Mensaje
from tests.factories import PerfilFactory

LIMA = zoneinfo.ZoneInfo("America/Lima")


def _telefono(usuario, numero="+51987000111", **opciones) -> CanalAviso:
    return CanalAviso.objects.create(
        usuario=usuario, tipo=TipoCanal.SMS, destino=numero, verificado_en=timezone.now(), **opciones
    )


def _depositar(usuario, asunto, categoria=CategoriaAviso.NOVEDAD, **opciones) -> Notificacion:
    return ciudadanos_services.aviso_depositar(
        usuario=usuario, asunto=asunto, cuerpo="Detalle reservado del expediente 2026-000123.",
        enlace="/mis-tramites/", referencia="solicitud:1", categoria=categoria, **opciones,
    )


def _sms(**filtro):
    return Mensaje.objects.filter(canal=Mensaje.Canal.SMS, **filtro)


@pytest.mark.django_db(transaction=True)
def test_aviso_con_efecto_legal_va_por_correo_y_sms_sin_su_contenido():
    usuario = PerfilFactory().usuario
    telefono = _telefono(usuario)
    with time_machine.travel(datetime.datetime(2026, 12, 2, 10, 0, tzinfo=LIMA), tick=False):
        notificacion = _depositar(usuario, "Tu solicitud 2026-000123 fue observada", CategoriaAviso.LEGAL)

    assert [c.to for c in mail.outbox] == [[usuario.email]]
    assert "con efectos legales" in mail.outbox[0].body
    assert "surte efecto el día en que se deposita" in mail.outbox[0].body
    sms = _sms().get()
    assert sms.para == telefono.destino and sms.referencia == f"notificacion:{notificacion.pk}"
    assert sms.estado == EstadoMensaje.ENVIADO
    # The SMS says where to look, never what the notice says.
    assert "/casilla/" in sms.texto and "observada" not in sms.texto and "2026-000123" not in sms.texto
    # One GSM-7 SMS: "notificación" arrives as "notificacion", never as UCS-2 or with "?".
    assert sms_gsm7.septetos(sms.texto) <= 160 and sms_gsm7.gsm7(sms.texto) == sms.texto
    assert "notificacion con efectos legales" in sms.texto
    notificacion.refresh_from_db()
    assert notificacion.alertada_en is not None


@pytest.mark.django_db(transaction=True)
def test_sin_telefono_verificado_el_aviso_legal_va_solo_por_correo():
    usuario = PerfilFactory().usuario
    CanalAviso.objects.create(usuario=usuario, tipo=TipoCanal.SMS, destino="+51987000222")  # not verified
    _depositar(usuario, "Tu solicitud fue denegada", CategoriaAviso.LEGAL)
    assert len(mail.outbox) == 1
    assert not _sms().exists()


@pytest.mark.django_db(transaction=True)
def test_aviso_legal_de_noche_espera_a_las_siete_salvo_plazo_de_menos_de_un_dia():
    usuario = PerfilFactory().usuario
    _telefono(usuario)
    noche = datetime.datetime(2026, 12, 2, 23, 30, tzinfo=LIMA)
    with time_machine.travel(noche, tick=False):
        _depositar(usuario, "Tu solicitud fue aprobada", CategoriaAviso.LEGAL)
        _depositar(usuario, "Tu solicitud fue observada", CategoriaAviso.LEGAL,
                   plazo_vence_en=noche + datetime.timedelta(hours=20))

    en_espera = _sms(estado=EstadoMensaje.PENDIENTE).get()
    assert timezone.localtime(en_espera.proximo_intento_en, LIMA) == datetime.datetime(2026, 12, 3, 7, 0, tzinfo=LIMA)
    assert _sms(estado=EstadoMensaje.ENVIADO).count() == 1  # the one whose deadline is near went at once
    assert len(mail.outbox) == 2  # email alerts are not held back at night


@pytest.mark.django_db(transaction=True)
def test_recordatorio_por_sms_solo_si_el_ciudadano_lo_eligio():
    con_sms = PerfilFactory().usuario
    sin_sms = PerfilFactory().usuario
    _telefono(con_sms, "+51987000333")
    _telefono(sin_sms, "+51987000444", sms_recordatorios=False)
    with time_machine.travel(datetime.datetime(2026, 12, 2, 9, 0, tzinfo=LIMA), tick=False):
        for usuario in (con_sms, sin_sms):
            _depositar(usuario, "Mañana vence tu plazo para subsanar", CategoriaAviso.RECORDATORIO)

    assert sorted(m.to[0] for m in mail.outbox) == sorted([con_sms.email, sin_sms.email])
    assert list(_sms().values_list("para", flat=True)) == ["+51987000333"]


@pytest.mark.django_db(transaction=True)
def test_las_novedades_del_dia_llegan_en_un_solo_resumen():
    usuario = PerfilFactory().usuario
    otro = PerfilFactory().usuario
    for n in range(20):
        _depositar(usuario, f"Tu solicitud 2026-{n:06d} está en evaluación")
    leida = _depositar(usuario, "Se emitió tu cargo de presentación")
    ciudadanos_services.notificacion_leer(notificacion=leida, usuario=usuario)
    _depositar(otro, "Tu solicitud está en evaluación")
    assert mail.outbox == []  # nothing at the moment of each change

    resultado = alertas.resumenes_enviar()

    assert resultado == {"ciudadanos": 2, "novedades": 21}
    por_destinatario = {m.to[0]: m for m in mail.outbox}
    assert len(mail.outbox) == 2 and set(por_destinatario) == {usuario.email, otro.email}
    resumen = por_destinatario[usuario.email]
    assert "20 novedades" in resumen.subject
    assert resumen.body.count("está en evaluación") == 20
    assert "cargo de presentación" not in resumen.body  # already read: not listed again
    assert not Notificacion.objects.filter(alertada_en__isnull=True).exists()

    # A second run (beat late, or twice) sends nothing more.
    assert alertas.resumenes_enviar() == {"ciudadanos": 0, "novedades": 0}
    assert len(mail.outbox) == 2


@pytest.mark.django_db(transaction=True)
def test_el_resumen_no_espera_los_avisos_legales_y_va_por_sms_solo_si_se_pidio():
    usuario = PerfilFactory().usuario
    _telefono(usuario, sms_novedades=True)
    with time_machine.travel(datetime.datetime(2026, 12, 2, 18, 0, tzinfo=LIMA), tick=False):
        _depositar(usuario, "Tu solicitud fue observada", CategoriaAviso.LEGAL)
        _depositar(usuario, "Tu solicitud está en evaluación")
        _depositar(usuario, "Se asignó un evaluador a tu solicitud")
        assert len(mail.outbox) == 1  # the legal one, at once
        alertas.resumenes_enviar()

    assert len(mail.outbox) == 2 and "2 novedades" in mail.outbox[1].subject
    assert "observada" not in mail.outbox[1].body  # legal notices are never in the digest
    resumen_sms = _sms(referencia__startswith="resumen:").get()
    assert "2 novedades" in resumen_sms.texto


@pytest.mark.django_db(transaction=True)
def test_el_resumen_de_un_ciudadano_no_impide_el_de_los_demas(monkeypatch):
    bien = PerfilFactory().usuario
    mal = PerfilFactory().usuario
    _depositar(bien, "Tu solicitud está en evaluación")
    _depositar(mal, "Tu solicitud está en evaluación")
    original = alertas.correo_registrar

    def falla_para_uno(**datos):
        if datos["para"] == [mal.email]:
            raise RuntimeError("plantilla rota")
        return original(**datos)

    monkeypatch.setattr(alertas, "correo_registrar", falla_para_uno)
    assert alertas.resumenes_enviar() == {"ciudadanos": 1, "novedades": 1}
    assert [m.to for m in mail.outbox] == [[bien.email]]
    # The failed one is still waiting for the next digest: nothing was lost.
    assert Notificacion.objects.filter(usuario=mal, alertada_en__isnull=True).count() == 1
