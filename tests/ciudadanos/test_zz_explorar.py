import re, time
import pytest
from tests import factories

@pytest.mark.django_db
def test_explorar(client, mailoutbox, al_confirmar):
    u = factories.UsuarioFactory()
    client.force_login(u)
    r = client.post("/cuenta/perfil/editar/", {"accion": "guardar"})
    print(r.status_code)
    c = r.content.decode()
    i = c.find("<main")
    print(c[i:i+9000])
