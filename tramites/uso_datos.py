"""What tramites adds to the citizen's "Uso de mis datos" (ciudadanos, which
does not import this app): each time staff opened one of their requests, what
a PIDE lookup's reference "solicitud:<id>" was for, and a servant described
by office and role, never by name. Registered from TramitesConfig.ready()."""

from django.utils.translation import gettext as _

from ciudadanos import selectors as ciudadanos_selectors

from .models import AccesoExpediente, Solicitud


def _accesos_filas(usuario):
    return ciudadanos_selectors.uso_columnas(
        AccesoExpediente.objects.filter(solicitud__ciudadano=usuario), tipo="acceso", fecha="creado_en"
    )


def _solicitud_nombrar(solicitud) -> str:
    numero = solicitud.expediente or _("borrador")
    return _("expediente %(numero)s, %(tramite)s") % {"numero": numero, "tramite": solicitud.tramite.nombre}


def _accesos_describir(pks):
    accesos = AccesoExpediente.objects.filter(pk__in=pks).select_related("solicitud__tramite")
    return {
        acceso.pk: ciudadanos_selectors.UsoDeDatos(
            fecha=acceso.creado_en,
            que=_("El personal abrió tu %(solicitud)s") % {"solicitud": _solicitud_nombrar(acceso.solicitud)},
            quien=_("Personal de la entidad: %(oficina)s, %(rol)s") % {"oficina": acceso.oficina, "rol": acceso.rol},
            para_que=_("Revisar tu solicitud"),
            enlace=acceso.solicitud.get_absolute_url(),
        )
        for acceso in accesos
    }


def _solicitudes_describir(ids):
    numeros = [int(i) for i in ids if i.isdigit()]
    return {
        str(s.pk): (_solicitud_nombrar(s), s.get_absolute_url())
        for s in Solicitud.objects.filter(pk__in=numeros).select_related("tramite")
    }


def _personal_describir(ids):
    from django.contrib.auth import get_user_model

    descritos = {}
    for usuario in get_user_model().objects.filter(pk__in=ids).prefetch_related("oficinas", "groups"):
        oficinas = ", ".join(sorted(o.nombre for o in usuario.oficinas.all()))
        roles = ", ".join(sorted(g.name for g in usuario.groups.all()))
        descritos[usuario.pk] = ", ".join(p for p in (oficinas, roles) if p) or _("Personal")
    return descritos


def registrar():
    ciudadanos_selectors.fuente_uso_registrar(tipo="acceso", filas=_accesos_filas, describir=_accesos_describir)
    ciudadanos_selectors.referencia_registrar("solicitud", _solicitudes_describir)
    ciudadanos_selectors.personal_describir_registrar(_personal_describir)
