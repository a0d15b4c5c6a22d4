"""
Checks on what citizens upload, before anything is stored.

Only PDF, JPEG and PNG are accepted, recognised by their content (magic
bytes), which must agree with the file's extension. PDFs that carry
JavaScript, launch actions or embedded files are refused. Images must decode
and are re-encoded, which also drops hidden metadata (EXIF, GPS position).
"""

import hashlib
import io
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PdfReadError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

TIPOS = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
}
EXTENSIONES_ACEPTADAS = "PDF, JPG o PNG"

# PDF names that run code, open other programs or carry other files.
_NOMBRES_PELIGROSOS = (b"/JavaScript", b"/JS", b"/Launch", b"/EmbeddedFile", b"/RichMedia", b"/XFA")
_CLAVES_PELIGROSAS = {"/JavaScript", "/JS", "/Launch", "/EmbeddedFile", "/EmbeddedFiles", "/RichMedia", "/XFA"}

MAX_PIXELES = 40_000_000


@dataclass
class ArchivoRevisado:
    contenido: bytes
    nombre: str
    extension: str
    tipo_mime: str
    sha256: str


def _rechazo(mensaje: str, codigo: str) -> ValidationError:
    return ValidationError(mensaje, code=codigo)


def nombre_revisar(nombre: str) -> tuple[str, str]:
    """The file's own name (no folders) and its extension, or a clear refusal."""
    nombre = (nombre or "").strip()
    if not nombre:
        raise _rechazo(_("El archivo no tiene nombre."), "sin_nombre")
    if "/" in nombre or "\\" in nombre or ".." in nombre or "\x00" in nombre:
        raise _rechazo(
            _("El nombre del archivo no puede contener «/», «\\» ni «..». Cámbiale el nombre y súbelo otra vez."),
            "nombre_invalido",
        )
    if "." not in nombre:
        raise _rechazo(
            _("El archivo debe tener extensión: sube un archivo %(tipos)s.") % {"tipos": EXTENSIONES_ACEPTADAS},
            "sin_extension",
        )
    extension = nombre.rsplit(".", 1)[1].lower()
    if extension not in TIPOS:
        raise _rechazo(
            _("«%(nombre)s» no es un tipo de archivo aceptado: sube un archivo %(tipos)s.")
            % {"nombre": nombre, "tipos": EXTENSIONES_ACEPTADAS},
            "extension",
        )
    limpio = re.sub(r"[^\w.\- ()]", "_", nombre)[-150:]
    return limpio, extension


def _pdf_revisar(contenido: bytes) -> None:
    # Look at the object syntax only (stream bodies are data; what hides inside
    # compressed object streams is found by the walk below). Names may hide
    # behind #xx escapes (/J#61vaScript): undo them before looking.
    crudo = re.sub(rb"stream\r?\n.*?endstream", b"", contenido, flags=re.S)
    crudo = re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), crudo)
    if any(re.search(re.escape(n) + rb"(?![A-Za-z])", crudo) for n in _NOMBRES_PELIGROSOS):
        raise _rechazo(_peligroso(), "pdf_activo")
    try:
        lector = PdfReader(io.BytesIO(contenido), strict=False)
        if lector.is_encrypted:
            raise _rechazo(
                _("El PDF está protegido con contraseña. Guárdalo sin contraseña y súbelo otra vez."),
                "pdf_cifrado",
            )
        if len(lector.pages) == 0:
            raise _rechazo(_("El PDF no tiene páginas."), "pdf_vacio")
        # Objects inside compressed object streams escape the byte scan above.
        numeros = set()
        for generacion in lector.xref.values():
            numeros.update(generacion.keys())
        numeros.update(lector.xref_objStm.keys())
        for numero in numeros:
            try:
                objeto = IndirectObject(numero, 0, lector).get_object()
            except Exception:  # noqa: BLE001, S112 - a broken object cannot run anything
                continue
            if _activo(objeto):
                raise _rechazo(_peligroso(), "pdf_activo")
    except ValidationError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        raise _rechazo(
            _("No pudimos leer el PDF: puede estar dañado. Ábrelo, guárdalo de nuevo como PDF y súbelo otra vez."),
            "pdf_danado",
        ) from None


def _activo(objeto) -> bool:
    """True if the object, or a dictionary or array written inside it (an
    /OpenAction or /Names tree need not be an object of its own), runs code or
    carries files. References are not followed: every object is walked anyway."""
    if isinstance(objeto, DictionaryObject):
        if _CLAVES_PELIGROSAS & set(objeto.keys()) or objeto.get("/S") in ("/JavaScript", "/Launch"):
            return True
        return any(_activo(valor) for valor in objeto.values())
    if isinstance(objeto, ArrayObject):
        return any(_activo(valor) for valor in objeto)
    return False


def _peligroso():
    return _(
        "El PDF contiene código (JavaScript), acciones que abren programas o archivos incrustados, "
        "y por seguridad no lo aceptamos. Imprímelo como PDF desde tu visor (Archivo > Imprimir > "
        "Guardar como PDF) y sube ese archivo."
    )


def _imagen_reescribir(contenido: bytes, extension: str) -> bytes:
    Image.MAX_IMAGE_PIXELS = MAX_PIXELES
    try:
        with Image.open(io.BytesIO(contenido)) as imagen:
            imagen.verify()
        with Image.open(io.BytesIO(contenido)) as imagen:
            imagen.load()
            salida = io.BytesIO()
            if extension == "png":
                imagen.save(salida, format="PNG", optimize=True)
            else:
                if imagen.mode not in ("RGB", "L"):
                    imagen = imagen.convert("RGB")
                imagen.save(salida, format="JPEG", quality=90)
            return salida.getvalue()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise _rechazo(
            _("No pudimos abrir la imagen: puede estar dañada o ser demasiado grande. Vuelve a guardarla y súbela otra vez."),
            "imagen_danada",
        ) from None


def archivo_revisar(archivo, *, max_bytes: int) -> ArchivoRevisado:
    """Reads an uploaded file (at most max_bytes + 1 bytes) and returns its
    checked content, or raises ValidationError saying how to fix it."""
    nombre, extension = nombre_revisar(getattr(archivo, "name", ""))
    if archivo.size is not None and archivo.size > max_bytes:
        raise _rechazo(_demasiado_grande(nombre, max_bytes), "tamano")
    archivo.seek(0)
    contenido = archivo.read(max_bytes + 1)
    if len(contenido) > max_bytes:
        raise _rechazo(_demasiado_grande(nombre, max_bytes), "tamano")
    if not contenido:
        raise _rechazo(_("«%(nombre)s» está vacío. Elige el archivo correcto.") % {"nombre": nombre}, "vacio")
    tipo_mime, firmas = TIPOS[extension]
    if not contenido.startswith(firmas):
        raise _rechazo(
            _("«%(nombre)s» no es realmente un archivo %(tipo)s aunque su nombre lo diga. Sube un archivo %(tipos)s.")
            % {"nombre": nombre, "tipo": extension.upper(), "tipos": EXTENSIONES_ACEPTADAS},
            "contenido",
        )
    if extension == "pdf":
        _pdf_revisar(contenido)
    else:
        contenido = _imagen_reescribir(contenido, extension)
    return ArchivoRevisado(
        contenido=contenido,
        nombre=nombre,
        extension=extension,
        tipo_mime=tipo_mime,
        sha256=hashlib.sha256(contenido).hexdigest(),
    )


def _demasiado_grande(nombre, max_bytes):
    return _("«%(nombre)s» pesa más de %(max)s. Reduce su tamaño (por ejemplo, escanea en blanco y negro) y súbelo otra vez.") % {
        "nombre": nombre,
        "max": filesizeformat(max_bytes),
    }


class ArchivoExcedido(UploadedFile):
    """What reaches request.FILES for a file past its limit: its name and the
    size it reached, none of its bytes (they were thrown away as they came).
    `archivo_revisar` refuses it with the size message."""

    def __init__(self, nombre: str, tamano: int, nombre_campo: str):
        super().__init__(io.BytesIO(), name=nombre, content_type="application/octet-stream", size=tamano)
        self.field_name = nombre_campo


class LimiteCargaUploadHandler(FileUploadHandler):
    """Counts every uploaded file as it streams in. A file past `max_archivo`,
    or one that takes the request past `max_total`, is not kept: its chunks are
    dropped as they arrive (memory stays flat whatever its size) and the rest of
    the form is still read, so what the person typed in other fields is kept.
    The file arrives in request.FILES as an ArchivoExcedido. Sets
    request.carga_excedida when the total was passed."""

    def __init__(self, request=None, *, max_archivo: int, max_total: int):
        super().__init__(request)
        self.max_archivo = max_archivo
        self.max_total = max_total
        self.total = 0
        self.actual = 0
        self.descartado = False

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.actual = 0
        self.descartado = False

    def receive_data_chunk(self, raw_data, start):
        self.actual += len(raw_data)
        self.total += len(raw_data)
        if self.total > self.max_total:
            self.request.carga_excedida = True
        if self.descartado or self.actual > self.max_archivo or self.total > self.max_total:
            self.descartado = True
            return None  # the next handlers never see this chunk: nothing is kept
        return raw_data

    def file_complete(self, file_size):
        if self.descartado:
            # Answered here, so the handlers that hold the file never complete it.
            return ArchivoExcedido(self.file_name, self.actual, self.field_name)
        return None
