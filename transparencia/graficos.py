"""Server-rendered SVG bar charts (no JavaScript), always shown with the same
figures as a data table next to them."""

import datetime

from django.utils.formats import date_format

ANCHO, ALTO, MARGEN_IZQ, MARGEN_INF, MARGEN_SUP = 720, 260, 40, 40, 16


def barras_mensuales(meses: list[dict], *, titulo: str) -> dict:
    """Two bars per month: filed and decided."""
    maximo = max([m["presentadas"] for m in meses] + [m["decididas"] for m in meses] + [1])
    alto_util = ALTO - MARGEN_INF - MARGEN_SUP
    paso = (ANCHO - MARGEN_IZQ) / max(len(meses), 1)
    barra = paso * 0.35
    grupos = []
    for i, mes in enumerate(meses):
        x = MARGEN_IZQ + i * paso + paso * 0.12
        fecha = datetime.date.fromisoformat(mes["mes"])
        grupos.append({
            "etiqueta": date_format(fecha, "M y"),
            "etiqueta_x": x + barra,
            "barras": [
                {"x": round(x, 1), "alto": round(alto_util * mes["presentadas"] / maximo, 1),
                 "valor": mes["presentadas"], "clase": "barra--presentadas"},
                {"x": round(x + barra, 1), "alto": round(alto_util * mes["decididas"] / maximo, 1),
                 "valor": mes["decididas"], "clase": "barra--decididas"},
            ],
        })
    for grupo in grupos:
        for b in grupo["barras"]:
            b["y"] = round(ALTO - MARGEN_INF - b["alto"], 1)
            b["ancho"] = round(barra, 1)
    return {
        "titulo": titulo, "ancho": ANCHO, "alto": ALTO, "grupos": grupos, "maximo": maximo,
        "base": ALTO - MARGEN_INF, "margen": MARGEN_IZQ, "y_max": MARGEN_SUP,
    }
