"""Daily reminders (run by beat): to citizens, the business day before an
observation's deadline; to each office, a digest of requests due in 2
business days or overdue, and of its documents that keep failing. A second
run on the same day sends nothing more."""

import datetime

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from ciudadanos import services as ciudadanos_services
from ciudadanos.models import CategoriaAviso
from egov.documentos import documentos_con_fallas
from egov.mensajes import correo_registrar
from egov.unico import una_vez

from ..models import Estado, Observacion, Solicitud
from ..plazos import Calendario
from ..transiciones import fin_del_dia, hoy_en_lima, referencia_de

# Business days ahead the office digest looks for requests about to fall due.
DIAS_AVISO_OFICINA = 2


def recordatorios_enviar(*, hoy: datetime.date | None = None) -> dict:
    hoy = hoy or hoy_en_lima()
    calendario = Calendario()
    resultado = {"ciudadanos": _a_ciudadanos(hoy, calendario), "oficinas": 0}
    limite = calendario.sumar(hoy, DIAS_AVISO_OFICINA)
    abiertas = Solicitud.objects.filter(
        estado__in=(Estado.PRESENTADA, Estado.EN_EVALUACION), fecha_limite__lte=limite
    ).select_related("tramite__oficina_resolucion", "asignado_a").order_by("fecha_limite", "id")
    por_oficina = {}
    for solicitud in abiertas:
        por_oficina.setdefault(solicitud.tramite.oficina_resolucion, ([], []))[0].append(solicitud)
    # Documents that fail for long or wait for a "Reintentar": the certificate
    # to the office that resolves, the filing receipt to the one that receives.
    fallidos = documentos_con_fallas()
    for clave, oficina_de in (("certificado", "oficina_resolucion"), ("cargopresentacion", "oficina_recepcion")):
        consulta = fallidos[clave].select_related(f"solicitud__tramite__{oficina_de}").order_by("primer_fallo_en", "pk")
        for documento in consulta:
            oficina = getattr(documento.solicitud.tramite, oficina_de)
            por_oficina.setdefault(oficina, ([], []))[1].append(documento)
    for oficina, (solicitudes, documentos_fallidos) in por_oficina.items():
        destinatarios = list(
            oficina.personal.filter(is_active=True, is_staff=True).values_list("email", flat=True)
        )
        if not destinatarios:
            continue
        with transaction.atomic():
            if not una_vez(f"resumen:{oficina.pk}:{hoy.isoformat()}"):
                continue
            texto = render_to_string(
                "tramites/avisos/resumen_oficina.txt",
                {"oficina": oficina, "hoy": hoy,
                 "vencidas": [s for s in solicitudes if s.fecha_limite < hoy],
                 "proximas": [s for s in solicitudes if s.fecha_limite >= hoy],
                 "documentos": documentos_fallidos,
                 "listas": sorted({d._meta.model_name for d in documentos_fallidos}), "dias": DIAS_AVISO_OFICINA,
                 "SITE_URL": settings.SITE_URL},
            )
            correo_registrar(para=destinatarios, asunto=_asunto_resumen(oficina, solicitudes, documentos_fallidos),
                             texto=texto, referencia=f"resumen:{oficina.sigla}")
            resultado["oficinas"] += 1
    return resultado


def _a_ciudadanos(hoy: datetime.date, calendario: Calendario) -> int:
    enviados = 0
    observaciones = Observacion.objects.filter(
        subsanada_en__isnull=True, plazo=calendario.sumar(hoy, 1), solicitud__estado=Estado.OBSERVADA
    ).select_related("solicitud__tramite", "solicitud__ciudadano")
    for observacion in observaciones:
        with transaction.atomic():
            if not una_vez(f"observacion:{observacion.pk}:{hoy.isoformat()}"):
                continue
            solicitud = observacion.solicitud
            ciudadanos_services.aviso_depositar(
                usuario=solicitud.ciudadano,
                asunto=_("%(exp)s: mañana vence el plazo para subsanar") % {"exp": solicitud.expediente},
                cuerpo=render_to_string(
                    "tramites/avisos/recordatorio_observacion.txt",
                    {"solicitud": solicitud, "observacion": observacion},
                ).strip(),
                enlace=solicitud.get_absolute_url(),
                referencia=referencia_de(solicitud),
                # Alerted at once (and by SMS if the citizen asked for reminders by SMS).
                categoria=CategoriaAviso.RECORDATORIO,
                plazo_vence_en=fin_del_dia(observacion.plazo),
            )
            enviados += 1
    return enviados


def _asunto_resumen(oficina, solicitudes, documentos_fallidos) -> str:
    datos = {"oficina": oficina.nombre, "n": len(solicitudes)}
    if not documentos_fallidos:
        return _("%(oficina)s: %(n)s solicitudes vencidas o por vencer") % datos
    if not solicitudes:
        return _("%(oficina)s: documentos que no se pudieron generar") % datos
    return _("%(oficina)s: %(n)s solicitudes vencidas o por vencer y documentos que no se pudieron generar") % datos
