"""Writes of the constancia de notificación: the snapshot of how one notice
with legal effect reached the citizen, taken from the database when someone
asks for it, and its signed PDF, rendered by the entity's document pipeline
(egov/documentos.py) from that snapshot alone.

A snapshot (`datos`) holds what the constancia states, already masked:
the request, the masked recipient, the notice's subject and deposit time,
each alert (channel, masked destination, when it was recorded and sent, what
the provider said of its delivery and when), the first opening and the legal
notification date under the entity's rule. Its SHA-256 names it: asking again
while nothing changed gives the same constancia; a new receipt or the first
opening makes a new one (the older ones stay verifiable)."""

import datetime
import hashlib
import json

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from ciudadanos.alertas import referencia_de as referencia_de_alertas
from ciudadanos.models import CategoriaAviso, Notificacion
from egov import documentos
from egov.documentos import TipoDocumento
from egov.dominio import NoEncontrado
from egov.models import Mensaje
from egov.tareas import encolar

from ..certificados.selectors import enmascarar_documento, enmascarar_nombre
from ..certificados.services import codigo_nuevo, qr_con_texto_alternativo
from ..models import Solicitud
from ..plazos import Calendario
from . import fechas
from .models import ConstanciaNotificacion

# --- Masking -------------------------------------------------------------------------------------


def enmascarar_correo(correo: str) -> str:
    """'rosa.huaman@example.pe' -> 'r***@example.pe'."""
    usuario, arroba, dominio = (correo or "").strip().partition("@")
    if not arroba:
        return "***"
    return f"{usuario[:1]}***@{dominio}"


def enmascarar_telefono(numero: str) -> str:
    """'+51987654321' -> '+51 9** *** 321': the country, the first and the last three digits."""
    digitos = "".join(c for c in (numero or "") if c.isdigit())
    if numero.strip().startswith("+51") and len(digitos) == 11:
        nacional = digitos[2:]
        return f"+51 {nacional[0]}** *** {nacional[-3:]}"
    return "*" * max(len(digitos) - 3, 0) + digitos[-3:]


def destino_enmascarado(mensaje: Mensaje) -> str:
    if mensaje.canal == Mensaje.Canal.SMS:
        return enmascarar_telefono(mensaje.para)
    return ", ".join(enmascarar_correo(d) for d in mensaje.destinatarios)


# --- The notice and its request ----------------------------------------------------------------


def solicitud_de(notificacion: Notificacion) -> Solicitud:
    """The request a notice with legal effect is about ("solicitud:<pk>",
    tramites.transiciones.referencia_de), filed by its recipient; NoEncontrado
    for any other notice."""
    prefijo, _sep, pk = (notificacion.referencia or "").partition(":")
    if notificacion.categoria != CategoriaAviso.LEGAL or prefijo != "solicitud" or not pk.isdigit():
        raise NoEncontrado
    solicitud = (
        Solicitud.objects.filter(pk=int(pk), ciudadano_id=notificacion.usuario_id)
        .select_related("tramite__oficina_resolucion").first()
    )
    if solicitud is None:
        raise NoEncontrado
    return solicitud


def alertas_de(notificaciones) -> dict[int, list[Mensaje]]:
    """The alerts (outbox rows) of these notices, oldest first, with their receipts: {notice id: [Mensaje]}."""
    por_referencia = {referencia_de_alertas(n): n.pk for n in notificaciones}
    resultado = {n.pk: [] for n in notificaciones}
    if not por_referencia:
        return resultado
    consulta = (
        Mensaje.objects.filter(referencia__in=list(por_referencia)).prefetch_related("recibos")
        .order_by("creado_en", "pk")
    )
    for mensaje in consulta:
        resultado[por_referencia[mensaje.referencia]].append(mensaje)
    return resultado


# --- The snapshot ----------------------------------------------------------------------------------


def _momento(valor: datetime.datetime | None) -> str | None:
    return timezone.localtime(valor).isoformat() if valor else None


def _alerta(mensaje: Mensaje) -> dict:
    return {
        "canal": mensaje.canal,
        "canal_texto": str(mensaje.get_canal_display()),
        "destino": destino_enmascarado(mensaje),
        "registrada_en": _momento(mensaje.creado_en),
        "enviada_en": _momento(mensaje.enviado_en),
        "envio": mensaje.estado,
        "envio_texto": str(mensaje.get_estado_display()),
        "entrega": mensaje.entrega,
        "entrega_texto": str(mensaje.get_entrega_display()),
        "entrega_en": _momento(mensaje.entrega_en),
        "recibos": [
            {"estado": r.estado, "estado_texto": str(r.get_estado_display()), "ocurrido_en": _momento(r.ocurrido_en)}
            for r in mensaje.recibos.all()
        ],
    }


def datos_construir(
    *, notificacion: Notificacion, solicitud: Solicitud, alertas: list[Mensaje],
    calendario: Calendario | None = None, hoy: datetime.date | None = None,
) -> dict:
    """What a constancia states about this notice, from the database as it is now."""
    regla, dias = fechas.regla_vigente(), fechas.dias_vigentes()
    calendario = calendario or Calendario()
    fecha = fechas.fecha_notificacion(notificacion=notificacion, regla=regla, dias=dias, calendario=calendario, hoy=hoy)
    tacita = (
        fechas.fecha_tacita(notificacion=notificacion, dias=dias, calendario=calendario)
        if regla == fechas.DIAS_HABILES and fecha is None else None
    )
    persona = solicitud.solicitante or {}
    return {
        "entidad": settings.ENTIDAD_NOMBRE,
        "expediente": solicitud.expediente,
        "tramite": solicitud.tramite.nombre,
        "oficina": solicitud.tramite.oficina_resolucion.nombre,
        "destinatario": enmascarar_nombre(persona.get("nombre_completo", "")),
        "documento": f"{persona.get('tipo_documento', '')} {enmascarar_documento(persona.get('numero_documento', ''))}",
        "asunto": notificacion.asunto,
        "depositada_en": _momento(notificacion.depositada_en),
        "plazo_vence_en": _momento(notificacion.plazo_vence_en),
        "alertas": [_alerta(m) for m in alertas],
        "leida_en": _momento(notificacion.leida_en),
        "regla": regla,
        "dias_habiles": dias if regla == fechas.DIAS_HABILES else None,
        "regla_texto": fechas.regla_texto(regla, dias),
        "fecha_notificacion": fecha.isoformat() if fecha else None,
        "fecha_tacita": tacita.isoformat() if tacita else None,
    }


def huella_de(datos: dict) -> str:
    texto = json.dumps(datos, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(texto.encode()).hexdigest()


def datos_para_mostrar(datos: dict) -> dict:
    """The snapshot with its times and dates as Python values, for templates
    (which format them in Lima time, as the snapshot recorded them)."""

    def momento(valor):
        return parse_datetime(valor) if valor else None

    def fecha(valor):
        return parse_date(valor) if valor else None

    return {
        **datos,
        "depositada_en": momento(datos.get("depositada_en")),
        "plazo_vence_en": momento(datos.get("plazo_vence_en")),
        "leida_en": momento(datos.get("leida_en")),
        "fecha_notificacion": fecha(datos.get("fecha_notificacion")),
        "fecha_tacita": fecha(datos.get("fecha_tacita")),
        "alertas": [
            {
                **alerta,
                "registrada_en": momento(alerta.get("registrada_en")),
                "enviada_en": momento(alerta.get("enviada_en")),
                "entrega_en": momento(alerta.get("entrega_en")),
                "recibos": [{**r, "ocurrido_en": momento(r.get("ocurrido_en"))} for r in alerta.get("recibos", [])],
            }
            for alerta in datos.get("alertas", [])
        ],
    }


# --- The constancia --------------------------------------------------------------------------------


def constancia_obtener(*, notificacion: Notificacion) -> ConstanciaNotificacion:
    """The constancia of this notice as the database holds it now: the last
    one with the same snapshot, or a new pending one whose PDF is enqueued
    (after commit). The caller has already checked who may ask for it
    (constancias.selectors). NoEncontrado for a notice without legal effect
    or not about a request."""
    solicitud = solicitud_de(notificacion)
    with transaction.atomic():
        # One row per snapshot, even when two clicks arrive together.
        notificacion = Notificacion.objects.select_for_update().get(pk=notificacion.pk)
        ahora = timezone.now()
        datos = datos_construir(
            notificacion=notificacion, solicitud=solicitud, alertas=alertas_de([notificacion])[notificacion.pk],
            hoy=timezone.localtime(ahora).date(),
        )
        huella = huella_de(datos)
        existente = (
            ConstanciaNotificacion.objects.filter(notificacion=notificacion, huella_datos=huella)
            .order_by("-corte_en", "-pk").first()
        )
        if existente is not None:
            return existente
        constancia = ConstanciaNotificacion.objects.create(
            notificacion=notificacion, solicitud=solicitud, codigo=codigo_nuevo(), corte_en=ahora, datos=datos,
            huella_datos=huella,
        )
        encolar(import_string(documentos.tipo_de(constancia).tarea), documento_id=constancia.pk)
    return constancia


# --- Rendering (called by the pipeline, inside the row's lock) ---------------------------------------------


def url_verificacion(constancia: ConstanciaNotificacion) -> str:
    return settings.SITE_URL + constancia.get_absolute_url()


def constancia_contexto(constancia: ConstanciaNotificacion) -> dict:
    enlace = url_verificacion(constancia)
    return {
        "constancia": constancia,
        "datos": datos_para_mostrar(constancia.datos),
        "solicitud": constancia.solicitud,
        "base_legal": fechas.BASE_LEGAL,
        "ENTIDAD_NOMBRE": settings.ENTIDAD_NOMBRE,
        "url_verificacion": enlace,
        "qr": qr_con_texto_alternativo(enlace),
        "identificador": constancia.codigo,
    }


def constancia_generar(constancia: ConstanciaNotificacion) -> bytes:
    from egov import pdf

    documento = pdf.pdf_renderizar("pdf/constancia_notificacion.html", constancia_contexto(constancia))
    return pdf.pdf_firmar(documento, motivo=_("Constancia de notificación"))


TIPO_CONSTANCIA = TipoDocumento(
    nombre="constancia_notificacion", modelo="tramites.ConstanciaNotificacion",
    tarea="tramites.constancias.tasks.constancia_emitir",
    generar="tramites.constancias.services.constancia_generar",
    relacionados=("solicitud__tramite__oficina_resolucion",),
)
