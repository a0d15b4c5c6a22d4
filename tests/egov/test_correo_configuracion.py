"""Which way email leaves, by configuration: SMTP (or files, in the embedded
default) unless EMAIL_PROVEEDOR names a provider, which then needs its key
and the webhook's secret, and receives its receipts at
/webhooks/correo/<proveedor>/tracking/. Settings are read at import, so each
case starts a process of its own."""

import json
import secrets

import pytest

from tests.egov.test_configuracion import PRODUCCION, _manage

CORREO_CONFIGURADO = (
    "import json; from django.conf import settings as s; from django.urls import reverse;"
    "print(json.dumps({'backend': s.EMAIL_BACKEND, 'anymail': getattr(s, 'ANYMAIL', None),"
    " 'webhook': reverse('correo_recibo', kwargs={'proveedor': 'postmark'})}))"
)


def correo_configurado(**entorno) -> dict:
    resultado = _manage("shell", "-v", "0", "-c", CORREO_CONFIGURADO, **entorno)
    assert resultado.returncode == 0, resultado.stderr
    return json.loads(resultado.stdout)


def produccion(**cambios) -> dict:
    return {**PRODUCCION, "DJANGO_SECRET_KEY": secrets.token_urlsafe(50), **cambios}


def test_sin_proveedor_el_correo_sale_por_smtp():
    configurado = correo_configurado(**produccion())
    assert configurado["backend"] == "django.core.mail.backends.smtp.EmailBackend"
    assert configurado["anymail"] is None


def test_sin_proveedor_ni_smtp_el_modo_embebido_escribe_archivos(tmp_path):
    configurado = correo_configurado(DJANGO_DEBUG="true", VAR_DIR=str(tmp_path))
    assert configurado["backend"] == "django.core.mail.backends.filebased.EmailBackend"
    assert configurado["anymail"] is None


def test_postmark_con_su_token_su_secreto_y_otra_url():
    configurado = correo_configurado(**produccion(
        EMAIL_PROVEEDOR="postmark", EMAIL_PROVEEDOR_CLAVE="token-del-servidor",
        EMAIL_WEBHOOK_SECRETO="postmark:secreto-largo", EMAIL_PROVEEDOR_URL="http://127.0.0.1:8092/",
    ))
    assert configurado["backend"] == "anymail.backends.postmark.EmailBackend"
    assert configurado["anymail"] == {
        "POSTMARK_SERVER_TOKEN": "token-del-servidor",
        "WEBHOOK_SECRET": "postmark:secreto-largo",
        "POSTMARK_API_URL": "http://127.0.0.1:8092/",
    }
    # The address to register at the provider, behind the portal's SITE_URL.
    assert configurado["webhook"] == "/webhooks/correo/postmark/tracking/"


@pytest.mark.parametrize("falta", ["EMAIL_PROVEEDOR_CLAVE", "EMAIL_WEBHOOK_SECRETO"])
def test_un_proveedor_sin_su_clave_o_sin_el_secreto_del_webhook_no_arranca(falta):
    entorno = produccion(
        EMAIL_PROVEEDOR="postmark", EMAIL_PROVEEDOR_CLAVE="token-del-servidor",
        EMAIL_WEBHOOK_SECRETO="postmark:secreto-largo",
    )
    del entorno[falta]
    resultado = _manage("check", **entorno)
    assert resultado.returncode != 0
    assert falta in resultado.stderr
