"""PIDE's published REST contracts for the two services the portal uses, in
one place: paths, the request body, the field names of the answers and
RENIEC's result codes. The real client (cliente.py) and the local stand-in
(tools/pide_simulado) both follow this file; the stand-in does not import it
(it is a separate process) but its fixture and answers use the same names.

RENIEC, "Consulta de datos de identidad por DNI":
    POST {PIDE_URL}/RENIEC/Consultar?out=json
    {"PIDE": {"nuDniConsulta": "...", "nuDniUsuario": "...", "nuRucUsuario": "...", "password": "..."}}
    -> {"consultarResponse": {"return": {"coResultado": "0000", "deResultado": "...",
                                         "datosPersona": {"prenombres", "apPrimer", "apSegundo", ...}}}}

SUNAT, "Datos principales del contribuyente":
    GET {PIDE_URL}/Sunat/DatosPrincipales?numruc=...&out=json
    -> {"getDatosPrincipalesResponse": {"return": {"ddp_numruc", "ddp_nombre", "desc_estado",
                                                   "desc_flag22", "desc_tipvia", "ddp_nomvia", ...}}}
"""

from dataclasses import dataclass

# --- RENIEC -------------------------------------------------------------------------------

RENIEC_RUTA = "/RENIEC/Consultar"
RENIEC_RAIZ = "PIDE"
RENIEC_DNI_CONSULTA = "nuDniConsulta"
RENIEC_DNI_USUARIO = "nuDniUsuario"
RENIEC_RUC_USUARIO = "nuRucUsuario"
RENIEC_CLAVE = "password"
RENIEC_RESPUESTA = "consultarResponse"
RENIEC_RETORNO = "return"
RENIEC_CODIGO = "coResultado"
RENIEC_DESCRIPCION = "deResultado"
RENIEC_PERSONA = "datosPersona"
RENIEC_NOMBRES = "prenombres"
RENIEC_APELLIDO_PATERNO = "apPrimer"
RENIEC_APELLIDO_MATERNO = "apSegundo"

RENIEC_ENCONTRADO = "0000"
RENIEC_CREDENCIALES_INVALIDAS = "1001"
RENIEC_CLAVE_VENCIDA = "1002"
RENIEC_NO_ENCONTRADO = "1003"

# --- SUNAT --------------------------------------------------------------------------------

SUNAT_RUTA = "/Sunat/DatosPrincipales"
SUNAT_PARAMETRO_RUC = "numruc"
SUNAT_RESPUESTA = "getDatosPrincipalesResponse"
SUNAT_RETORNO = "return"
SUNAT_RUC = "ddp_numruc"
SUNAT_RAZON_SOCIAL = "ddp_nombre"
SUNAT_ESTADO = "desc_estado"
SUNAT_CONDICION = "desc_flag22"
# The fiscal address, in the order SUNAT writes it.
SUNAT_DOMICILIO = (
    "desc_tipvia", "ddp_nomvia", "ddp_numer1", "ddp_inter1", "desc_tipzon", "ddp_nomzon",
)
SUNAT_LUGAR = ("desc_dist", "desc_prov", "desc_dep")


@dataclass(frozen=True)
class Persona:
    dni: str
    nombres: str
    apellido_paterno: str
    apellido_materno: str


@dataclass(frozen=True)
class Contribuyente:
    ruc: str
    razon_social: str
    estado: str
    condicion: str
    domicilio_fiscal: str


class RespuestaInvalida(Exception):
    """The answer is not of the published format."""


class NoEncontradoEnFuente(Exception):
    """The entity answered: it has no record of that number."""


class CredencialesRechazadas(Exception):
    """RENIEC rejected the entity's credentials (1001) or its password expired (1002)."""

    def __init__(self, codigo: str, descripcion: str):
        self.codigo = codigo
        self.descripcion = descripcion
        super().__init__(f"{codigo} {descripcion}")

    @property
    def vencida(self) -> bool:
        return self.codigo == RENIEC_CLAVE_VENCIDA


def reniec_cuerpo(*, dni: str, usuario_dni: str, ruc_entidad: str, clave: str) -> dict:
    return {
        RENIEC_RAIZ: {
            RENIEC_DNI_CONSULTA: dni,
            RENIEC_DNI_USUARIO: usuario_dni,
            RENIEC_RUC_USUARIO: ruc_entidad,
            RENIEC_CLAVE: clave,
        }
    }


def _texto(valor) -> str:
    return " ".join(str(valor).split()) if valor not in (None, "-") else ""


def persona_leer(dni: str, datos) -> Persona:
    """RENIEC's answer -> Persona, or the exception its result code means."""
    try:
        retorno = datos[RENIEC_RESPUESTA][RENIEC_RETORNO]
        codigo = str(retorno[RENIEC_CODIGO]).strip()
    except (KeyError, TypeError) as error:
        raise RespuestaInvalida(f"falta {error}") from None
    if codigo == RENIEC_NO_ENCONTRADO:
        raise NoEncontradoEnFuente(codigo)
    if codigo in (RENIEC_CREDENCIALES_INVALIDAS, RENIEC_CLAVE_VENCIDA):
        raise CredencialesRechazadas(codigo, _texto(retorno.get(RENIEC_DESCRIPCION)))
    if codigo != RENIEC_ENCONTRADO:
        raise RespuestaInvalida(f"código {codigo}: {_texto(retorno.get(RENIEC_DESCRIPCION))}")
    persona = retorno.get(RENIEC_PERSONA)
    if not isinstance(persona, dict) or not _texto(persona.get(RENIEC_NOMBRES)):
        raise RespuestaInvalida("0000 sin datosPersona")
    return Persona(
        dni=dni,
        nombres=_texto(persona.get(RENIEC_NOMBRES)),
        apellido_paterno=_texto(persona.get(RENIEC_APELLIDO_PATERNO)),
        apellido_materno=_texto(persona.get(RENIEC_APELLIDO_MATERNO)),
    )


def contribuyente_leer(ruc: str, datos) -> Contribuyente:
    """SUNAT's answer -> Contribuyente. An empty `return` (or one without a
    business name) is SUNAT's way of saying it has no such RUC."""
    try:
        retorno = datos[SUNAT_RESPUESTA]
    except (KeyError, TypeError) as error:
        raise RespuestaInvalida(f"falta {error}") from None
    retorno = retorno.get(SUNAT_RETORNO) if isinstance(retorno, dict) else None
    if not retorno or not isinstance(retorno, dict) or not _texto(retorno.get(SUNAT_RAZON_SOCIAL)):
        raise NoEncontradoEnFuente(ruc)
    via = " ".join(p for p in (_texto(retorno.get(c)) for c in SUNAT_DOMICILIO) if p)
    lugar = " - ".join(p for p in (_texto(retorno.get(c)) for c in SUNAT_LUGAR) if p)
    return Contribuyente(
        ruc=_texto(retorno.get(SUNAT_RUC)) or ruc,
        razon_social=_texto(retorno.get(SUNAT_RAZON_SOCIAL)),
        estado=_texto(retorno.get(SUNAT_ESTADO)),
        condicion=_texto(retorno.get(SUNAT_CONDICION)),
        domicilio_fiscal=" - ".join(p for p in (via, lugar) if p),
    )
