"""The portal behind nginx, as docker-compose.yml deploys it: a client cannot
choose the address the rate limits count, bodies over the proxy's limit never
reach gunicorn, and the stack lets nothing in except through the proxy.

The nginx tests run Debian's nginx with deploy/nginx/portal.conf.template
rendered the way the official image renders it, in front of a real gunicorn
with the production settings."""

import json
import re
import secrets
import ssl
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
import yaml
from django.conf import settings

from tests.fixtures import esperar
from tests.procesos import (
    HOST_PRUEBA,
    Gunicorn,
    Nginx,
    certificado_autofirmado,
    entorno_produccion,
    pedir,
    plantilla_renderizada,
    puerto_libre,
)
from tramites.certificados.views import VERIFICAR_POR_MINUTO

RAIZ = Path(__file__).resolve().parents[2]
COMPOSE = RAIZ / "docker-compose.yml"
PLANTILLA = RAIZ / "deploy" / "nginx" / "portal.conf.template"
ENV_EJEMPLO = RAIZ / ".env.example"
# Well formed, issued to nobody: the portal answers 404 until it throttles.
CODIGO_DESCONOCIDO = "ZZZZ-ZZZZ-ZZZZ-ZZZZ"


@dataclass
class Despliegue:
    gunicorn: Gunicorn
    nginx: Nginx
    puerto_http: int
    puerto_https: int
    tls: ssl.SSLContext

    def https(self, ruta, **opciones):
        return pedir(self.puerto_https, ruta, tls=self.tls, **opciones)

    def http(self, ruta, **opciones):
        return pedir(self.puerto_http, ruta, **opciones)


@pytest.fixture
def despliegue(tmp_path):
    """gunicorn trusting one proxy (TRUSTED_PROXY_COUNT=1, as in compose) and
    nginx in front of it with the repository's template."""
    entorno = entorno_produccion(tmp_path / "portal", TRUSTED_PROXY_COUNT=1)
    certificado, clave = certificado_autofirmado(tmp_path / "certs")
    tls = ssl.create_default_context(cafile=str(certificado))
    puerto_http, puerto_https = puerto_libre(), puerto_libre()
    try:
        with Gunicorn(tmp_path / "gunicorn", entorno) as gunicorn:
            configuracion = plantilla_renderizada(PLANTILLA.read_text(), {
                "PROXY_NOMBRE": HOST_PRUEBA,
                "PROXY_PORTAL": f"127.0.0.1:{gunicorn.puerto}",
                "PROXY_DNS": "127.0.0.1",
                "PROXY_ESCUCHA_HTTP": f"127.0.0.1:{puerto_http}",
                "PROXY_ESCUCHA_HTTPS": f"127.0.0.1:{puerto_https}",
                "PROXY_CERTIFICADO": str(certificado),
                "PROXY_CLAVE": str(clave),
            })
            with Nginx(tmp_path / "nginx", configuracion, puertos=[puerto_http, puerto_https]) as nginx:
                yield Despliegue(gunicorn, nginx, puerto_http, puerto_https, tls)
    finally:
        cliente = redis.Redis.from_url(entorno["REDIS_URL"])
        claves = list(cliente.scan_iter(match=f"{entorno['CACHE_KEY_PREFIX']}:*"))
        if claves:
            cliente.delete(*claves)


def _limite_del_proxy() -> int:
    """client_max_body_size of the template, in bytes."""
    cantidad, unidad = re.search(r"^client_max_body_size (\d+)([km]?);", PLANTILLA.read_text(), re.M).groups()
    return int(cantidad) * {"": 1, "k": 1024, "m": 1024 * 1024}[unidad]


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_los_limites_cuentan_la_direccion_que_vio_nginx_y_no_la_que_escribe_el_cliente(despliegue):
    # A different X-Forwarded-For on every request, as someone escaping the limit would send.
    falsas = ["203.0.113.{i}", "198.51.100.7, 203.0.113.{i}", "otra-maquina-{i}", "127.0.0.2"]
    estados = [
        despliegue.https(
            f"/verificar/{CODIGO_DESCONOCIDO}/",
            cabeceras={"X-Forwarded-For": falsas[i % len(falsas)].format(i=i)},
        ).status
        for i in range(VERIFICAR_POR_MINUTO + 1)
    ]
    assert estados[0] == 404, (estados, despliegue.gunicorn.log()[-3000:])
    assert estados[-1] == 429, (estados, despliegue.gunicorn.log()[-3000:])

    # Someone at another address is not throttled, even claiming the throttled one.
    otra = despliegue.https(
        f"/verificar/{CODIGO_DESCONOCIDO}/", origen="127.0.0.2", cabeceras={"X-Forwarded-For": "127.0.0.1"},
    )
    assert otra.status == 404


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_un_cuerpo_mayor_que_el_limite_del_proxy_no_llega_a_gunicorn(despliegue):
    limite = _limite_del_proxy()
    excesivo = despliegue.https(
        "/verificar/?envio=excesivo", metodo="POST",
        cabeceras={"Content-Type": "application/pdf", "Content-Length": str(limite + 1)},
    )
    assert excesivo.status == 413
    assert "Los archivos pesan demasiado" in excesivo.cuerpo.decode()

    # The whole attachment allowance of a request, with its multipart framing and
    # the form's token, passes the proxy.
    pagina = despliegue.https("/verificar/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', pagina.cuerpo.decode()).group(1)
    galletas = "; ".join(c.split(";", 1)[0] for c in pagina.headers.get_all("Set-Cookie") or [])
    frontera = secrets.token_hex(16)
    cuerpo = b"".join([
        f'--{frontera}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n{token}\r\n'.encode(),
        f'--{frontera}\r\nContent-Disposition: form-data; name="archivo"; filename="documentos.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n".encode(),
        b"%PDF-1.7\n" + b"0" * (settings.SOLICITUD_ADJUNTOS_MAX_BYTES - 9),
        f"\r\n--{frontera}--\r\n".encode(),
    ])
    despliegue.https(
        "/verificar/?envio=completo", metodo="POST", cuerpo=cuerpo, segundos=120,
        cabeceras={
            "Content-Type": f"multipart/form-data; boundary={frontera}",
            "Cookie": galletas, "Origin": f"https://{HOST_PRUEBA}",
        },
    )
    log = despliegue.gunicorn.log
    assert esperar(lambda: "/verificar/?envio=completo" in log(), 30), log()[-3000:]
    # gunicorn logs each request it answers, in order: the larger one never came.
    assert "envio=excesivo" not in log()


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_http_redirige_a_https_salvo_la_salud(despliegue):
    redirigida = despliegue.http("/verificar/?codigo=ABCD")
    assert redirigida.status == 301
    assert redirigida.getheader("Location") == f"https://{HOST_PRUEBA}/verificar/?codigo=ABCD"
    # server_tokens off: the version is not told.
    assert redirigida.getheader("Server") == "nginx"

    salud = despliegue.http("/salud/")
    assert salud.status == 200
    assert json.loads(salud.cuerpo)["estado"] == "ok"


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_sin_gunicorn_el_proxy_responde_503_en_castellano_con_retry_after(despliegue):
    assert despliegue.https("/").status == 200
    despliegue.gunicorn.detener()

    respuesta = despliegue.https("/")
    assert respuesta.status == 503
    assert respuesta.getheader("Retry-After") == "30"
    assert "no está disponible" in respuesta.cuerpo.decode()


# --- The compose stack and the example configuration ---------------------------------------------


def _compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def _env_ejemplo() -> dict[str, str]:
    valores = {}
    for linea in ENV_EJEMPLO.read_text().splitlines():
        if linea.strip() and not linea.lstrip().startswith("#"):
            nombre, _, valor = linea.partition("=")
            valores[nombre.strip()] = valor.strip()
    return valores


def test_compose_solo_publica_el_proxy_y_el_portal_confia_en_un_proxy():
    servicios = _compose()["services"]
    assert {nombre for nombre, s in servicios.items() if s.get("ports")} == {"proxy"}
    web = servicios["web"]
    assert "ports" not in web
    assert "8000" in [str(puerto) for puerto in web["expose"]]

    portal = {nombre for nombre, s in servicios.items() if s.get("image") == web["image"]}
    assert portal == {"migrate", "web", "worker", "beat"}
    for nombre in portal:
        assert str(servicios[nombre]["environment"]["TRUSTED_PROXY_COUNT"]) == "1", nombre

    proxy = servicios["proxy"]
    assert proxy["image"].startswith("nginx:")
    assert proxy["environment"]["PROXY_PORTAL"] == "web:8000"
    assert set(proxy["networks"]) & set(web["networks"])
    assert proxy["depends_on"]["web"]["condition"] == "service_healthy"


def test_compose_da_a_nginx_la_plantilla_que_prueban_estas_pruebas_con_todas_sus_variables():
    proxy = _compose()["services"]["proxy"]
    plantillas = [
        (COMPOSE.parent / origen).resolve()
        for origen, destino, *_ in (montaje.split(":") for montaje in proxy["volumes"])
        if destino.startswith("/etc/nginx/templates/")
    ]
    assert plantillas == [PLANTILLA]

    # envsubst renders only the variables of the container that pass the filter:
    # every one the template uses must have a value there.
    entorno = proxy["environment"]
    usadas = set(re.findall(r"\$\{(\w+)\}", PLANTILLA.read_text()))
    assert usadas
    assert usadas <= set(entorno)
    assert all(re.search(entorno["NGINX_ENVSUBST_FILTER"], nombre) for nombre in usadas)
    # nginx's own variables are not touched.
    assert not any(re.search(entorno["NGINX_ENVSUBST_FILTER"], nombre) for nombre in ("host", "portal"))


def test_env_example_copiado_tal_cual_no_confia_en_ningun_proxy():
    assert _env_ejemplo().get("TRUSTED_PROXY_COUNT", "0") == "0"


def test_env_example_copiado_tal_cual_da_a_compose_lo_que_exige():
    valores = _env_ejemplo()
    exigidas = set(re.findall(r"\$\{(\w+):\?", COMPOSE.read_text()))
    assert exigidas <= set(valores)
    # nginx serves the portal's public name.
    nombre = valores["PROXY_NOMBRE"]
    assert valores["SITE_URL"] == f"https://{nombre}"
    assert nombre in valores["DJANGO_ALLOWED_HOSTS"].split(",")
