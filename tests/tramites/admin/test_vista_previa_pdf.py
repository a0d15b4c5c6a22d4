"""The servant previews a filed PDF inside the request page: the file is
served inline and only the portal may frame it; the download stays a
download, and nobody else gets either."""

import pytest

from tests.fixtures import DOMICILIO, jefe_de, presentar

pytestmark = pytest.mark.django_db


def test_el_pdf_se_ve_dentro_del_expediente_y_solo_el_portal_lo_enmarca(catalogo, ciudadano, otro_ciudadano,
                                                                       admin_de, client):
    solicitud = presentar(ciudadano, DOMICILIO)
    adjunto = solicitud.adjuntos.get()
    jefa = admin_de(jefe_de("SGPV"))

    pagina = jefa.get(f"/admin/tramites/solicitud/{solicitud.pk}/change/").content.decode()
    assert f'<iframe class="expediente__vista expediente__vista--pdf" src="/documentos/{adjunto.uuid}/ver/"' in pagina

    vista = jefa.get(f"/documentos/{adjunto.uuid}/ver/")
    assert vista.status_code == 200 and vista["Content-Type"] == "application/pdf"
    assert vista["Content-Disposition"].startswith("inline")
    assert vista["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in vista["Content-Security-Policy"]
    assert b"".join(vista.streaming_content).startswith(b"%PDF-")

    descarga = jefa.get(f"/documentos/{adjunto.uuid}/")
    assert descarga["Content-Disposition"].startswith("attachment")
    assert descarga["X-Frame-Options"] == "DENY"

    client.force_login(otro_ciudadano)
    assert client.get(f"/documentos/{adjunto.uuid}/ver/").status_code == 404
