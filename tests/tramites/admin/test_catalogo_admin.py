"""The catalog administrator edits procedures in the admin; a procedure with
requests is deactivated, never deleted; every change is in the history."""

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType

from tests.fixtures import INFORMACION, ORGANIZACIONES, presentar, servidor_de
from tramites.models import Tramite

from .conftest import Formulario, tramite

TRAMITES = "/admin/tramites/tramite/"


@pytest.fixture
def editor(catalogo, admin_de):
    usuario = servidor_de(None, "catalogo")
    return usuario, admin_de(usuario)


def _historial(objeto):
    return LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Tramite), object_id=str(objeto.pk)
    )


def test_abre_y_guarda_un_tramite(editor):
    usuario, cliente = editor
    informacion = tramite(INFORMACION)
    assert cliente.get(TRAMITES).status_code == 200
    url = f"{TRAMITES}{informacion.pk}/change/"
    respuesta = cliente.get(url)
    assert respuesta.status_code == 200

    datos = Formulario(respuesta.content.decode(), "tramite_form").como_dict()
    assert datos["codigo"] == informacion.codigo
    datos["descripcion"] = "Pide la información que tenga la municipalidad, sin decir para qué."
    datos["plazo_dias"] = "8"
    datos["_save"] = "Guardar"
    respuesta = cliente.post(url, datos)
    assert respuesta.status_code == 302, respuesta.context["adminform"].form.errors if respuesta.context else ""

    informacion.refresh_from_db()
    assert informacion.plazo_dias == 8
    assert informacion.descripcion.startswith("Pide la información")
    assert informacion.campos.count() == 3  # the inline questions survived the save
    entrada = _historial(informacion).get()
    assert (entrada.user_id, entrada.action_flag) == (usuario.pk, CHANGE)
    historia = cliente.get(f"{TRAMITES}{informacion.pk}/history/")
    assert historia.status_code == 200
    assert usuario.email in historia.content.decode()


def test_un_tramite_con_solicitudes_no_se_borra_se_desactiva(editor, ciudadano):
    usuario, cliente = editor
    con_solicitudes = presentar(ciudadano, INFORMACION).tramite
    sin_solicitudes = tramite(ORGANIZACIONES)

    assert cliente.get(f"{TRAMITES}{con_solicitudes.pk}/delete/").status_code == 403
    assert cliente.post(f"{TRAMITES}{con_solicitudes.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Tramite.objects.filter(pk=con_solicitudes.pk).exists()
    assert cliente.get(f"{TRAMITES}{sin_solicitudes.pk}/delete/").status_code == 200
    assert f"{TRAMITES}{con_solicitudes.pk}/delete/" not in cliente.get(
        f"{TRAMITES}{con_solicitudes.pk}/change/").content.decode()
    assert f"{TRAMITES}{sin_solicitudes.pk}/delete/" in cliente.get(
        f"{TRAMITES}{sin_solicitudes.pk}/change/").content.decode()

    lista = cliente.get(TRAMITES)
    acciones = [valor for valor, _texto in lista.context["action_form"].fields["action"].choices]
    assert "desactivar" in acciones
    assert "delete_selected" not in acciones

    respuesta = cliente.post(TRAMITES, {"action": "desactivar", "index": "0",
                                        "_selected_action": [con_solicitudes.pk]}, follow=True)
    assert respuesta.status_code == 200
    con_solicitudes.refresh_from_db()
    assert con_solicitudes.activo is False
    assert Tramite.objects.get(pk=sin_solicitudes.pk).activo is True
    entrada = _historial(con_solicitudes).get()
    assert (entrada.user_id, entrada.action_flag) == (usuario.pk, CHANGE)
    assert "activo" in entrada.change_message
    # Deactivated: it leaves the public catalog.
    assert cliente.get(con_solicitudes.get_absolute_url()).status_code == 404


def test_el_administrador_del_catalogo_no_ve_solicitudes(editor, ciudadano):
    _usuario, cliente = editor
    solicitud = presentar(ciudadano, INFORMACION)
    assert cliente.get("/admin/tramites/solicitud/").status_code == 403
    assert cliente.get(f"/admin/tramites/solicitud/{solicitud.pk}/change/").status_code in (403, 404)
