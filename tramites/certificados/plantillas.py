"""The documents a procedure may issue on approval: one entry per template in
templates/pdf/certificados/ (the file is named by the key). The catalog admin
chooses among them (Tramite.plantilla_certificado); an empty choice issues the
generic certificate of approval (templates/pdf/certificado.html)."""

import dataclasses
import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..declaraciones import TipoCampo


@dataclasses.dataclass(frozen=True)
class DatoDelServidor:
    """A fact the document states that the servant decides on approval (it is
    not in the citizen's answers): asked in the approval form, kept on the
    certificate (Certificado.datos)."""

    nombre: str
    etiqueta: str
    ayuda: str = ""


@dataclasses.dataclass(frozen=True)
class Plantilla:
    clave: str
    documento: str  # the document's name, its title on the page
    datos: tuple = ()  # DatoDelServidor, in the order the approval form asks them


PLANTILLAS = (
    Plantilla("constancia_domicilio", _("Constancia de domicilio")),
    Plantilla("licencia_funcionamiento", _("Licencia de funcionamiento")),
    Plantilla("parametros_urbanisticos", _("Certificado de parámetros urbanísticos y edificatorios")),
    Plantilla("acceso_informacion", _("Constancia de entrega de información pública")),
    Plantilla("constancia_posesion", _("Constancia de posesión")),
    Plantilla("matrimonio_civil", _("Constancia de programación de matrimonio civil")),
    Plantilla("certificado_numeracion", _("Certificado de numeración"), datos=(
        DatoDelServidor("numero_asignado", _("Número municipal asignado"),
                        _("El que corresponde al predio según el catastro, por ejemplo 742 o 1203-A.")),
    )),
    Plantilla("registro_organizacion", _("Constancia de inscripción en el registro de organizaciones sociales")),
)

POR_CLAVE = {plantilla.clave: plantilla for plantilla in PLANTILLAS}

GENERICA = "pdf/certificado.html"


def datos_del_servidor(tramite) -> tuple:
    """What the approving servant must state for this procedure's document."""
    plantilla = POR_CLAVE.get(tramite.plantilla_certificado)
    return plantilla.datos if plantilla else ()


def nombre_del_documento(certificado, tramite) -> str:
    """What the citizen calls the document: the template's name for a
    certificate issued with one ("constancia de domicilio"), else its kind."""
    plantilla = POR_CLAVE.get(tramite.plantilla_certificado)
    if certificado.tipo == certificado.Tipo.CERTIFICADO and plantilla is not None:
        nombre = str(plantilla.documento)
    else:
        nombre = certificado.get_tipo_display()
    return nombre[:1].lower() + nombre[1:]


def ruta(clave: str) -> str:
    return f"pdf/certificados/{clave}.html"


def opciones() -> list[tuple[str, str]]:
    """The choices of the catalog's form: the generic one first."""
    return [("", _("Genérica: constancia de que la solicitud fue aprobada"))] + [
        (plantilla.clave, plantilla.documento) for plantilla in PLANTILLAS
    ]


# --- Sample answers for the catalog's preview ----------------------------------------------------------

# Plausible answers for the questions of the seeded catalog, by question name;
# any other question gets a sample of its type.
MUESTRAS = {
    "direccion": "Jr. Los Álamos 245, Urb. San Martín",
    "direccion_predio": "Av. Los Próceres 1180, Mz. C Lote 4",
    "direccion_establecimiento": "Av. Los Próceres 1180, interior 2",
    "nombre_comercial": "Bodega Santa Rosa",
    "ruc": "10458712361",
    "partida_registral": "P03114578",
    "nombre_contrayente": "José Antonio Huamán Quispe",
    "documento_contrayente": "DNI 41236587",
    "nombre_organizacion": "Comedor Popular Virgen de Chapi",
    "tiempo_residencia": "6",
    "area": "45",
    "area_terreno": "160",
    "anios_posesion": "8",
    "puertas": "2",
    "numero_asignado": "1180",
    "integrantes": "35",
    "informacion": "Actas de las sesiones de concejo de enero a marzo del año en curso.",
}

_POR_TIPO = {
    TipoCampo.TEXTO: "Texto de muestra",
    TipoCampo.TEXTO_LARGO: "Texto de muestra de la respuesta.",
    TipoCampo.NUMERO: "12",
    TipoCampo.SI_NO: "si",
    TipoCampo.DISTRITO: "150101",
    TipoCampo.EMAIL: "entrega@example.pe",
    TipoCampo.TELEFONO: "+51987654321",
}


def respuesta_muestra(campo) -> str:
    """A stored answer of the right shape for a question, for the preview."""
    if campo.nombre in MUESTRAS:
        return MUESTRAS[campo.nombre]
    if campo.tipo == TipoCampo.OPCION:
        return campo.lista_opciones[0] if campo.lista_opciones else ""
    if campo.tipo == TipoCampo.FECHA:
        return (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    if campo.tipo == TipoCampo.NUMERO:
        valor = 12
        if campo.maximo is not None and campo.maximo < valor:
            valor = int(campo.maximo)
        if campo.minimo is not None and campo.minimo > valor:
            valor = int(campo.minimo)
        return str(valor)
    return _POR_TIPO.get(campo.tipo, "")
