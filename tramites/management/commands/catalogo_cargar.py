"""Loads the TUPA of a Peruvian district municipality (offices, procedures,
their questions and required documents). Idempotent: existing rows are updated
by their code, nothing is duplicated."""

from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction

from ciudadanos.models import NivelIngreso
from tramites.models import AdjuntoRequerido, CampoTramite, Oficina, Tramite

OFICINAS = [
    ("MPA", "Mesa de Partes y Archivo"),
    ("SG", "Secretaría General"),
    ("SGRC", "Subgerencia de Registro Civil"),
    ("SGDE", "Subgerencia de Desarrollo Económico y Licencias"),
    ("SGOPC", "Subgerencia de Obras Privadas y Catastro"),
    ("SGPV", "Subgerencia de Participación Vecinal"),
]

# The sensible range of each number question: (minimum, maximum, whole numbers only).
RANGOS = {
    "tiempo_residencia": (0, 100, True),
    "area": (1, 100, False),  # riesgo bajo: up to 100 m²
    "area_terreno": (1, 1_000_000, False),
    "anios_posesion": (0, 100, True),
    "puertas": (1, 50, True),
    "integrantes": (1, 100_000, True),
}

PLANO = ("Plano de ubicación del predio", "Croquis o plano simple con la ubicación y las calles de referencia.")

TRAMITES = [
    {
        "codigo": "MDVE-001",
        "slug": "constancia-de-domicilio",
        "nombre": "Obtener la constancia de domicilio",
        "descripcion": (
            "Acredita que vives en una dirección del distrito, después de una verificación "
            "de la Subgerencia de Participación Vecinal. Sirve para trámites de trabajo, "
            "estudios, programas sociales o ante otras entidades."
        ),
        "base_legal": (
            "Ley 27972, Ley Orgánica de Municipalidades, art. 73.\n"
            "TUO de la Ley 27444, aprobado por D.S. 004-2019-JUS, arts. 33 y 36."
        ),
        "requisitos": (
            "Solicitud con carácter de declaración jurada (el formulario en línea).\n"
            "Recibo de un servicio público (agua o luz) de la dirección, de los últimos 3 meses.\n"
            "Pago del derecho de trámite."
        ),
        "tasa": "15.00",
        "plazo_dias": 5,
        "calificacion": "positivo",
        "oficina_resolucion": "SGPV",
        "plantilla_certificado": "constancia_domicilio",
        "campos": [
            ("direccion", "¿En qué dirección vives?", "texto", True, "Tal como figura en tu recibo de agua o luz.", "", "direccion"),
            ("distrito", "¿En qué distrito está esa dirección?", "distrito", True, "", "", "ubigeo"),
            ("tiempo_residencia", "¿Cuántos años vives en esa dirección?", "numero", True, "Si es menos de un año, escribe 0.", "", ""),
            ("finalidad", "¿Para qué necesitas la constancia?", "opcion", True, "", "Trabajo\nEstudios\nProgramas sociales\nTrámite ante otra entidad\nOtro", ""),
        ],
        "adjuntos": [
            ("Recibo de agua o luz", "De los últimos 3 meses, de la dirección declarada.", True),
        ],
    },
    {
        "codigo": "MDVE-002",
        "slug": "licencia-de-funcionamiento-riesgo-bajo",
        "acepta_empresas": True,  # a company may file it through its representative
        "nombre": "Obtener la licencia de funcionamiento para establecimientos de riesgo bajo",
        "descripcion": (
            "Autoriza abrir un negocio de riesgo bajo (bodegas, librerías, peluquerías, "
            "oficinas administrativas de hasta 100 m²). La inspección técnica de seguridad "
            "se hace después de otorgada la licencia."
        ),
        "base_legal": (
            "TUO de la Ley 28976, Ley Marco de Licencia de Funcionamiento, aprobado por D.S. 163-2020-PCM.\n"
            "D.S. 002-2018-PCM, Reglamento de Inspecciones Técnicas de Seguridad en Edificaciones."
        ),
        "requisitos": (
            "Solicitud con carácter de declaración jurada que incluye el número de RUC.\n"
            "Declaración jurada de cumplimiento de las condiciones de seguridad en la edificación.\n"
            "Pago del derecho de trámite."
        ),
        "tasa": "98.50",
        "plazo_dias": 1,
        "calificacion": "automatica",
        "oficina_resolucion": "SGDE",
        "plantilla_certificado": "licencia_funcionamiento",
        "campos": [
            ("ruc", "Número de RUC del negocio", "texto", True, "11 cifras.", "", ""),
            ("nombre_comercial", "Nombre comercial", "texto", True, "", "", ""),
            ("giro", "¿Cuál es el giro del negocio?", "opcion", True, "", "Bodega\nLibrería y útiles\nPeluquería o barbería\nOficina administrativa\nVenta de ropa y calzado\nOtro de riesgo bajo", ""),
            ("direccion_establecimiento", "Dirección del establecimiento", "texto", True, "", "", ""),
            ("area", "Área del establecimiento en m²", "numero", True, "Riesgo bajo: hasta 100 m².", "", ""),
            ("telefono_contacto", "Teléfono de contacto del negocio", "telefono", True, "", "", "telefono"),
        ],
        "adjuntos": [
            ("Declaración jurada de condiciones de seguridad", "Formato firmado por el titular.", True),
        ],
    },
    {
        "codigo": "MDVE-003",
        "slug": "certificado-de-parametros-urbanisticos",
        "acepta_empresas": True,
        "nombre": "Obtener el certificado de parámetros urbanísticos y edificatorios",
        "descripcion": (
            "Indica qué se puede construir en un predio: zonificación, alturas, retiros, "
            "área libre y estacionamientos. Se pide antes de diseñar una obra o comprar un terreno."
        ),
        "base_legal": (
            "TUO de la Ley 29090, Ley de Regulación de Habilitaciones Urbanas y de Edificaciones, "
            "aprobado por D.S. 006-2017-VIVIENDA, art. 14."
        ),
        "requisitos": (
            "Solicitud (el formulario en línea).\n"
            "Plano de ubicación del predio.\n"
            "Pago del derecho de trámite."
        ),
        "tasa": "85.00",
        "plazo_dias": 5,
        "calificacion": "positivo",
        "oficina_resolucion": "SGOPC",
        "plantilla_certificado": "parametros_urbanisticos",
        "campos": [
            ("direccion_predio", "Dirección del predio", "texto", True, "", "", ""),
            ("partida_registral", "Número de partida registral (SUNARP)", "texto", False, "Si no lo tienes, déjalo en blanco.", "", ""),
            ("area_terreno", "Área del terreno en m²", "numero", True, "", "", ""),
        ],
        "adjuntos": [(*PLANO, True)],
    },
    {
        "codigo": "MDVE-004",
        "slug": "acceso-a-la-informacion-publica",
        "acepta_empresas": True,
        "nombre": "Solicitar acceso a la información pública",
        "descripcion": (
            "Pide cualquier información que tenga la municipalidad: documentos, contratos, "
            "presupuestos, actas. No tienes que explicar para qué la quieres."
        ),
        "base_legal": (
            "TUO de la Ley 27806, Ley de Transparencia y Acceso a la Información Pública, "
            "aprobado por D.S. 021-2019-JUS, arts. 10, 11 y 13.\n"
            "D.S. 007-2024-JUS, Reglamento de la Ley de Transparencia."
        ),
        "requisitos": (
            "Solicitud con la descripción de la información (el formulario en línea).\n"
            "Solo pagas el costo de reproducción si pides copias en papel o en CD."
        ),
        "tasa": "0",
        "plazo_dias": 10,
        "calificacion": "negativo",
        "oficina_resolucion": "SG",
        "plantilla_certificado": "acceso_informacion",
        "campos": [
            ("informacion", "¿Qué información necesitas?", "texto_largo", True, "Descríbela con el mayor detalle posible: documento, fechas, oficina.", "", ""),
            ("forma_entrega", "¿Cómo quieres recibirla?", "opcion", True, "", "Por correo electrónico (gratuito)\nCopia simple en papel\nEn CD", ""),
            ("correo_entrega", "Correo electrónico para la entrega", "email", True, "", "", "email"),
        ],
        "adjuntos": [],
    },
    {
        "codigo": "MDVE-005",
        "slug": "constancia-de-posesion",
        "nombre": "Obtener la constancia de posesión para servicios básicos",
        "descripcion": (
            "Acredita que ocupas un predio en un asentamiento humano o centro poblado, para "
            "pedir la instalación de agua, desagüe o luz. No otorga propiedad."
        ),
        "base_legal": (
            "Ley 28687, Ley de Desarrollo y Complementaria de Formalización de la Propiedad "
            "Informal, Título III; D.S. 017-2006-VIVIENDA, arts. 26 a 28."
        ),
        "requisitos": (
            "Solicitud con carácter de declaración jurada.\n"
            "Plano de ubicación del predio.\n"
            "Documento que acredite la posesión (acta de asamblea, constancia de la directiva o similar).\n"
            "Pago del derecho de trámite."
        ),
        "tasa": "60.00",
        "plazo_dias": 15,
        "calificacion": "negativo",
        "oficina_resolucion": "SGOPC",
        "plantilla_certificado": "constancia_posesion",
        "campos": [
            ("direccion_predio", "Dirección o ubicación del predio (manzana y lote)", "texto", True, "", "", ""),
            ("anios_posesion", "¿Desde hace cuántos años ocupas el predio?", "numero", True, "", "", ""),
            ("servicio", "¿Para qué servicio la necesitas?", "opcion", True, "", "Agua y desagüe\nEnergía eléctrica\nAmbos", ""),
        ],
        "adjuntos": [
            (*PLANO, True),
            ("Documento que acredite la posesión", "Acta de asamblea, constancia de la directiva u otro.", True),
        ],
    },
    {
        "codigo": "MDVE-006",
        "slug": "matrimonio-civil",
        # A civil-status act: the person asking must have proved who they are
        # with the national identity, not only with the portal's password.
        "nivel_ingreso_minimo": NivelIngreso.IDGOBPE_UN_FACTOR,
        "nombre": "Solicitar la celebración de matrimonio civil",
        "descripcion": (
            "Reserva la fecha y presenta los documentos para casarte en la municipalidad. "
            "Tras revisar los documentos se publica el edicto matrimonial."
        ),
        "base_legal": "Código Civil, arts. 248 a 268.\nLey 27972, Ley Orgánica de Municipalidades, art. 20.",
        "requisitos": (
            "Solicitud de ambos contrayentes.\n"
            "Partida de nacimiento del otro contrayente.\n"
            "Certificado médico prenupcial de ambos contrayentes.\n"
            "Pago del derecho de trámite."
        ),
        "tasa": "150.00",
        "plazo_dias": 10,
        "calificacion": "positivo",
        "oficina_resolucion": "SGRC",
        "plantilla_certificado": "matrimonio_civil",
        "campos": [
            ("nombre_contrayente", "Nombre completo del otro contrayente", "texto", True, "", "", ""),
            ("documento_contrayente", "Número de documento del otro contrayente", "texto", True, "DNI, Carné de Extranjería o pasaporte.", "", ""),
            ("fecha_deseada", "¿En qué fecha desean casarse?", "fecha", True, "Al menos 15 días después de hoy, por el plazo del edicto.", "", ""),
            ("lugar", "¿Dónde será la ceremonia?", "opcion", True, "", "En el local municipal\nFuera del local municipal (costo adicional)", ""),
            ("testigos_mayores", "¿Tienen dos testigos mayores de edad que los conocen hace más de 3 años?", "si_no", True, "", "", ""),
        ],
        "adjuntos": [
            ("Partida de nacimiento del otro contrayente", "Original con antigüedad no mayor de 3 meses.", True),
            ("Certificado médico prenupcial", "De ambos contrayentes.", True),
        ],
    },
    {
        "codigo": "MDVE-007",
        "slug": "certificado-de-numeracion",
        "acepta_empresas": True,
        "nombre": "Obtener el certificado de numeración",
        "descripcion": (
            "Asigna o confirma el número municipal de la puerta de un predio. Se pide para "
            "inscribir una edificación, instalar servicios o corregir direcciones."
        ),
        "base_legal": "Ley 27972, Ley Orgánica de Municipalidades, art. 79, numeral 3.6.3.",
        "requisitos": (
            "Solicitud (el formulario en línea).\n"
            "Plano de ubicación del predio.\n"
            "Pago del derecho de trámite."
        ),
        "tasa": "40.00",
        "plazo_dias": 7,
        "calificacion": "positivo",
        "oficina_resolucion": "SGOPC",
        "plantilla_certificado": "certificado_numeracion",
        "campos": [
            ("direccion_predio", "Dirección del predio (calle y referencias)", "texto", True, "", "", ""),
            ("uso", "¿Qué uso tiene el predio?", "opcion", True, "", "Vivienda\nComercio\nVivienda y comercio\nOtro", ""),
            ("puertas", "¿Cuántas puertas a la calle necesitan número?", "numero", True, "", "", ""),
        ],
        "adjuntos": [(*PLANO, True)],
    },
    {
        "codigo": "MDVE-008",
        "slug": "registro-de-organizaciones-sociales",
        "nombre": "Inscribir una organización social en el registro municipal (RUOS)",
        "descripcion": (
            "Reconoce a comedores populares, comités del Vaso de Leche, juntas vecinales y "
            "clubes de madres para que participen en el presupuesto participativo y reciban apoyo."
        ),
        "base_legal": (
            "Ley 27972, Ley Orgánica de Municipalidades, arts. 84 y 113.\n"
            "Ley 25307 y su reglamento, D.S. 041-2002-PCM."
        ),
        "requisitos": (
            "Solicitud firmada por la presidenta o el presidente (el formulario en línea).\n"
            "Acta de constitución y de elección de la junta directiva.\n"
            "Relación de integrantes con sus números de documento.\n"
            "Es gratuito."
        ),
        "tasa": "0",
        "plazo_dias": 15,
        "calificacion": "positivo",
        "oficina_resolucion": "SGPV",
        "plantilla_certificado": "registro_organizacion",
        "campos": [
            ("nombre_organizacion", "Nombre de la organización", "texto", True, "", "", ""),
            ("tipo_organizacion", "Tipo de organización", "opcion", True, "", "Comedor popular\nComité del Vaso de Leche\nJunta vecinal\nClub de madres\nOtra organización social de base", ""),
            ("integrantes", "Número de integrantes", "numero", True, "", "", ""),
            ("distrito_org", "Distrito donde funciona", "distrito", True, "", "", "ubigeo"),
        ],
        "adjuntos": [
            ("Acta de constitución y elección de la junta directiva", "", True),
            ("Relación de integrantes", "", True),
        ],
    },
]


class Command(BaseCommand):
    help = "Carga el catálogo de trámites (TUPA) de demostración."

    @transaction.atomic
    def handle(self, *args, **options):
        oficinas = {}
        for sigla, nombre in OFICINAS:
            oficinas[sigla], _ = Oficina.objects.update_or_create(sigla=sigla, defaults={"nombre": nombre})
        for datos in TRAMITES:
            datos = dict(datos)
            campos = datos.pop("campos")
            adjuntos = datos.pop("adjuntos")
            datos["tasa"] = Decimal(datos["tasa"])
            datos["oficina_recepcion"] = oficinas["MPA"]
            datos["oficina_resolucion"] = oficinas[datos["oficina_resolucion"]]
            tramite, _ = Tramite.objects.update_or_create(codigo=datos.pop("codigo"), defaults=datos)
            tramite.full_clean()
            for orden, (nombre, etiqueta, tipo, requerido, ayuda, opciones, perfil) in enumerate(campos):
                minimo, maximo, enteros = RANGOS.get(nombre, (None, None, False))
                campo, _ = CampoTramite.objects.update_or_create(
                    tramite=tramite, nombre=nombre,
                    defaults={"orden": orden, "etiqueta": etiqueta, "tipo": tipo, "requerido": requerido,
                              "ayuda": ayuda, "opciones": opciones, "dato_perfil": perfil,
                              "minimo": minimo, "maximo": maximo, "solo_enteros": enteros},
                )
                campo.full_clean()
            for orden, (nombre, descripcion, obligatorio) in enumerate(adjuntos):
                AdjuntoRequerido.objects.update_or_create(
                    tramite=tramite, nombre=nombre,
                    defaults={"orden": orden, "descripcion": descripcion, "obligatorio": obligatorio},
                )
        self.stdout.write(self.style.SUCCESS(f"Catálogo listo: {len(TRAMITES)} trámites."))
