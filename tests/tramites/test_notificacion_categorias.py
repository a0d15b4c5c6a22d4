"""Which notices about a request have legal effect, which are reminders and
which are routine news: a decision or an observation is alerted at once;
taking a request or issuing a document waits for the day's digest (one email
for all of a citizen's requests); the reminder of an observation's deadline
carries that deadline. Without consent to the casilla no notice with legal
effect is deposited: the office is told to notify by other means. When every
alert of a legal notice bounced, the office is told it could not alert."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from ciudadanos import alertas
from ciudadanos.models import CategoriaAviso, Notificacion
from egov.entregas import recibo_registrar
from egov.models import EstadoEntrega, Mensaje
from tests import factories
from tests.fixtures import DOMICILIO, INFORMACION, en_lima, presentar, servidor_de
from tests.tramites.conftest import Pagina
from tests.tramites.test_notificacion_legal import alertas as alertas_de
from tests.tramites.test_notificacion_legal import observar, telefono_verificado
from tramites import services
from tramites.models import Evento, Observacion, Solicitud, TipoEvento

pytestmark = pytest.mark.django_db


def avisos(usuario, **filtros):
    return list(Notificacion.objects.filter(usuario=usuario, **filtros).order_by("pk"))


def ficha(admin_de, solicitud) -> str:
    cliente = admin_de(servidor_de(solicitud.tramite.oficina_resolucion.sigla, "jefe"))
    respuesta = cliente.get(f"/admin/tramites/solicitud/{solicitud.pk}/change/")
    assert respuesta.status_code == 200
    return Pagina(respuesta).texto()


# --- Categories ---------------------------------------------------------------------------------


def test_las_decisiones_y_observaciones_tienen_efectos_legales_y_se_avisan_al_momento(
    catalogo, ciudadano, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        aprobada = presentar(ciudadano, DOMICILIO)
        denegada = presentar(ciudadano, INFORMACION)
    mail.outbox.clear()
    observada = observar(aprobada, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        services.solicitud_subsanar(solicitud=aprobada, ciudadano=ciudadano, respuestas=None, archivos=[],
                                    max_total=10**7, nota="Adjunto lo pedido por correo.")
        services.solicitud_aprobar(solicitud=Solicitud.objects.get(pk=aprobada.pk),
                                   servidor=servidor_de("SGPV", "jefe"), nota="Conforme.")
        jefe = servidor_de("SG", "jefe")
        services.solicitud_tomar(solicitud=denegada, servidor=jefe)
        services.solicitud_denegar(solicitud=denegada, servidor=jefe, motivo="No es información pública.")
    legales = avisos(ciudadano, categoria=CategoriaAviso.LEGAL)
    assert [a.asunto.split(": ", 1)[1] for a in legales] == [
        "tu solicitud tiene una observación", "tu solicitud fue aprobada", "tu solicitud fue denegada",
    ]
    assert legales[0] == observada and observada.plazo_vence_en is not None
    assert all(a.alertada_en is not None for a in legales)
    # One email per legal notice, at once; the routine ones (filed, taken, corrected, document issued) wait.
    asuntos = sorted(m.subject for m in mail.outbox)
    assert asuntos == sorted(a.asunto for a in legales)
    rutina = avisos(ciudadano, categoria=CategoriaAviso.NOVEDAD)
    assert rutina and all(a.alertada_en is None for a in rutina)


def test_las_novedades_no_se_envian_al_momento_sino_en_un_resumen_por_ciudadano(
    catalogo, ciudadano, django_capture_on_commit_callbacks
):
    jefe = servidor_de("SGPV", "jefe")
    with django_capture_on_commit_callbacks(execute=True):
        primera = presentar(ciudadano, DOMICILIO)
        services.solicitud_tomar(solicitud=primera, servidor=jefe)
    with django_capture_on_commit_callbacks(execute=True):
        segunda = presentar(ciudadano, DOMICILIO)
        services.solicitud_tomar(solicitud=segunda, servidor=jefe)
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        assert alertas.resumenes_enviar() == {"ciudadanos": 1, "novedades": 4}
    assert len(mail.outbox) == 1
    resumen = mail.outbox[0]
    assert resumen.to == [ciudadano.email]
    assert primera.expediente in resumen.body and segunda.expediente in resumen.body


def test_el_recordatorio_de_subsanar_lleva_el_plazo_y_se_avisa_al_momento(
    catalogo, ciudadano, django_capture_on_commit_callbacks
):
    with time_machine.travel(en_lima(2026, 7, 24, 10), tick=False):
        solicitud = presentar(ciudadano, DOMICILIO)
        observar(solicitud, django_capture_on_commit_callbacks)
    plazo = Observacion.objects.get(solicitud=solicitud).plazo
    assert plazo == datetime.date(2026, 7, 30)  # 2 business days: Monday 27 and Thursday 30
    mail.outbox.clear()
    with time_machine.travel(en_lima(2026, 7, 27, 8), tick=False), django_capture_on_commit_callbacks(execute=True):
        assert services.recordatorios_enviar()["ciudadanos"] == 1  # the business day before is Monday
    recordatorio = Notificacion.objects.get(usuario=ciudadano, categoria=CategoriaAviso.RECORDATORIO)
    assert timezone.localtime(recordatorio.plazo_vence_en) == en_lima(2026, 7, 30, 23, 59).replace(second=59)
    assert [m.subject for m in mail.outbox] == [recordatorio.asunto]


# --- Consent -----------------------------------------------------------------------------------


def test_sin_consentimiento_no_se_deposita_la_notificacion_y_la_oficina_notifica_por_otro_medio(
    catalogo, admin_de, web, django_capture_on_commit_callbacks
):
    ciudadano = factories.PerfilFactory(consentimiento=False, direccion="Av. Grau 1020, Barranco").usuario
    solicitud = presentar(ciudadano, DOMICILIO)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.solicitud_observar(solicitud=solicitud, servidor=servidor_de("SGPV", "jefe"),
                                    mensaje="Falta el recibo de luz.")
    assert avisos(ciudadano, categoria=CategoriaAviso.LEGAL) == []
    assert mail.outbox == [] and not Mensaje.objects.filter(para__contains=ciudadano.email).exists()
    evento = Evento.objects.get(solicitud=solicitud, tipo=TipoEvento.NOTIFICAR_OTRO_MEDIO)
    asunto = f"{solicitud.expediente}: tu solicitud tiene una observación"
    assert f"notifica «{asunto}» en su domicilio" in evento.nota
    assert "Av. Grau 1020, Barranco" in evento.nota
    # The routine notice of the filing is still in the casilla.
    assert [a.categoria for a in avisos(ciudadano)] == [CategoriaAviso.NOVEDAD]
    texto = ficha(admin_de, solicitud)
    assert "Notifica por otro medio" in texto and f"«{asunto}»" in texto
    # The citizen's timeline says what it means for them, not the office's instruction.
    web.force_login(ciudadano)
    pagina = Pagina(web.get(solicitud.get_absolute_url()))
    assert "Te notificaremos en tu domicilio" in pagina.texto()
    assert "notifica «" not in pagina.texto()
    assert pagina.enlace("Acepta la casilla electrónica") == "/cuenta/avisos/"


def test_tras_retirar_el_consentimiento_la_siguiente_decision_va_por_otro_medio(
    catalogo, ciudadano, django_capture_on_commit_callbacks
):
    from ciudadanos.canales import consentimiento_retirar

    solicitud = presentar(ciudadano, DOMICILIO)
    observar(solicitud, django_capture_on_commit_callbacks)
    assert consentimiento_retirar(usuario=ciudadano, ip="198.51.100.7")
    with django_capture_on_commit_callbacks(execute=True):
        services.solicitud_desistir(solicitud=solicitud, ciudadano=ciudadano, motivo="")  # routine: deposited
        otra = presentar(ciudadano, INFORMACION)
        jefe = servidor_de("SG", "jefe")
        services.solicitud_tomar(solicitud=otra, servidor=jefe)
        services.solicitud_denegar(solicitud=otra, servidor=jefe, motivo="No es información pública.")
    assert len(avisos(ciudadano, categoria=CategoriaAviso.LEGAL)) == 1  # only the observation, before
    assert Evento.objects.filter(solicitud=otra, tipo=TipoEvento.NOTIFICAR_OTRO_MEDIO).count() == 1


# --- Alerts that did not arrive ------------------------------------------------------------------


def test_la_ficha_advierte_cuando_ninguna_alerta_llego_y_deja_de_hacerlo_al_abrirla(
    catalogo, ciudadano, admin_de, settings, web, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.tramites.test_notificacion_legal.CorreoConId"
    telefono_verificado(ciudadano)
    solicitud = presentar(ciudadano, DOMICILIO)
    aviso = observar(solicitud, django_capture_on_commit_callbacks)
    enviadas = alertas_de(aviso)
    recibo_registrar(canal="correo", proveedor_id=enviadas["correo"].proveedor_id, estado=EstadoEntrega.REBOTADO,
                     detalle="550 5.1.1 usuario desconocido")
    assert "No se pudo avisar" not in ficha(admin_de, solicitud)  # the SMS may still arrive
    recibo_registrar(canal="sms", proveedor_id=enviadas["sms"].proveedor_id, estado=EstadoEntrega.FALLIDO,
                     detalle="número fuera de servicio")
    texto = ficha(admin_de, solicitud)
    assert "No se pudo avisar" in texto and f"«{aviso.asunto}»" in texto
    assert "550 5.1.1 usuario desconocido" in texto and "+51 9** *** 321" in texto
    web.force_login(ciudadano)
    web.get(aviso.get_absolute_url())
    assert "No se pudo avisar" not in ficha(admin_de, solicitud)
