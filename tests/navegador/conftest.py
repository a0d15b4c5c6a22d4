"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's
live_server (a thread in this same process, so the locmem outbox is shared).

Nothing is downloaded: Chromium is the system one (tests/conftest.py skips these
tests when it is missing, and fails under CI=true)."""

import os
import time

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests import factories
from tests.conftest import CHROMIUM
from tests.factories import CLAVE, UsuarioFactory
from tests.fixtures import DOMICILIO, esperar, pdf_simple, persona

TIEMPO_MAXIMO_MS = 10_000
expect.set_options(timeout=TIEMPO_MAXIMO_MS)

_axe = Axe()


@pytest.fixture(scope="session")
def playwright(playwright):
    """Playwright's sync API keeps an event loop running in the main thread from
    here to the end of the session, and Django refuses ORM calls from a thread
    with a running loop. The calls the tests make (factories, live server
    requests served in-process) are synchronous, so allow them, from the first
    browser test on rather than for the whole run."""
    anterior = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield playwright
    if anterior is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = anterior


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "locale": "es-PE",
        "timezone_id": "America/Lima",
    }


@pytest.fixture
def new_context(new_context):
    """pytest-playwright's factory, with short timeouts: a missing element fails
    the test in seconds instead of half a minute."""

    def crear(**kwargs):
        contexto = new_context(**kwargs)
        contexto.set_default_timeout(TIEMPO_MAXIMO_MS)
        contexto.set_default_navigation_timeout(TIEMPO_MAXIMO_MS)
        return contexto

    return crear


@pytest.fixture
def servidor(live_server):
    """Base URL of the live server, without the trailing slash."""
    return live_server.url.rstrip("/")


@pytest.fixture
def ciudadano_sin_perfil(transactional_db):
    """A citizen with a verified email and no profile yet."""
    return UsuarioFactory()


@pytest.fixture
def iniciar_sesion(servidor):
    """Logs in through the login form, as a person would (allauth then records a
    recent authentication, which the two-factor pages ask for)."""

    def entrar(page, email, clave=CLAVE):
        page.goto(f"{servidor}/cuenta/login/")
        page.locator("input[name=login]").fill(email)
        page.locator("input[name=password]").fill(clave)
        page.locator("main form button[type=submit]").first.click()
        expect(page.get_by_role("button", name="Cerrar sesión")).to_be_visible()

    return entrar


@pytest.fixture
def revisar_accesibilidad():
    """Runs axe-core on the page as it is now and fails with axe's report if it
    finds any violation."""

    def revisar(page, descripcion=""):
        resultados = _axe.run(page)
        assert resultados.violations_count == 0, (
            f"axe-core en {descripcion or page.url}:\n{resultados.generate_report()}"
        )

    return revisar


# --- Procedures: citizens with a profile, real files ------------------------------------------


@pytest.fixture
def ciudadano_con_perfil(transactional_db):
    """A citizen with a verified email and a complete profile in Miraflores
    (department 15, the entity's: district questions come prefilled)."""
    return persona(
        nombres="Rosa", apellido_paterno="Huamán", apellido_materno="Ccori",
        direccion="Jr. Junín 456", ubigeo="150122",
    )


@pytest.fixture
def archivo_pdf(tmp_path):
    """Writes a small valid PDF with this name and returns its path (for
    page.set_input_files)."""

    def escribir(nombre="recibo.pdf"):
        ruta = tmp_path / "subidas" / nombre
        ruta.parent.mkdir(exist_ok=True)
        ruta.write_bytes(pdf_simple())
        return ruta

    return escribir


def en_otro_hilo(funcion, *args, **kwargs):
    """Runs funcion in a thread of its own, as a request or a worker would.
    Playwright's event loop runs in the test's thread, and code that starts a
    loop of its own (pyHanko signs with asyncio.run) refuses to run under it."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    def envuelta():
        try:
            return funcion(*args, **kwargs)
        finally:
            connections.close_all()  # this thread's connections only

    with ThreadPoolExecutor(max_workers=1) as ejecutor:
        return ejecutor.submit(envuelta).result()


@pytest.fixture
def presentar_constancia(catalogo):
    """Files a complete "constancia de domicilio" for a citizen through the
    services, as the filing pages do; returns the filed request."""
    import datetime
    from decimal import Decimal

    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from tramites import services
    from tramites.archivos import archivo_revisar
    from tramites.models import Tramite

    def presentar(ciudadano, **kwargs):
        return en_otro_hilo(_presentar, ciudadano, **kwargs)

    def _presentar(ciudadano, tiempo_residencia="12", nombre_recibo="recibo-luz.pdf"):
        tramite = Tramite.objects.get(slug=DOMICILIO)
        solicitud = services.borrador_iniciar(ciudadano=ciudadano, tramite=tramite)
        services.borrador_responder(
            solicitud=solicitud,
            respuestas={
                "direccion": "Jr. Junín 456",
                "distrito": "150122",
                "tiempo_residencia": tiempo_residencia,
                "finalidad": "Trabajo",
            },
        )
        revisado = archivo_revisar(
            SimpleUploadedFile(nombre_recibo, pdf_simple()), max_bytes=settings.ADJUNTO_MAX_BYTES
        )
        services.adjunto_agregar(
            solicitud=solicitud, requerido=tramite.adjuntos_requeridos.get(), revisado=revisado,
            max_total=settings.SOLICITUD_ADJUNTOS_MAX_BYTES,
        )
        services.borrador_pago_registrar(
            solicitud=solicitud, canal="bn", numero="48213377",
            fecha=timezone.localdate() - datetime.timedelta(days=2), monto=Decimal("15.00"),
        )
        return services.solicitud_presentar(
            solicitud=solicitud, ciudadano=ciudadano, declaracion_jurada=True
        )

    return presentar


# --- The back office: a servant's login with the second factor, axe with every impact --------------

SECRETO_TOTP = factories.SECRETO_TOTP


def codigo_totp():
    """The current code. TOTP codes live in 30-second windows: in the last 3
    seconds of one, wait for the clock to enter the next window (at most 3
    seconds) so the code is still valid when the server checks it."""
    assert esperar(lambda: 30 - time.time() % 30 >= 3, segundos=4)
    return factories.codigo_totp()


def entrar_al_panel(page, servidor, email):
    """Logs a servant (TOTP activated with SECRETO_TOTP) into the admin."""
    page.goto(f"{servidor}/cuenta/login/?next=/admin/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(CLAVE)
    page.locator("main form button[type=submit]").first.click()
    # The password alone is not enough: allauth asks for the code.
    expect(page).to_have_url(f"{servidor}/cuenta/2fa/authenticate/")
    page.locator("input[name=code]").fill(codigo_totp())
    page.locator("main form button[type=submit]").first.click()
    expect(page).to_have_url(f"{servidor}/admin/")


def sin_violaciones_axe(page, descripcion):
    """No violation of any impact, listed with the offending nodes."""
    violaciones = _axe.run(page).response["violations"]
    assert not violaciones, f"axe-core en {descripcion}:\n" + "\n".join(
        f"{v['id']} ({v.get('impact')}): {v['help']} — "
        + "; ".join(n["html"] for n in v["nodes"][:5])
        for v in violaciones
    )


def decidir(page, decision, **campos):
    """Chooses one decision on the request page, fills its fields and goes on."""
    formulario = page.get_by_role("region", name="Decisión")
    formulario.get_by_role("radio", name=decision).check()
    for etiqueta, valor in campos.items():
        formulario.get_by_label(etiqueta).fill(valor)
    formulario.get_by_role("button", name="Continuar").click()
