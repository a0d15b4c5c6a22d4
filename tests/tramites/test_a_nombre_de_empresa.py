"""Filing "a nombre de" a company: the choice at the start of a procedure that
accepts companies (never offered otherwise, never for someone else's company
or a pending representation), the company as the applicant on the request
page, the filing receipt, the certificate and the servant's page, with the
representative as who presented it; and who may follow the company's
requests."""

import pytest
from django.test import Client
from django.utils import timezone

from ciudadanos.models import Empresa, EstadoRepresentacion, Representacion
from tests.fixtures import (
    DOMICILIO,
    LICENCIA,
    NOMBRE_COMPLETO,
    borrador_completo,
    persona,
    servidor_de,
)
from tests.tramites.certificados.conftest import texto_pdf
from tests.tramites.conftest import Pagina, url_paso
from tramites import services
from tramites.models import Estado, Solicitud

pytestmark = pytest.mark.django_db

INICIAR = f"/tramites/{LICENCIA}/solicitar/"
ANDES = "COMERCIAL LOS ANDES S.A.C."


def empresa_de(usuario, *, ruc="20600000013", razon_social=ANDES, confirmada=True, verificada=True):
    empresa, _creada = Empresa.objects.get_or_create(ruc=ruc, defaults={
        "razon_social": razon_social, "estado": "ACTIVO", "condicion": "HABIDO",
        "domicilio_fiscal": "AV. LOS ANDES 123, LIMA", "verificada_en": timezone.now() if verificada else None,
    })
    Representacion.objects.create(
        empresa=empresa, usuario=usuario,
        estado=EstadoRepresentacion.CONFIRMADA if confirmada else EstadoRepresentacion.PENDIENTE,
        confirmada_en=timezone.now() if confirmada else None,
    )
    return empresa


@pytest.fixture
def representante(web, catalogo, ciudadano):
    """The citizen, logged in, with names RENIEC confirmed (so only the company can leave data unverified)."""
    ciudadano.perfil.datos_reniec_en = timezone.now()
    ciudadano.perfil.save(update_fields=["datos_reniec_en"])
    web.force_login(ciudadano)
    return ciudadano


def presentar_para(web, ciudadano, empresa) -> Solicitud:
    """Starts the licencia choosing the company, completes it and files it through the pages."""
    respuesta = web.post(INICIAR, {"eligiendo": "1", "a_nombre_de": str(empresa.pk)})
    assert respuesta.status_code == 302, respuesta.content.decode()[:2000]
    borrador = borrador_completo(ciudadano, LICENCIA)
    respuesta = web.post(url_paso(borrador, "revisar"), {"declaracion_jurada": "on"})
    assert respuesta.status_code == 302, respuesta.content.decode()[:3000]
    return Solicitud.objects.get(pk=borrador.pk)


def test_un_tramite_sin_acepta_empresas_nunca_ofrece_la_eleccion(web, representante):
    empresa = empresa_de(representante)
    iniciar = f"/tramites/{DOMICILIO}/solicitar/"
    assert "a_nombre_de" not in web.get(iniciar).content.decode()
    # A forged choice is ignored: the draft is the citizen's own.
    web.post(iniciar, {"eligiendo": "1", "a_nombre_de": str(empresa.pk)})
    borrador = Solicitud.objects.get(tramite__slug=DOMICILIO)
    assert borrador.empresa_id is None
    assert web.post(url_paso(borrador, "a-nombre-de"), {"a_nombre_de": str(empresa.pk)}).status_code == 404
    with pytest.raises(services.EmpresaNoPermitida):
        services.borrador_a_nombre_de(solicitud=borrador, ciudadano=representante, empresa_id=empresa.pk)
    assert Solicitud.objects.get(pk=borrador.pk).empresa_id is None


def test_la_pagina_del_tramite_dice_si_acepta_empresas(client, catalogo):
    assert "a nombre de una empresa que representas" in client.get(f"/tramites/{LICENCIA}/").content.decode()
    assert "a nombre de una empresa" not in client.get(f"/tramites/{DOMICILIO}/").content.decode()


def test_sin_empresas_confirmadas_la_licencia_se_inicia_como_siempre(web, representante):
    empresa_de(representante, confirmada=False)
    pagina = web.get(INICIAR).content.decode()
    assert "a_nombre_de" not in pagina
    assert web.post(INICIAR).status_code == 302
    assert Solicitud.objects.get(tramite__slug=LICENCIA).empresa_id is None


def test_la_eleccion_es_un_grupo_de_radios_al_inicio_y_hay_que_elegir(web, representante):
    empresa = empresa_de(representante)
    pagina = Pagina(web.get(INICIAR))
    html = pagina.html
    assert html.count('type="radio"') == 2 and "<fieldset" in html and "<legend" in html
    assert f"Para mí ({NOMBRE_COMPLETO})" in pagina.texto()
    assert f"A nombre de {ANDES} (RUC 20600000013)" in pagina.texto()
    # The catalog page's button sends no choice: the choice is asked first.
    assert web.post(INICIAR).status_code == 200
    assert not Solicitud.objects.exists()
    sin_elegir = web.post(INICIAR, {"eligiendo": "1"})
    assert sin_elegir.status_code == 400
    assert "Elige si presentas el trámite para ti o a nombre de una de tus empresas" in sin_elegir.content.decode()
    assert not Solicitud.objects.exists()
    respuesta = web.post(INICIAR, {"eligiendo": "1", "a_nombre_de": str(empresa.pk)})
    borrador = Solicitud.objects.get()
    assert borrador.empresa == empresa
    assert respuesta["Location"] == url_paso(borrador, "ruc")  # straight to the first question
    # The RUC question comes filled with the company's.
    assert Pagina(web.get(respuesta["Location"])).valores["ruc"] == "20600000013"


def test_un_id_de_otra_empresa_o_de_una_representacion_pendiente_se_rechaza(web, representante, otro_ciudadano):
    ajena = empresa_de(otro_ciudadano, ruc="20600000030", razon_social="TRANSPORTES SELVA S.R.L.")
    pendiente = empresa_de(otro_ciudadano, ruc="20600000021", razon_social="INVERSIONES RIMAC E.I.R.L.")
    Representacion.objects.create(empresa=pendiente, usuario=representante)  # pending
    propia = empresa_de(representante)
    for empresa in (ajena, pendiente):
        respuesta = web.post(INICIAR, {"eligiendo": "1", "a_nombre_de": str(empresa.pk)})
        assert respuesta.status_code == 400
        assert "solo puedes presentar a nombre de empresas que representas" in respuesta.content.decode()
        assert not Solicitud.objects.exists()
    # Also on the step that changes it, and through the service.
    web.post(INICIAR, {"eligiendo": "1", "a_nombre_de": str(propia.pk)})
    borrador = Solicitud.objects.get()
    assert web.post(url_paso(borrador, "a-nombre-de"), {"a_nombre_de": str(ajena.pk)}).status_code == 400
    for empresa in (ajena, pendiente):
        with pytest.raises(services.EmpresaNoPermitida):
            services.borrador_a_nombre_de(solicitud=borrador, ciudadano=representante, empresa_id=empresa.pk)
    assert Solicitud.objects.get(pk=borrador.pk).empresa == propia


def test_cambiar_a_nombre_de_quien_desde_la_revision(web, representante):
    empresa = empresa_de(representante)
    web.post(INICIAR, {"eligiendo": "1", "a_nombre_de": str(empresa.pk)})
    borrador = borrador_completo(representante, LICENCIA)
    revisar = Pagina(web.get(url_paso(borrador, "revisar")))
    assert f"{ANDES} (RUC 20600000013)" in revisar.texto() and "Presentada por" in revisar.texto()
    cambiar = revisar.enlace("Cambiar a nombre de quién presentas")
    assert Pagina(web.get(cambiar)).valores["a_nombre_de"] == str(empresa.pk)
    respuesta = web.post(cambiar, {"a_nombre_de": "yo"})
    assert respuesta["Location"] == url_paso(borrador, "revisar")
    assert Solicitud.objects.get(pk=borrador.pk).empresa_id is None


def test_si_la_representacion_se_pierde_antes_de_enviar_no_se_presenta_a_su_nombre(web, representante):
    empresa = empresa_de(representante)
    web.post(INICIAR, {"eligiendo": "1", "a_nombre_de": str(empresa.pk)})
    borrador = borrador_completo(representante, LICENCIA)
    Representacion.objects.filter(usuario=representante).delete()
    respuesta = web.post(url_paso(borrador, "revisar"), {"declaracion_jurada": "on"})
    assert respuesta.status_code == 400
    assert "Ya no puedes presentar este trámite a nombre de esa empresa" in respuesta.content.decode()
    assert Solicitud.objects.get(pk=borrador.pk).estado == Estado.BORRADOR


def test_la_empresa_es_la_solicitante_en_la_solicitud_el_cargo_el_certificado_y_el_panel(web, representante, admin_de):
    empresa = empresa_de(representante)
    solicitud = presentar_para(web, representante, empresa)
    assert solicitud.empresa == empresa and solicitud.estado == Estado.APROBADA  # automatic approval
    assert solicitud.solicitante["empresa"] == {
        "ruc": "20600000013", "razon_social": ANDES, "domicilio_fiscal": "AV. LOS ANDES 123, LIMA",
        "estado": "ACTIVO", "condicion": "HABIDO", "verificada_en": empresa.verificada_en.isoformat(),
    }
    assert solicitud.solicitante["nombre_completo"] == NOMBRE_COMPLETO  # who presented it
    assert not solicitud.datos_sin_verificar

    pagina = Pagina(web.get(solicitud.get_absolute_url())).texto()
    assert f"Solicitante {ANDES} (RUC 20600000013)" in pagina
    assert f"Presentada por {NOMBRE_COMPLETO} (tú)" in pagina
    mis = Pagina(web.get("/mis-tramites/")).texto()
    assert f"A nombre de {ANDES}" in mis

    cargo = texto_pdf(web.get(f"/mis-tramites/{solicitud.expediente}/cargo.pdf").getvalue())
    assert ANDES in cargo and "RUC 20600000013" in cargo and "Presentada por" in cargo
    assert NOMBRE_COMPLETO in cargo
    certificado = " ".join(texto_pdf(web.get(f"/mis-tramites/{solicitud.expediente}/certificado.pdf").getvalue()).split())
    assert f"OTORGA LICENCIA DE FUNCIONAMIENTO a {ANDES}, con RUC 20600000013" in certificado
    assert f"Solicitud presentada por {NOMBRE_COMPLETO}" in certificado

    jefe = servidor_de("SGDE", "jefe", nombres="Lucía")
    panel = Pagina(admin_de(jefe).get(f"/admin/tramites/solicitud/{solicitud.pk}/change/")).texto()
    assert f"Solicitante {ANDES} — RUC 20600000013" in panel
    assert f"Presentada por {NOMBRE_COMPLETO}" in panel
    bandeja = Pagina(admin_de(jefe).get("/admin/tramites/solicitud/?bandeja=todas&estado=todas")).texto()
    assert f"{ANDES} (RUC 20600000013) presentada por {NOMBRE_COMPLETO}" in bandeja


def test_una_empresa_sin_verificar_marca_la_solicitud(web, representante):
    empresa = empresa_de(representante, verificada=False)
    solicitud = presentar_para(web, representante, empresa)
    assert solicitud.datos_sin_verificar
    assert solicitud.solicitante["empresa"]["verificada_en"] is None
    assert "Datos de la empresa sin verificar" in Pagina(web.get(solicitud.get_absolute_url())).texto()


def test_otro_representante_la_sigue_solo_despues_de_ser_confirmado(web, representante):
    empresa = empresa_de(representante)
    solicitud = presentar_para(web, representante, empresa)
    segundo = persona(nombres="Pedro", apellido_paterno="Quispe", numero_documento="40000004")
    Representacion.objects.create(empresa=empresa, usuario=segundo)  # pending
    otro = Client()
    otro.force_login(segundo)
    otro.get("/mis-tramites/")  # a page cached before the confirmation must not stay
    antes = Pagina(otro.get("/mis-tramites/")).texto()
    assert solicitud.expediente not in antes
    for url in (solicitud.get_absolute_url(), f"/mis-tramites/{solicitud.expediente}/cargo.pdf",
                f"/mis-tramites/{solicitud.expediente}/certificado.pdf"):
        assert otro.get(url).status_code == 404, url

    web.post(f"/cuenta/empresas/{empresa.pk}/representantes/"
             f"{Representacion.objects.get(usuario=segundo).pk}/confirmar/")
    despues = Pagina(otro.get("/mis-tramites/")).texto()
    assert solicitud.expediente in despues and f"A nombre de {ANDES}" in despues
    pagina = otro.get(solicitud.get_absolute_url())
    assert pagina.status_code == 200
    texto = Pagina(pagina).texto()
    assert f"Presentada por {NOMBRE_COMPLETO}" in texto and "(tú)" not in texto
    assert "Solo quien lo presentó puede subsanarlo" in texto
    assert otro.get(f"/mis-tramites/{solicitud.expediente}/cargo.pdf").status_code == 200
    # Following is not acting: correcting, withdrawing and rating stay with who filed it.
    for url in ("subsanar", "desistir", "valorar"):
        prefijo = "/transparencia" if url == "valorar" else ""
        assert otro.get(f"{prefijo}/mis-tramites/{solicitud.expediente}/{url}/").status_code == 404, url
    # A draft for the company stays its author's.
    borrador = borrador_completo(representante, LICENCIA)
    services.borrador_a_nombre_de(solicitud=borrador, ciudadano=representante, empresa_id=empresa.pk)
    assert otro.get(f"/borradores/{borrador.uuid}/").status_code == 404


def test_un_cambio_en_la_solicitud_refresca_la_pagina_de_los_otros_representantes(
    web, catalogo, representante, al_confirmar
):
    empresa = empresa_de(representante)
    segundo = persona(nombres="Pedro", apellido_paterno="Quispe", numero_documento="40000004")
    Representacion.objects.create(empresa=empresa, usuario=segundo, estado=EstadoRepresentacion.CONFIRMADA)
    web.post("/tramites/certificado-de-parametros-urbanisticos/solicitar/",
             {"eligiendo": "1", "a_nombre_de": str(empresa.pk)})
    borrador = borrador_completo(representante, "certificado-de-parametros-urbanisticos")
    web.post(url_paso(borrador, "revisar"), {"declaracion_jurada": "on"})
    solicitud = Solicitud.objects.get(pk=borrador.pk)
    assert solicitud.empresa == empresa and solicitud.estado == Estado.PRESENTADA
    otro = Client()
    otro.force_login(segundo)
    assert "Presentada" in Pagina(otro.get(solicitud.get_absolute_url())).texto()
    servidor = servidor_de(solicitud.tramite.oficina_resolucion.sigla, "jefe", nombres="Lucía")
    with al_confirmar():
        services.solicitud_tomar(solicitud=solicitud, servidor=servidor)
        services.solicitud_observar(solicitud=Solicitud.objects.get(pk=solicitud.pk), servidor=servidor,
                                    mensaje="Falta el plano de ubicación firmado.")
    texto = Pagina(otro.get(solicitud.get_absolute_url())).texto()
    assert "Falta el plano de ubicación firmado." in texto
    assert "(lo hace quien lo presentó)" in texto  # correcting it is for who filed it
