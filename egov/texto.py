"""Text normalisation shared by the apps."""

import unicodedata


def normalizar_busqueda(texto: str) -> str:
    """Lowercase without accents and with single spaces, so 'informacion'
    finds 'Información' and a code typed with spaces matches."""
    descompuesto = unicodedata.normalize("NFKD", texto or "")
    sin_tildes = "".join(c for c in descompuesto if not unicodedata.combining(c))
    return " ".join(sin_tildes.lower().split())
