"""Who reaches what. Another citizen gets "not found" on every address of my
draft, my request and my documents, whatever they send, and nothing of mine
changes; an anonymous visitor is asked to log in; staff download documents
only of their office's procedures and never from a draft."""

import pytest
import time_machine

from tests import factories
from tests.fixtures import (
    DOMICILIO,
    INFORMACION,
    borrador_completo,
    en_lima,
    presentar,
    servidor_de,
)
from tests.tramites.conftest import Archivos, archivos_guardados, url_paso
from tramites import services
from tramites.models import Adjunto, Evento, Observacion, Solicitud

pytestmark = pytest.mark.django_db


@pytest.fixture
def de_a(catalogo, ciudadano):
    """Citizen A's observed request (with a document) and draft (with a document)."""
    with time_machine.travel(en_lima(2026, 3, 5, 10), tick=False):
        solicitud = presentar(ciudadano, DOMICILIO, direccion="Jr. Secreto 321")
        services.solicitud_observar(
            solicitud=solicitud, servidor=servidor_de("SGPV", "jefe"), mensaje="Recibo cortado."
        )
        borrador = borrador_completo(ciudadano, "certificado-de-numeracion", direccion_predio="Av. Privada 77")
    return Solicitud.objects.get(pk=solicitud.pk), Solicitud.objects.get(pk=borrador.pk)


def foto_de_todo():
    return {
        "solicitudes": list(
            Solicitud.objects.order_by("pk").values_list(
                "pk", "estado", "expediente", "respuestas", "pago_numero", "fecha_limite", "actualizado_en"
            )
        ),
        "adjuntos": list(Adjunto.objects.order_by("pk").values_list("pk", "uuid", "vigente", "archivo")),
        "eventos": Evento.objects.count(),
        "observaciones": list(Observacion.objects.values_list("pk", "subsanada_en")),
    }


def urls_de(solicitud, borrador):
    """Every address of A's request, draft and documents, with what a
    curious citizen could send to each."""
    exp = solicitud.expediente
    doc_solicitud = solicitud.adjuntos.get()
    doc_borrador = borrador.adjuntos.get()
    requerido = borrador.tramite.adjuntos_requeridos.get()
    urls = []
    for paso in ("direccion_predio", "uso", "puertas", "adjuntos", "pago", "revisar"):
        urls.append((url_paso(borrador, paso), {paso: "1", "declaracion_jurada": "on", "quitar": str(doc_borrador.uuid)}))
    urls.append((url_paso(borrador, "adjuntos"), {f"archivo_{requerido.pk}": Archivos.subido("x.pdf", Archivos.pdf())}))
    urls.append((url_paso(borrador, "pago"), {"canal": "bn", "numero": "99999999", "fecha_0": "4", "fecha_1": "3", "fecha_2": "2026", "monto": "40.00"}))
    # The filed request's own uuid in the step addresses.
    for paso in ("direccion", "revisar"):
        urls.append((url_paso(solicitud, paso), {"direccion": "Otra", "declaracion_jurada": "on"}))
    for uuid in (borrador.uuid, solicitud.uuid):
        urls.append((f"/borradores/{uuid}/", {}))
        urls.append((f"/borradores/{uuid}/eliminar/", {}))
    urls += [
        (f"/mis-tramites/{exp}/", {}),
        (f"/mis-tramites/{exp}/confirmacion/", {}),
        (f"/mis-tramites/{exp}/subsanar/", {
            "direccion": "Jr. Robado 1", "distrito": "150101", "tiempo_residencia": "1", "finalidad": "Trabajo",
        }),
        (f"/mis-tramites/{exp}/desistir/", {"motivo": "por las puras"}),
        (f"/documentos/{doc_solicitud.uuid}/", {}),
        (f"/documentos/{doc_borrador.uuid}/", {}),
    ]
    return urls


def test_otro_ciudadano_recibe_404_en_todas_las_direcciones(de_a, web, otro_ciudadano, settings):
    solicitud, borrador = de_a
    antes = foto_de_todo()
    archivos_antes = archivos_guardados(settings)
    web.force_login(otro_ciudadano)
    urls = urls_de(solicitud, borrador)
    assert len(urls) >= 20
    with time_machine.travel(en_lima(2026, 3, 6, 10), tick=True):
        for url, datos in urls:
            for metodo in ("get", "post"):
                respuesta = getattr(web, metodo)(url, datos) if metodo == "post" else web.get(url)
                assert respuesta.status_code == 404, f"{metodo.upper()} {url} -> {respuesta.status_code}"
                contenido = respuesta.content if not respuesta.streaming else b""
                for dato in (b"Jr. Secreto 321", b"Av. Privada 77", solicitud.expediente.encode(), b"Recibo cortado"):
                    assert dato not in contenido, f"{metodo.upper()} {url} muestra {dato!r}"
    assert foto_de_todo() == antes
    assert archivos_guardados(settings) == archivos_antes
    assert not Solicitud.objects.filter(ciudadano=otro_ciudadano).exists()


def test_mis_tramites_de_otro_ciudadano_no_muestra_nada_ajeno(de_a, web, otro_ciudadano):
    solicitud, _borrador = de_a
    web.force_login(otro_ciudadano)
    texto = web.get("/mis-tramites/").content.decode()
    assert "Aún no tienes trámites." in texto
    assert solicitud.expediente not in texto


def test_el_dueno_si_llega_a_todo(de_a, web, ciudadano):
    solicitud, borrador = de_a
    web.force_login(ciudadano)
    for url in (
        url_paso(borrador, "direccion_predio"),
        url_paso(borrador, "revisar"),
        f"/borradores/{borrador.uuid}/eliminar/",
        f"/mis-tramites/{solicitud.expediente}/",
        f"/mis-tramites/{solicitud.expediente}/confirmacion/",
        f"/mis-tramites/{solicitud.expediente}/desistir/",
        f"/documentos/{solicitud.adjuntos.get().uuid}/",
        f"/documentos/{borrador.adjuntos.get().uuid}/",
    ):
        assert web.get(url).status_code == 200, url
    with time_machine.travel(en_lima(2026, 3, 6, 10), tick=True):
        assert web.get(f"/mis-tramites/{solicitud.expediente}/subsanar/").status_code == 200


def test_sin_sesion_todo_lleva_al_inicio_de_sesion(de_a, web):
    solicitud, borrador = de_a
    antes = foto_de_todo()
    for url, datos in urls_de(solicitud, borrador) + [("/mis-tramites/", {}), (f"/tramites/{DOMICILIO}/solicitar/", {})]:
        for metodo in ("get", "post"):
            respuesta = web.post(url, datos) if metodo == "post" else web.get(url)
            assert respuesta.status_code == 302, f"{metodo.upper()} {url}"
            assert respuesta["Location"].startswith("/cuenta/login/?next="), f"{metodo.upper()} {url}"
    assert foto_de_todo() == antes


def test_un_uuid_o_expediente_inventado_da_404(catalogo, web_ciudadano):
    for url in (
        "/borradores/00000000-0000-0000-0000-000000000000/",
        f"/tramites/{INFORMACION}/solicitar/00000000-0000-0000-0000-000000000000/revisar/",
        "/mis-tramites/EXP-2026-999999/",
        "/documentos/00000000-0000-0000-0000-000000000000/",
    ):
        assert web_ciudadano.get(url).status_code == 404, url


def test_el_paso_de_mi_borrador_con_otro_tramite_en_la_direccion_da_404(de_a, web, ciudadano):
    _s, borrador = de_a
    web.force_login(ciudadano)
    assert web.get(f"/tramites/{DOMICILIO}/solicitar/{borrador.uuid}/revisar/").status_code == 404
    assert web.get(url_paso(borrador, "no-existe")).status_code == 404


# --- Staff and documents -------------------------------------------------------------------------


def test_personal_de_otra_oficina_no_descarga_el_documento(de_a, web):
    solicitud, _b = de_a
    web.force_login(servidor_de("SGRC", "jefe"))
    assert web.get(f"/documentos/{solicitud.adjuntos.get().uuid}/").status_code == 404


def test_usuario_sin_is_staff_en_la_oficina_no_descarga(de_a, web, catalogo):
    from tramites.models import Oficina

    solicitud, _b = de_a
    colado = factories.UsuarioFactory(is_staff=False)
    Oficina.objects.get(sigla="SGPV").personal.add(colado)
    web.force_login(colado)
    assert web.get(f"/documentos/{solicitud.adjuntos.get().uuid}/").status_code == 404


@pytest.mark.parametrize("sigla", ["SGPV", "MPA"])  # the office that resolves, the one that receives
def test_personal_de_la_oficina_del_tramite_descarga_el_documento(de_a, web, sigla):
    solicitud, _b = de_a
    adjunto = solicitud.adjuntos.get()
    web.force_login(servidor_de(sigla, "jefe"))
    respuesta = web.get(f"/documentos/{adjunto.uuid}/")
    assert respuesta.status_code == 200
    assert respuesta["Content-Disposition"] == 'attachment; filename="recibo.pdf"'
    assert b"".join(respuesta.streaming_content) == adjunto.archivo.open("rb").read()


def test_personal_sin_doble_factor_no_descarga_nada_de_su_oficina(de_a, web):
    """A head of the very office, and a superuser, whose accounts have no TOTP:
    staff rights count only with a second factor, so neither the citizen's
    document nor the filing receipt nor the admin page of the request opens."""
    from tramites.models import Oficina

    solicitud, _b = de_a
    services.cargo_emitir(cargo_id=solicitud.cargo.pk)
    jefe = factories.UsuarioFactory(is_staff=True)
    Oficina.objects.get(sigla="SGPV").personal.add(jefe)
    jefe.groups.add(servidor_de("SGPV", "jefe").groups.get())
    superusuario = factories.UsuarioFactory(is_staff=True, is_superuser=True)
    for quien in (jefe, superusuario):
        web.force_login(quien)
        assert web.get(f"/documentos/{solicitud.adjuntos.get().uuid}/").status_code == 404
        assert web.get(f"/mis-tramites/{solicitud.expediente}/cargo.pdf").status_code == 404
        respuesta = web.get(f"/admin/tramites/solicitud/{solicitud.pk}/change/")
        assert respuesta.status_code == 302
        assert respuesta["Location"] == "/cuenta/2fa/totp/activate/"
    # The same head, once TOTP is activated, reaches the receipt.
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(jefe, factories.SECRETO_TOTP)
    web.force_login(jefe)
    assert web.get(f"/mis-tramites/{solicitud.expediente}/cargo.pdf").status_code == 200


def test_el_personal_no_descarga_documentos_de_un_borrador(de_a, web):
    _s, borrador = de_a
    adjunto = borrador.adjuntos.get()
    # Staff of both offices of the draft's procedure, and a superuser.
    superusuario = factories.UsuarioFactory(is_staff=True, is_superuser=True)
    for quien in (servidor_de("SGOPC", "jefe"), servidor_de("MPA", "jefe"), superusuario):
        web.force_login(quien)
        assert web.get(f"/documentos/{adjunto.uuid}/").status_code == 404


def test_el_personal_no_ve_las_paginas_del_ciudadano(de_a, web):
    solicitud, _b = de_a
    web.force_login(servidor_de("SGPV", "jefe"))
    for url in (
        f"/mis-tramites/{solicitud.expediente}/",
        f"/mis-tramites/{solicitud.expediente}/subsanar/",
        f"/mis-tramites/{solicitud.expediente}/desistir/",
    ):
        assert web.get(url).status_code == 404, url
