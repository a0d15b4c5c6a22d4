"""The servant's journey in the Django admin, in a real browser: log in with a
TOTP code, filter "Vencen esta semana", take a request, observe it; the
citizen corrects it in another browser; the servant approves it; the citizen
sees the approval and who opened the file. axe-core runs on the changelist,
the change page, the denial's confirmation and the supervision page: no
violation of any impact. A decision is made with the keyboard alone (Tab,
Space, Enter), and the inbox fits 1280 px without horizontal scrolling."""

import datetime
import re

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import PerfilFactory, UsuarioFactory
from tests.navegador.conftest import SECRETO_TOTP, decidir, entrar_al_panel, sin_violaciones_axe
from tramites.models import Estado, Oficina, Solicitud
from tramites.roles import EVALUADOR, JEFE_DE_OFICINA

pytestmark = pytest.mark.navegador

SGPV = "Subgerencia de Participación Vecinal"
LISTA = "/admin/tramites/solicitud/"
SUPERVISION = "/admin/tramites/solicitud/supervision/"

def _sin_desplazamiento_horizontal(page):
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def _fecha_limite_de_esta_semana(hoy):
    """A due date the "Vencen esta semana" filter takes (today to Sunday): this
    week's Friday, or today on a weekend."""
    viernes = hoy + datetime.timedelta(days=4 - hoy.weekday())
    return viernes if viernes >= hoy else hoy


def _estado_en_admin(page):
    return page.locator(".expediente__datos dt:text-is('Estado') + dd")


def test_servidor_toma_observa_y_aprueba_y_el_ciudadano_lo_ve(
    new_context, servidor, presentar_constancia, ciudadano_con_perfil, iniciar_sesion,
    archivo_pdf,
):
    # The servant: head of the office that resolves the procedure, with TOTP.
    jefe = UsuarioFactory(is_staff=True)
    PerfilFactory(usuario=jefe, nombres="Julio", apellido_paterno="Zegarra")
    jefe.groups.add(Group.objects.get(name=JEFE_DE_OFICINA))
    Oficina.objects.get(sigla="SGPV").personal.add(jefe)
    TOTP.activate(jefe, SECRETO_TOTP)

    # Two requests: one due this week, one due later.
    hoy = timezone.localdate()
    urgente = presentar_constancia(ciudadano_con_perfil)
    otra = presentar_constancia(PerfilFactory(nombres="Wilmer", apellido_paterno="Condori").usuario)
    domingo = hoy + datetime.timedelta(days=6 - hoy.weekday())
    if not hoy <= urgente.fecha_limite <= domingo:
        Solicitud.objects.filter(pk=urgente.pk).update(fecha_limite=_fecha_limite_de_esta_semana(hoy))
    Solicitud.objects.filter(pk=otra.pk).update(fecha_limite=domingo + datetime.timedelta(days=8))
    expediente, otro_expediente = urgente.expediente, otra.expediente

    # --- The servant logs in with the code and filters the list.
    admin = new_context(viewport={"width": 1280, "height": 800}).new_page()
    entrar_al_panel(admin, servidor, jefe.email)
    admin.goto(f"{servidor}{LISTA}")
    resultados = admin.locator("#result_list")
    assert _sin_desplazamiento_horizontal(admin)
    expect(admin.locator("#changelist-filter")).to_contain_text("Mi bandeja")
    # By default: the open requests, both.
    expect(resultados.get_by_role("link", name=expediente)).to_be_visible()
    expect(resultados.get_by_role("link", name=otro_expediente)).to_be_visible()
    sin_violaciones_axe(admin, "lista de solicitudes")

    filtros = admin.locator("#changelist-filter")
    filtros.get_by_role("link", name="Vencen esta semana").click()
    expect(admin).to_have_url(re.compile(r"[?&]plazo=semana"))
    expect(resultados.get_by_role("link", name=expediente)).to_be_visible()
    expect(resultados.get_by_role("link", name=otro_expediente)).to_have_count(0)
    expect(resultados.locator("tbody tr")).to_have_count(1)
    expect(resultados).to_contain_text("Rosa Huamán Ccori")
    sin_violaciones_axe(admin, "lista filtrada: vencen esta semana")

    # --- Take it, then observe it.
    resultados.get_by_role("link", name=expediente).click()
    # (the admin keeps the filter, to go back to the same list)
    expect(admin).to_have_url(re.compile(rf"{LISTA}{urgente.pk}/change/\?_changelist_filters=plazo%3Dsemana$"))
    decision = admin.get_by_role("region", name="Decisión")
    expect(_estado_en_admin(admin)).to_have_text("Presentada")
    sin_violaciones_axe(admin, "página de la solicitud")
    # Continuing without a choice says so, in the admin's error style.
    decision.get_by_role("button", name="Continuar").click()
    expect(admin.locator(".messagelist .error")).to_have_text("Elige una decisión.")
    decidir(admin, "Tomar (asignármela)")
    expect(admin.locator(".messagelist")).to_contain_text(f"Tomaste el expediente {expediente}.")
    expect(_estado_en_admin(admin)).to_have_text("En evaluación")
    expect(decision.get_by_role("radio", name="Tomar (asignármela)")).to_have_count(0)

    mensaje = "El recibo adjunto no corresponde a la dirección declarada: sube el de Jr. Junín 456."
    decidir(admin, "Observar", **{"Qué debe subsanar el ciudadano": mensaje})
    expect(admin.locator(".messagelist")).to_contain_text(f"Observaste el expediente {expediente}")
    expect(_estado_en_admin(admin)).to_have_text("Observada")
    sin_violaciones_axe(admin, "página de la solicitud observada")

    # --- The citizen corrects it, in their own browser.
    ciudadano = new_context().new_page()
    iniciar_sesion(ciudadano, ciudadano_con_perfil.email)
    ciudadano.goto(f"{servidor}/mis-tramites/{expediente}/subsanar/")
    expect(ciudadano.locator(".recuadro-destacado")).to_contain_text(mensaje)
    ciudadano.get_by_label("Recibo de agua o luz").set_input_files(archivo_pdf("recibo-jr-junin.pdf"))
    ciudadano.get_by_role("button", name="Enviar subsanación").click()
    expect(ciudadano).to_have_url(f"{servidor}/mis-tramites/{expediente}/")
    expect(ciudadano.locator(".lista-resumen__fila", has_text="Estado").locator("dd")).to_have_text(
        "En evaluación"
    )

    # --- The servant sees the correction, marked in the list, and approves.
    admin.goto(f"{servidor}{LISTA}")
    expect(resultados.locator("tr", has_text=expediente)).to_contain_text("Subsanada el")
    sin_violaciones_axe(admin, "lista con una subsanada")
    resultados.get_by_role("link", name=expediente).click()
    expect(admin.locator(".expediente__subsanada")).to_contain_text("Subsanada el")
    expect(_estado_en_admin(admin)).to_have_text("En evaluación")
    expect(admin.locator(".expediente")).to_contain_text("recibo-jr-junin.pdf")
    expect(admin.locator(".expediente")).to_contain_text("(reemplazado)")
    decidir(admin, "Aprobar", **{"Nota para el ciudadano (opcional)": "Verificado en campo."})
    expect(admin.locator(".messagelist")).to_contain_text(f"Aprobaste el expediente {expediente}.")
    expect(_estado_en_admin(admin)).to_have_text("Aprobada")
    assert Solicitud.objects.get(pk=urgente.pk).estado == Estado.APROBADA

    # --- Supervision, from the changelist.
    admin.goto(f"{servidor}{LISTA}")
    admin.get_by_role("link", name="Supervisión").click()
    expect(admin).to_have_url(f"{servidor}{SUPERVISION}")
    expect(admin.locator("#content-main")).to_contain_text("Solicitudes por estado")
    fila = admin.locator("#content-main tr", has_text="Aprobada")
    expect(fila.locator("td").nth(1)).to_have_text("1")
    sin_violaciones_axe(admin, "supervisión")

    # --- The citizen sees the approval and who opened the file (office and
    # role, never the servant's identity).
    ciudadano.goto(f"{servidor}/mis-tramites/{expediente}/")
    expect(ciudadano.locator(".lista-resumen__fila", has_text="Estado").locator("dd")).to_have_text(
        "Aprobada"
    )
    principal = ciudadano.locator("main")
    expect(principal).to_contain_text("Verificado en campo.")
    expect(ciudadano.get_by_role("heading", name="Quién revisó mi expediente")).to_be_visible()
    accesos = ciudadano.get_by_role("table", name="Accesos del personal a tu expediente")
    filas = accesos.locator("tbody tr")
    expect(filas.first).to_be_visible()
    assert filas.count() >= 1
    for i in range(filas.count()):
        expect(filas.nth(i).locator("td").nth(1)).to_have_text(SGPV)
        expect(filas.nth(i).locator("td").nth(2)).to_have_text(JEFE_DE_OFICINA)
    expect(principal).not_to_contain_text(jefe.email)
    expect(principal).not_to_contain_text("Zegarra")



def _tab_hasta(page, selector, maximo=200):
    """Presses Tab until the focus is on an element matching selector. Once a
    document's preview (a lazy iframe) has loaded, Tab also walks through the
    PDF viewer's toolbar, a dozen stops or more per document: how many stops
    lie before the decision depends on when the previews load."""
    for _vez in range(maximo):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab no llega a {selector}")


def test_decidir_solo_con_teclado_y_denegar_con_confirmacion(
    new_context, servidor, presentar_constancia, ciudadano_con_perfil,
):
    evaluador = UsuarioFactory(is_staff=True)
    PerfilFactory(usuario=evaluador, nombres="Elsa", apellido_paterno="Mamani")
    evaluador.groups.add(Group.objects.get(name=EVALUADOR))
    Oficina.objects.get(sigla="SGPV").personal.add(evaluador)
    TOTP.activate(evaluador, SECRETO_TOTP)
    solicitud = presentar_constancia(ciudadano_con_perfil)
    otra = presentar_constancia(PerfilFactory(nombres="Wilmer", apellido_paterno="Condori").usuario)

    admin = new_context(viewport={"width": 1280, "height": 800}).new_page()
    entrar_al_panel(admin, servidor, evaluador.email)

    # --- Keyboard only: take it, then observe it (the first choice of each
    # state is where Tab enters the group of choices).
    admin.goto(f"{servidor}{LISTA}{solicitud.pk}/change/")
    _tab_hasta(admin, "input[name=decision]")
    expect(admin.locator("input[name=decision]:focus")).to_have_attribute("value", "tomar")
    admin.keyboard.press("Space")
    expect(admin.locator("#decision-tomar")).to_be_checked()
    _tab_hasta(admin, ".decision button[type=submit]")
    admin.keyboard.press("Enter")
    expect(admin.locator(".messagelist")).to_contain_text(f"Tomaste el expediente {solicitud.expediente}.")

    _tab_hasta(admin, "input[name=decision]")
    expect(admin.locator("input[name=decision]:focus")).to_have_attribute("value", "observar")
    admin.keyboard.press("Space")
    # The choice shows its fields (CSS :has); Tab reaches them only once they are there.
    expect(admin.locator("#decision-observar")).to_be_checked()
    expect(admin.get_by_label("Qué debe subsanar el ciudadano")).to_be_visible()
    _tab_hasta(admin, "#id_mensaje")
    expect(admin.get_by_label("Qué debe subsanar el ciudadano")).to_be_focused()
    admin.keyboard.type("Falta el recibo del mes.")
    _tab_hasta(admin, ".decision button[type=submit]")
    admin.keyboard.press("Enter")
    expect(admin.locator(".messagelist")).to_contain_text(f"Observaste el expediente {solicitud.expediente}")
    assert Solicitud.objects.get(pk=solicitud.pk).estado == Estado.OBSERVADA

    # --- Denying: a reason is required (a server message, not the browser's
    # tooltip), then a second page shows the resolution to confirm.
    admin.goto(f"{servidor}{LISTA}{otra.pk}/change/")
    decidir(admin, "Tomar (asignármela)")
    decidir(admin, "Denegar")
    expect(admin.locator(".messagelist .error")).to_have_text("Escribe el motivo de la denegatoria.")
    assert Solicitud.objects.get(pk=otra.pk).estado == Estado.EN_EVALUACION
    motivo = "El domicilio declarado no está en el distrito."
    decidir(admin, "Denegar", **{"Motivo de la denegatoria": motivo})
    expect(admin.get_by_role("heading", name=f"¿Denegar el expediente {otra.expediente}?")).to_be_visible()
    expect(admin.locator(".resolucion")).to_contain_text(motivo)
    assert Solicitud.objects.get(pk=otra.pk).estado == Estado.EN_EVALUACION
    sin_violaciones_axe(admin, "confirmación de la denegatoria")
    _tab_hasta(admin, "#content-main form button[type=submit]")
    expect(admin.locator("button:focus")).to_have_text("Sí, denegar")
    admin.keyboard.press("Enter")
    expect(admin.locator(".messagelist")).to_contain_text(f"Denegaste el expediente {otra.expediente}.")
    expect(_estado_en_admin(admin)).to_have_text("Denegada")
    sin_violaciones_axe(admin, "página de la solicitud denegada")
