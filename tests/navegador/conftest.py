"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's
live_server (a thread in this same process, so the locmem outbox is shared).

Nothing is downloaded: Chromium is the system one (tests/conftest.py skips these
tests when it is missing, and fails under CI=true)."""

import os

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.conftest import CHROMIUM
from tests.factories import CLAVE, UsuarioFactory

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
def ciudadano(transactional_db):
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
