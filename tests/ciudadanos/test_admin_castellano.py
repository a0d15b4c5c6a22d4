"""The back office speaks Spanish on the pages Django and allauth draw too:
yes/no columns read "Sí"/"No" (not an icon with "True" as its text), the
second factors' list and page have Spanish names, and a TOTP secret is
never shown."""

import pytest
from allauth.mfa.models import Authenticator

from tests import factories
from tests.fixtures import servidor_de

pytestmark = pytest.mark.django_db


def test_las_columnas_si_no_dicen_si_o_no(admin_de, catalogo):
    operador = admin_de(servidor_de(superusuario=True))
    for lista in ("/admin/ciudadanos/usuario/", "/admin/tramites/tramite/", "/admin/tramites/oficina/"):
        pagina = operador.get(lista).content.decode()
        assert 'alt="True"' not in pagina and 'alt="False"' not in pagina, lista
        assert ">Sí<" in pagina, lista


def test_el_segundo_factor_en_castellano_y_sin_su_secreto(admin_de, catalogo):
    operador = admin_de(servidor_de(superusuario=True))
    totp = Authenticator.objects.filter(type=Authenticator.Type.TOTP).first()
    lista = operador.get("/admin/mfa/authenticator/").content.decode()
    for ingles in ("created at", "last used at", "Created at", "Last used at"):
        assert ingles not in lista
    assert "creado el" in lista and "último uso" in lista
    pagina = operador.get(f"/admin/mfa/authenticator/{totp.pk}/change/").content.decode()
    assert "Creado el" in pagina or "creado el" in pagina
    assert factories.SECRETO_TOTP not in pagina and totp.data["secret"] not in pagina
    assert 'name="data"' not in pagina
