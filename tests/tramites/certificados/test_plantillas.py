"""The document each procedure issues: titled with its name, stating the fact
it certifies from the citizen's answers, signed by a person's name and
position (never an email address); the catalog admin's choice of template and
its sample preview."""

import datetime
import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from pypdf import PdfReader

from tests.fixtures import (
    DOMICILIO,
    INFORMACION,
    LICENCIA,
    NOMBRE_COMPLETO,
    ORGANIZACIONES,
    aprobar,
    certificado_de,
    fresca,
    presentar,
    resolutor,
    servidor_de,
)
from tramites import services
from tramites.certificados import plantillas
from tramites.certificados.services import firmante_de, jefatura_de
from tramites.models import Estado, EstadoDocumento, Tramite
from tramites.transiciones import TransicionNoPermitida

from .conftest import SLUGS, texto_pdf

FECHA_BODA = timezone.localdate() + datetime.timedelta(days=40)
FECHA_BODA_TEXTO = date_format(FECHA_BODA, "j \\d\\e F \\d\\e Y")

# Per procedure: the answers filed, the document's title, and what its text must state.
CASOS = {
    DOMICILIO: (
        {"direccion": "Jr. Huallaga 318, Urb. Santa Rosa", "distrito": "150101", "tiempo_residencia": "7",
         "finalidad": "Estudios"},
        "CONSTANCIA DE DOMICILIO",
        ["HACE CONSTAR que", "domicilia en Jr. Huallaga 318, Urb. Santa Rosa, distrito de Lima (Lima)",
         "Tiempo de residencia declarado 7 año(s)", "Finalidad Estudios"],
    ),
    LICENCIA: (
        {"ruc": "10458712361", "nombre_comercial": "Bodega Don Lucho", "giro": "Bodega",
         "direccion_establecimiento": "Av. Grau 1020", "area": "42"},
        "LICENCIA DE FUNCIONAMIENTO",
        ["OTORGA LICENCIA DE FUNCIONAMIENTO", "RUC 10458712361", "Establecimiento (nombre comercial) Bodega Don Lucho",
         "Dirección Av. Grau 1020", "Giro o actividad autorizada Bodega", "Área autorizada 42 m²",
         "Vigencia Indeterminada", "vigencia indeterminada"],
    ),
    "certificado-de-parametros-urbanisticos": (
        {"direccion_predio": "Calle Las Begonias 455", "partida_registral": "P03114578", "area_terreno": "160"},
        "CERTIFICADO DE PARÁMETROS URBANÍSTICOS Y EDIFICATORIOS",
        ["CERTIFICA los parámetros urbanísticos y edificatorios aplicables al predio ubicado en Calle Las Begonias "
         "455, con un área de terreno de 160 m²", "Partida registral P03114578", "treinta y seis (36) meses"],
    ),
    INFORMACION: (
        {"informacion": "Actas de sesiones de concejo de enero de 2026.",
         "forma_entrega": "Por correo electrónico (gratuito)", "correo_entrega": "entrega@example.pe"},
        "CONSTANCIA DE ENTREGA DE INFORMACIÓN PÚBLICA",
        ["HACE CONSTAR que atendió la solicitud de acceso a la información pública",
         "entrega la información solicitada en la forma elegida: Por correo electrónico (gratuito)",
         "Información solicitada Actas de sesiones de concejo de enero de 2026."],
    ),
    "constancia-de-posesion": (
        {"direccion_predio": "A.H. Los Jazmines Mz. F Lote 12", "anios_posesion": "9", "servicio": "Ambos"},
        "CONSTANCIA DE POSESIÓN",
        ["ejerce la posesión del predio ubicado en A.H. Los Jazmines Mz. F Lote 12 desde hace 9 año(s)",
         "Agua y desagüe, y energía eléctrica", "No constituye reconocimiento de derecho de propiedad"],
    ),
    "matrimonio-civil": (
        {"nombre_contrayente": "José Antonio Huamán Quispe", "documento_contrayente": "41236587",
         "fecha_deseada": FECHA_BODA.isoformat(), "lugar": "En el local municipal", "testigos_mayores": "si"},
        "CONSTANCIA DE PROGRAMACIÓN DE MATRIMONIO CIVIL",
        ["y José Antonio Huamán Quispe, identificado(a) con documento 41236587, presentaron la solicitud",
         f"quedó programada para el {FECHA_BODA_TEXTO}",
         "Lugar de la ceremonia En el local municipal"],
    ),
    "certificado-de-numeracion": (
        {"direccion_predio": "Jr. Los Pinos s/n, frente al mercado", "uso": "Vivienda", "puertas": "2"},
        "CERTIFICADO DE NUMERACIÓN",
        ["CERTIFICA que al predio ubicado en Jr. Los Pinos s/n, frente al mercado, de uso «Vivienda», le "
         "corresponde la numeración municipal N.º 742", "Número municipal asignado 742",
         "Puertas a la vía pública 2"],
    ),
    ORGANIZACIONES: (
        {"nombre_organizacion": "Comedor Popular Virgen de Chapi", "tipo_organizacion": "Comedor popular",
         "integrantes": "35", "distrito_org": "150101"},
        "CONSTANCIA DE INSCRIPCIÓN EN EL REGISTRO DE ORGANIZACIONES SOCIALES",
        ["la organización social «Comedor Popular Virgen de Chapi» (Comedor popular) quedó inscrita en el "
         "Registro Único de Organizaciones Sociales (RUOS)", "Número de integrantes 35",
         "Distrito donde funciona Lima (Lima)"],
    ),
}


def corrido(pdf: bytes) -> str:
    """The text as one line; a compound name wrapped at its hyphen ("Pérez-\nAlbela") reads whole."""
    return re.sub(r"(?<=\w)- (?=\w)", "-", " ".join(texto_pdf(pdf).split()))


def leer(documento) -> bytes:
    with documento.archivo.open("rb") as archivo:
        return archivo.read()


def test_cada_tramite_sembrado_tiene_su_caso_y_cada_plantilla_su_archivo():
    assert set(CASOS) == set(SLUGS)
    carpeta = Path(settings.BASE_DIR) / "templates" / "pdf" / "certificados"
    archivos = {p.stem for p in carpeta.glob("*.html") if not p.name.startswith("_")}
    assert archivos == set(plantillas.POR_CLAVE)


@pytest.mark.django_db
@pytest.mark.parametrize("slug", SLUGS)
def test_el_certificado_dice_lo_que_certifica_y_quien_lo_firma(slug, catalogo, ciudadano, al_confirmar):
    respuestas, titulo, hechos = CASOS[slug]
    tramite = Tramite.objects.select_related("oficina_resolucion").get(slug=slug)
    assert tramite.plantilla_certificado in plantillas.POR_CLAVE
    jefa = servidor_de(tramite.oficina_resolucion.sigla, "jefe", nombres="Lucía")
    jefa.cargo = "Subgerente"
    jefa.save(update_fields=["cargo"])
    with al_confirmar():
        solicitud = presentar(ciudadano, slug, **respuestas)
    with al_confirmar():
        solicitud = aprobar(solicitud, servidor=jefa)
    certificado = certificado_de(solicitud)
    assert certificado.estado == EstadoDocumento.EMITIDO, certificado.error
    texto = corrido(leer(certificado))

    # Titled with the document's name, first thing after the entity's header.
    assert texto.index(titulo) < texto.index(solicitud.expediente)
    assert f"Certificado: {tramite.nombre}" not in texto
    assert "APROBADA" not in texto
    for hecho in hechos:
        assert hecho in texto
    assert NOMBRE_COMPLETO in texto and "DNI 45871236" in texto
    # Signed by a name and a position, "Nombre Apellidos — Cargo, Oficina"; no email anywhere.
    oficina = tramite.oficina_resolucion.nombre
    if tramite.es_automatica:
        assert "Firma automática del sistema — Trámites en línea" in texto
    else:
        assert f"Lucía Zegarra Ríos — Subgerente, {oficina}" in texto
    assert "@" not in texto


@pytest.mark.django_db
def test_un_servidor_sin_nombre_firma_con_el_puesto_de_la_jefatura(catalogo, ciudadano, al_confirmar):
    with al_confirmar():
        solicitud = presentar(ciudadano, DOMICILIO)
    sin_perfil = servidor_de("SGPV", "evaluador")
    assert not hasattr(sin_perfil, "perfil")
    with al_confirmar():
        solicitud = aprobar(solicitud, servidor=sin_perfil)
    certificado = certificado_de(solicitud)
    assert certificado.firmante_nombre == "Jefe(a) de la Subgerencia de Participación Vecinal"
    assert certificado.firmante_cargo == settings.ENTIDAD_NOMBRE
    texto = corrido(leer(certificado))
    assert f"Jefe(a) de la Subgerencia de Participación Vecinal — {settings.ENTIDAD_NOMBRE}" in texto
    assert sin_perfil.email not in texto
    assert "@" not in texto


@pytest.mark.django_db
def test_las_dos_lineas_del_firmante(catalogo):
    oficina = "Subgerencia de Registro Civil"
    con_cargo = servidor_de("SGRC", "evaluador", nombres="Rosa")
    con_cargo.cargo = "Registradora civil"
    assert firmante_de(actor=con_cargo, oficina=oficina) == ("Rosa Zegarra Ríos", f"Registradora civil, {oficina}")
    jefa = servidor_de("SGRC", "jefe", nombres="Ana")
    assert firmante_de(actor=jefa, oficina=oficina) == ("Ana Zegarra Ríos", "Jefe(a) de la Subgerencia de Registro Civil")
    evaluador = servidor_de("SGRC", "evaluador", nombres="Luis")
    assert firmante_de(actor=evaluador, oficina=oficina) == ("Luis Zegarra Ríos", f"Evaluador, {oficina}")
    sin_nombre = servidor_de("SGRC", "evaluador")
    sin_nombre.cargo = "Registrador civil"
    assert firmante_de(actor=sin_nombre, oficina=oficina) == (f"Registrador civil, {oficina}", settings.ENTIDAD_NOMBRE)
    assert jefatura_de("Secretaría General") == "Jefe(a) de la Secretaría General"
    assert jefatura_de("Registro Civil") == "Jefe(a) de Registro Civil"


@pytest.mark.django_db
def test_el_numero_lo_asigna_quien_aprueba_y_sin_el_no_se_aprueba(catalogo, ciudadano, al_confirmar):
    with al_confirmar():
        solicitud = presentar(ciudadano, "certificado-de-numeracion", direccion_predio="Mz. B, Lote 7")
    jefa = resolutor(solicitud)
    services.solicitud_tomar(solicitud=solicitud, servidor=jefa)
    with pytest.raises(TransicionNoPermitida, match="Número municipal asignado"):
        services.solicitud_aprobar(solicitud=solicitud, servidor=jefa, numero_asignado="  ")
    assert fresca(solicitud).estado == Estado.EN_EVALUACION
    with al_confirmar():
        services.solicitud_aprobar(solicitud=solicitud, servidor=jefa, numero_asignado="1203-A")
    certificado = certificado_de(solicitud)
    assert certificado.datos == {"numero_asignado": "1203-A"}
    texto = corrido(leer(certificado))
    assert "le corresponde la numeración municipal N.º 1203-A" in texto
    assert "Número municipal asignado 1203-A" in texto


@pytest.mark.django_db
def test_el_formulario_de_aprobacion_pide_el_numero_solo_donde_el_documento_lo_certifica(catalogo, ciudadano):
    from tramites.acciones import ACCIONES
    from tramites.admin.formularios import formulario_de

    numeracion = presentar(ciudadano, "certificado-de-numeracion")
    domicilio = presentar(ciudadano, DOMICILIO)
    form = formulario_de(ACCIONES["aprobar"], solicitud=numeracion, data={"nota": ""})
    assert not form.is_valid()
    assert form.errors["numero_asignado"] == ["Escribe el dato «Número municipal asignado»: el documento lo certifica."]
    assert "numero_asignado" not in formulario_de(ACCIONES["aprobar"], solicitud=domicilio, data={}).fields


# --- PDF/UA: the QR's alternative text and table headers with a scope ----------------------------------


@pytest.mark.django_db
def test_el_qr_tiene_texto_alternativo_y_las_cabeceras_su_ambito(catalogo, ciudadano, al_confirmar, monkeypatch):
    from egov import pdf as documentos

    html = []
    original = documentos.render_to_string
    monkeypatch.setattr(documentos, "render_to_string", lambda p, c: html.append(original(p, c)) or html[-1])
    with al_confirmar():
        solicitud = presentar(ciudadano, LICENCIA)
    certificado = certificado_de(solicitud)
    pdf = leer(certificado)
    documento = html[-1]
    assert "<th>" not in documento and documento.count("<th ") == documento.count('<th scope="')
    assert "<title>Código QR con la dirección de verificación: http://testserver/verificar/" in documento

    # The figure in the structure tree carries that text as /Alt.
    raiz = PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/StructTreeRoot"].get_object()
    alternativos = []

    def recorrer(nodo):
        nodo = nodo.get_object()
        if isinstance(nodo, dict):
            if nodo.get("/S") == "/Figure" and "/Alt" in nodo:
                alternativos.append(str(nodo["/Alt"]))
            hijos = nodo.get("/K")
            if hijos is not None:
                for hijo in hijos if isinstance(hijos, list) else [hijos]:
                    recorrer(hijo)

    recorrer(raiz)
    assert alternativos == [f"Código QR con la dirección de verificación: http://testserver{certificado.get_absolute_url()}"]


# --- The catalog admin: choosing and previewing ---------------------------------------------------------


def vista_previa(tramite) -> str:
    return f"/admin/tramites/tramite/{tramite.pk}/vista-previa/"


@pytest.mark.django_db
def test_el_administrador_del_catalogo_elige_entre_las_plantillas_que_existen(catalogo, admin_de):
    tramite = Tramite.objects.get(slug=INFORMACION)
    cliente = admin_de(servidor_de(None, "catalogo"))
    pagina = cliente.get(f"/admin/tramites/tramite/{tramite.pk}/change/")
    assert pagina.status_code == 200
    campo = pagina.context["adminform"].form.fields["plantilla_certificado"]
    assert [clave for clave, _nombre in campo.choices] == ["", *plantillas.POR_CLAVE]
    assert vista_previa(tramite) in pagina.content.decode()
    assert not campo.widget.is_hidden
    formulario = pagina.context["adminform"].form.__class__(
        data={"plantilla_certificado": "no_existe"}, instance=tramite
    )
    assert "plantilla_certificado" in formulario.errors


@pytest.mark.django_db
@pytest.mark.parametrize("slug", SLUGS)
def test_la_vista_previa_es_una_muestra_con_respuestas_de_ejemplo(slug, catalogo, admin_de):
    tramite = Tramite.objects.get(slug=slug)
    _respuestas, titulo, _hechos = CASOS[slug]
    jefa = servidor_de(tramite.oficina_resolucion.sigla, "jefe", nombres="Lucía")
    jefa.cargo = "Subgerente"
    jefa.save(update_fields=["cargo"])
    respuesta = admin_de(servidor_de(None, "catalogo")).get(vista_previa(tramite))
    assert respuesta.status_code == 200
    assert respuesta["Content-Type"] == "application/pdf"
    texto = corrido(respuesta.content)
    assert titulo in texto
    assert "MUESTRA" in texto and "No está firmada ni tiene validez" in texto
    assert "Comedor Popular Virgen de Chapi" in texto or slug != ORGANIZACIONES
    assert "Jr. Los Álamos 245" in texto or slug != DOMICILIO
    assert f"Lucía Zegarra Ríos — Subgerente, {tramite.oficina_resolucion.nombre}" in texto
    assert "@" not in texto
    assert b"/ByteRange" not in respuesta.content  # a sample is never signed


@pytest.mark.django_db
def test_la_vista_previa_se_niega_a_quien_no_administra_el_catalogo(catalogo, admin_de):
    tramite = Tramite.objects.get(slug=DOMICILIO)
    jefe = servidor_de("SGPV", "jefe", nombres="Lucía")
    assert admin_de(jefe).get(vista_previa(tramite)).status_code == 403
    solo_lectura = servidor_de(None, permisos=["tramites.view_tramite"])
    assert admin_de(solo_lectura).get(vista_previa(tramite)).status_code == 403
