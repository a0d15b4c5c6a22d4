"""The public catalog of procedures (TUPA): search without worrying about
accents, filters, pages; each procedure's page in gob.pe's order; and the
catalog administrators cannot save a procedure or a question that would not
work, nor delete a procedure that has requests."""

import re
from decimal import Decimal

import pytest
from django import forms
from django.contrib.admin.sites import AdminSite
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import RequestFactory

from tests import factories
from tests.fixtures import DOMICILIO, INFORMACION, LICENCIA, presentar
from tests.tramites.conftest import Pagina
from tramites import services
from tramites.admin.catalogo import TramiteAdmin
from tramites.models import CampoTramite, Oficina, Tramite

pytestmark = pytest.mark.django_db

INFO_NOMBRE = "Solicitar acceso a la información pública"
LICENCIA_NOMBRE = "Obtener la licencia de funcionamiento para establecimientos de riesgo bajo"


def resultados(web, consulta=""):
    pagina = Pagina(web.get(f"/tramites/{consulta}"))
    return [texto for href, texto in pagina.enlaces if href.startswith("/tramites/") and href.count("/") == 3 and href != "/tramites/"]


# --- Search, filters, pages -----------------------------------------------------------------------


def test_el_catalogo_lista_los_tramites_activos_en_orden_alfabetico(catalogo, web):
    nombres = resultados(web)
    assert len(nombres) == 8
    assert nombres == sorted(nombres)
    assert "8 trámites encontrados" in Pagina(web.get("/tramites/")).texto()


@pytest.mark.parametrize(
    ("busqueda", "esperados"),
    [
        ("licencia", [LICENCIA_NOMBRE]),
        ("LICENCIA", [LICENCIA_NOMBRE]),
        ("informacion", [INFO_NOMBRE]),
        ("INFORMACIÓN", [INFO_NOMBRE]),
        ("Información pública", [INFO_NOMBRE]),
        ("constancia   domicilio", ["Obtener la constancia de domicilio"]),
        ("mdve-004", [INFO_NOMBRE]),
        ("posesión", ["Obtener la constancia de posesión para servicios básicos"]),
    ],
)
def test_buscar_sin_importar_tildes_ni_mayusculas(catalogo, web, busqueda, esperados):
    assert resultados(web, f"?q={busqueda}") == esperados


def test_buscar_algo_que_no_existe_sugiere_que_hacer(catalogo, web):
    texto = Pagina(web.get("/tramites/?q=pasaporte")).texto()
    assert "0 trámites encontrados para «pasaporte»." in texto
    assert "Prueba con otras palabras, revisa cómo están escritas o quita los filtros." in texto


def test_filtrar_por_oficina_y_calificacion(catalogo, web):
    assert sorted(resultados(web, "?oficina=SGOPC")) == [
        "Obtener el certificado de numeración",
        "Obtener el certificado de parámetros urbanísticos y edificatorios",
        "Obtener la constancia de posesión para servicios básicos",
    ]
    # Mesa de Partes receives every procedure.
    assert len(resultados(web, "?oficina=MPA")) == 8
    assert resultados(web, "?calificacion=automatica") == [LICENCIA_NOMBRE]
    assert resultados(web, "?calificacion=negativo") == [
        "Obtener la constancia de posesión para servicios básicos", INFO_NOMBRE,
    ]
    assert resultados(web, "?oficina=SGOPC&calificacion=negativo") == [
        "Obtener la constancia de posesión para servicios básicos"
    ]
    assert resultados(web, "?q=constancia&oficina=SGPV") == ["Obtener la constancia de domicilio"]


def test_una_oficina_inactiva_no_aparece_en_el_filtro(catalogo, web):
    oficina = Oficina.objects.get(sigla="SGRC")
    oficina.activa = False
    oficina.save()
    html = web.get("/tramites/").content.decode()
    opciones = re.search(r'<select name="oficina".*?</select>', html, flags=re.S).group(0)
    assert "Secretaría General" in opciones
    assert "Subgerencia de Registro Civil" not in opciones


def crear_tramites(cuantos):
    recibe, resuelve = Oficina.objects.get(sigla="MPA"), Oficina.objects.get(sigla="SG")
    for n in range(cuantos):
        Tramite.objects.create(
            codigo=f"MDVE-1{n:02d}", slug=f"permiso-{n}", nombre=f"Obtener el permiso número {n:02d}",
            descripcion="Permiso de ejemplo.", base_legal="Ordenanza 100.", requisitos="Solicitud.",
            tasa=Decimal("10.00"), plazo_dias=5, calificacion="positivo",
            oficina_recepcion=recibe, oficina_resolucion=resuelve,
        )


def test_mas_de_diez_tramites_se_paginan(catalogo, web):
    crear_tramites(5)
    primera = Pagina(web.get("/tramites/"))
    assert len(resultados(web)) == 10
    assert "13 trámites encontrados" in primera.texto()
    assert "Página 1 de 2" in primera.texto()
    siguiente = primera.enlace("Siguiente")
    assert siguiente == "?pagina=2"
    segunda = resultados(web, siguiente)
    assert len(segunda) == 3
    assert set(segunda).isdisjoint(resultados(web))
    assert Pagina(web.get("/tramites/?pagina=2")).enlace("Anterior") == "?pagina=1"


def test_la_paginacion_conserva_la_busqueda(catalogo, web):
    crear_tramites(12)
    pagina = Pagina(web.get("/tramites/?q=permiso"))
    assert "12 trámites encontrados para «permiso»." in pagina.texto()
    assert pagina.enlace("Siguiente") == "?q=permiso&pagina=2"
    assert resultados(web, "?q=permiso&pagina=2") == ["Obtener el permiso número 10", "Obtener el permiso número 11"]


def test_un_tramite_inactivo_no_se_ve_ni_se_inicia(catalogo, web, ciudadano):
    tramite = Tramite.objects.get(slug=LICENCIA)
    assert LICENCIA_NOMBRE in resultados(web)
    assert web.get(f"/tramites/{LICENCIA}/").status_code == 200
    tramite.activo = False
    tramite.save()
    assert LICENCIA_NOMBRE not in resultados(web)
    assert resultados(web, "?q=licencia") == []
    assert web.get(f"/tramites/{LICENCIA}/").status_code == 404
    web.force_login(ciudadano)
    assert web.get(f"/tramites/{LICENCIA}/").status_code == 404
    assert web.get(f"/tramites/{LICENCIA}/solicitar/").status_code == 404


# --- A procedure's page -----------------------------------------------------------------------------


def test_la_ficha_sigue_el_orden_de_gob_pe(catalogo, web, settings):
    settings.UIT_SOLES = Decimal("5500")
    pagina = Pagina(web.get(f"/tramites/{DOMICILIO}/"))
    texto = pagina.texto()
    orden = [
        "Obtener la constancia de domicilio",
        "Iniciar trámite",  # at the top too, so nobody has to scroll to start
        "Para qué sirve", "Acredita que vives en una dirección del distrito",
        "Requisitos", "Recibo de un servicio público (agua o luz) de la dirección, de los últimos 3 meses.",
        "Recibo de agua o luz",
        "No necesitas adjuntar copia de tu DNI",
        "Cuánto cuesta", "S/ 15.00 (0.27 % de la UIT).",
        "Cuánto demora", "Hasta 5 días hábiles, contados desde el día siguiente a la presentación.",
        "Se aplica el silencio administrativo positivo: si la entidad no responde dentro del plazo, tu solicitud se considera aprobada.",
        "Quién lo atiende", "Lo recibe Mesa de Partes y Archivo y lo resuelve Subgerencia de Participación Vecinal.",
        "Base legal", "Ley 27972, Ley Orgánica de Municipalidades, art. 73.",
        "Iniciar trámite",
    ]
    posiciones, desde = [], 0
    for parte in orden:  # each one after the previous
        desde = texto.find(parte, desde)
        posiciones.append(desde)
        desde = max(desde, 0) + 1
    assert -1 not in posiciones, [p for p, i in zip(orden, posiciones, strict=True) if i == -1]
    assert posiciones == sorted(posiciones)
    assert "Código TUPA MDVE-001" in texto
    assert pagina.enlace("Iniciar trámite") == f"/tramites/{DOMICILIO}/solicitar/"
    assert "Te pediremos iniciar sesión o crear una cuenta." in texto


def test_ficha_de_un_tramite_gratuito_con_silencio_negativo(catalogo, web):
    texto = Pagina(web.get(f"/tramites/{INFORMACION}/")).texto()
    assert "Cuánto cuesta Gratuito." in texto
    assert "UIT" not in texto
    assert "Hasta 10 días hábiles" in texto
    assert (
        "Se aplica el silencio administrativo negativo: si la entidad no responde dentro del plazo, "
        "puedes considerar denegada tu solicitud y presentar un recurso."
    ) in texto
    assert "lo resuelve Secretaría General" in texto


def test_ficha_de_aprobacion_automatica(catalogo, web):
    texto = Pagina(web.get(f"/tramites/{LICENCIA}/")).texto()
    assert "S/ 98.50 (1.79 % de la UIT)." in texto
    assert "Es de aprobación automática: si presentas todo lo que se pide, queda aprobado en el momento de presentarlo." in texto
    assert "silencio administrativo" not in texto
    assert "días hábiles, contados" not in texto


def test_porcentaje_de_la_uit(catalogo, settings):
    settings.UIT_SOLES = Decimal("5500")
    tramites = {t.slug: t for t in Tramite.objects.all()}
    assert tramites[DOMICILIO].porcentaje_uit == Decimal("0.27")
    assert tramites["matrimonio-civil"].porcentaje_uit == Decimal("2.73")
    assert tramites[INFORMACION].gratuito and not tramites[DOMICILIO].gratuito


def test_en_la_lista_se_ve_el_costo_y_el_plazo(catalogo, web):
    texto = Pagina(web.get("/tramites/?q=informacion")).texto()
    assert "Gratuito · 10 días hábiles · Secretaría General" in texto
    texto = Pagina(web.get("/tramites/?q=licencia")).texto()
    assert "S/ 98.50 · Aprobación automática" in texto


def test_cargar_el_catalogo_dos_veces_no_duplica_nada(catalogo):
    call_command("catalogo_cargar", verbosity=0)
    assert Tramite.objects.count() == 8
    assert Oficina.objects.count() == 6
    assert CampoTramite.objects.filter(tramite__slug=DOMICILIO).count() == 4


# --- Declarations that cannot work are not saved -------------------------------------------------------


def campo(**cambios):
    datos = {
        "tramite": Tramite.objects.get(slug=DOMICILIO), "orden": 9, "nombre": "referencia",
        "etiqueta": "¿Alguna referencia?", "tipo": "texto", "requerido": False, "opciones": "", "dato_perfil": "",
    }
    datos.update(cambios)
    return CampoTramite(**datos)


def errores_de(objeto):
    with pytest.raises(ValidationError) as error:
        objeto.full_clean()
    return error.value.message_dict


def test_una_pregunta_bien_declarada_se_guarda(catalogo):
    pregunta = campo(tipo="opcion", opciones="Sí, cerca de un parque\nNo")
    pregunta.full_clean()
    pregunta.save()


@pytest.mark.parametrize(
    ("cambios", "campo_con_error", "mensaje"),
    [
        ({"tipo": "opcion", "opciones": "Única"}, "opciones", "Una pregunta de opción necesita al menos dos opciones."),
        ({"tipo": "opcion", "opciones": ""}, "opciones", "Una pregunta de opción necesita al menos dos opciones."),
        ({"tipo": "opcion", "opciones": "A\nB\nA"}, "opciones", "Hay opciones repetidas."),
        ({"tipo": "texto", "opciones": "A\nB"}, "opciones", "Solo las preguntas de tipo «opción» llevan opciones."),
        ({"nombre": "revisar"}, "nombre", "«revisar» está reservado: usa otro nombre."),
        ({"nombre": "adjuntos"}, "nombre", "«adjuntos» está reservado: usa otro nombre."),
        ({"nombre": "pago"}, "nombre", "«pago» está reservado: usa otro nombre."),
        ({"nombre": "Referencia"}, "nombre", "Usa solo letras minúsculas sin tildes, números y guion bajo, empezando por una letra."),
        ({"nombre": "2da_referencia"}, "nombre", "Usa solo letras minúsculas sin tildes, números y guion bajo, empezando por una letra."),
        ({"nombre": "con-guion"}, "nombre", "Usa solo letras minúsculas sin tildes, números y guion bajo, empezando por una letra."),
        ({"tipo": "texto", "dato_perfil": "email"}, "dato_perfil", "Ese dato del perfil no corresponde al tipo de la pregunta."),
        ({"tipo": "numero", "dato_perfil": "direccion"}, "dato_perfil", "Ese dato del perfil no corresponde al tipo de la pregunta."),
        ({"tipo": "numero", "minimo": Decimal(10), "maximo": Decimal(1)}, "maximo", "El valor máximo no puede ser menor que el mínimo."),
        ({"tipo": "texto", "minimo": Decimal(1)}, "minimo", "Solo las preguntas de tipo «número» llevan valor mínimo."),
        ({"tipo": "fecha", "maximo": Decimal(1)}, "maximo", "Solo las preguntas de tipo «número» llevan valor máximo."),
        ({"tipo": "texto", "solo_enteros": True}, "solo_enteros", "Solo las preguntas de tipo «número» pueden pedir enteros."),
    ],
)
def test_una_pregunta_mal_declarada_no_se_guarda(catalogo, cambios, campo_con_error, mensaje):
    assert mensaje in errores_de(campo(**cambios))[campo_con_error]


def test_el_formulario_del_admin_rechaza_la_pregunta_rota(catalogo):
    Formulario = forms.modelform_factory(
        CampoTramite, fields=["tramite", "orden", "nombre", "etiqueta", "tipo", "requerido", "opciones", "dato_perfil"]
    )
    formulario = Formulario(data={
        "tramite": Tramite.objects.get(slug=DOMICILIO).pk, "orden": 9, "nombre": "revisar",
        "etiqueta": "¿Color?", "tipo": "opcion", "opciones": "Rojo", "dato_perfil": "",
    })
    assert not formulario.is_valid()
    assert set(formulario.errors) == {"nombre", "opciones"}
    assert not CampoTramite.objects.filter(nombre="revisar").exists()


def tramite_nuevo(**cambios):
    datos = {
        "codigo": "MDVE-099", "slug": "permiso-de-prueba", "nombre": "Obtener el permiso de prueba",
        "descripcion": "Para probar.", "base_legal": "Ordenanza 1.", "requisitos": "Solicitud.",
        "tasa": Decimal("5.00"), "plazo_dias": 10, "calificacion": "positivo",
        "oficina_recepcion": Oficina.objects.get(sigla="MPA"), "oficina_resolucion": Oficina.objects.get(sigla="SG"),
    }
    datos.update(cambios)
    return Tramite(**datos)


@pytest.mark.parametrize("nombre", ["Obtener el permiso de prueba", "Inscribirse en el registro", "Solicitar la copia", "Reconocer a la junta"])
def test_nombre_con_verbo_en_infinitivo(catalogo, nombre):
    tramite_nuevo(nombre=nombre).full_clean()


@pytest.mark.parametrize("nombre", ["Constancia de domicilio", "Permiso de prueba", "obtener el permiso", "Licencia"])
def test_nombre_sin_verbo_en_infinitivo_no_se_guarda(catalogo, nombre):
    assert errores_de(tramite_nuevo(nombre=nombre))["nombre"] == [
        "El nombre debe empezar con un verbo en infinitivo, por ejemplo «Obtener el certificado…»."
    ]


@pytest.mark.parametrize("plazo", [0, 31, 60])
def test_plazo_fuera_de_1_a_30_dias_habiles_no_se_guarda(catalogo, plazo):
    assert "plazo_dias" in errores_de(tramite_nuevo(plazo_dias=plazo))


def test_no_resuelve_una_oficina_inactiva(catalogo):
    oficina = Oficina.objects.get(sigla="SG")
    oficina.activa = False
    oficina.save()
    assert errores_de(tramite_nuevo())["oficina_resolucion"] == ["La oficina que resuelve está inactiva."]


def test_tasa_negativa_no_se_guarda(catalogo):
    assert "tasa" in errores_de(tramite_nuevo(tasa=Decimal("-1.00")))


# --- The admin -----------------------------------------------------------------------------------------


def test_el_admin_no_borra_un_tramite_con_solicitudes(catalogo, ciudadano):
    admin = TramiteAdmin(Tramite, AdminSite())
    request = RequestFactory().get("/admin/tramites/tramite/")
    request.user = factories.UsuarioFactory(is_staff=True, is_superuser=True)
    con_solicitud = Tramite.objects.get(slug=DOMICILIO)
    con_borrador = Tramite.objects.get(slug=INFORMACION)
    sin_nada = Tramite.objects.get(slug=LICENCIA)
    presentar(ciudadano, DOMICILIO)
    services.borrador_iniciar(ciudadano=ciudadano, tramite=con_borrador)

    assert admin.has_delete_permission(request, con_solicitud) is False
    assert admin.has_delete_permission(request, con_borrador) is False
    assert admin.has_delete_permission(request, sin_nada) is True


def test_un_numero_redondo_se_guarda_y_se_muestra_sin_exponente():
    from tramites.declaraciones import respuesta_serializar

    assert respuesta_serializar(Decimal("100")) == "100"
    assert respuesta_serializar(Decimal("100.00")) == "100"
    assert respuesta_serializar(Decimal("85.50")) == "85.5"
