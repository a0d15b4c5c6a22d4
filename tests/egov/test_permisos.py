"""Servants editing a role read the permissions in Spanish, and no
permission of a model that no longer exists is offered."""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command

from egov.permisos import permisos_en_castellano
from tests.fixtures import servidor_de

pytestmark = pytest.mark.django_db


def test_los_permisos_estan_en_castellano():
    assert Permission.objects.count() > 60
    assert not Permission.objects.filter(name__startswith="Can ").exists()
    assert Permission.objects.get(codename="change_solicitud").name == "Puede cambiar solicitud"
    assert Permission.objects.get(codename="view_mensaje").name == "Puede ver mensaje saliente"


def test_una_migracion_nueva_no_devuelve_los_nombres_en_ingles():
    Permission.objects.filter(codename="add_tramite").update(name="Can add trámite")
    call_command("migrate", verbosity=0)
    assert Permission.objects.get(codename="add_tramite").name.startswith("Puede agregar")
    assert permisos_en_castellano() == 0  # nothing left to rename


def test_no_quedan_permisos_de_modelos_que_ya_no_existen():
    assert not ContentType.objects.filter(app_label="tramites", model="recordatorioenviado").exists()


def test_la_pagina_de_un_rol_muestra_los_permisos_en_castellano(admin_de, catalogo):
    from django.contrib.auth.models import Group

    operador = admin_de(servidor_de(superusuario=True))
    grupo = Group.objects.first()
    pagina = operador.get(f"/admin/auth/group/{grupo.pk}/change/").content.decode()
    assert "Puede ver solicitud" in pagina
    assert "Can add" not in pagina and "recordatorio enviado" not in pagina
