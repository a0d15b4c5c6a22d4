"""The entity reads, in the back office, the companies citizens file for (with
who represents each one) and every PIDE lookup: read only, for its own audit."""

from django.urls import reverse
from django.utils import timezone

from ciudadanos.models import ConsultaPide, Empresa, EstadoRepresentacion, Representacion
from tests.factories import PerfilFactory
from tests.fixtures import servidor_de


def _empresa_con_representantes():
    empresa = Empresa.objects.create(
        ruc="20600000013", razon_social="COMERCIAL LOS ANDES S.A.C.", estado="ACTIVO", condicion="HABIDO",
        domicilio_fiscal="AV. LOS ANDES 123", verificada_en=timezone.now(),
    )
    primera = PerfilFactory(nombres="Rosa Elena", apellido_paterno="Quispe").usuario
    segundo = PerfilFactory(nombres="Juan Carlos", apellido_paterno="Mamani").usuario
    Representacion.objects.create(
        empresa=empresa, usuario=primera, estado=EstadoRepresentacion.CONFIRMADA, confirmada_en=timezone.now()
    )
    Representacion.objects.create(empresa=empresa, usuario=segundo)
    return empresa, primera, segundo


def test_el_administrador_ve_la_empresa_y_sus_representantes_sin_poder_cambiarlos(db, admin_de):
    empresa, primera, segundo = _empresa_con_representantes()
    panel = admin_de(servidor_de(superusuario=True))

    lista = panel.get(reverse("admin:ciudadanos_empresa_changelist"), {"q": "andes"}).content.decode()
    assert "20600000013" in lista and "COMERCIAL LOS ANDES S.A.C." in lista

    ficha = panel.get(reverse("admin:ciudadanos_empresa_change", args=[empresa.pk]))
    texto = ficha.content.decode()
    assert primera.email in texto and segundo.email in texto
    assert "Confirmada" in texto and "Pendiente de confirmación" in texto
    assert 'name="_save"' not in texto  # nothing to save: read only

    respuesta = panel.post(
        reverse("admin:ciudadanos_empresa_change", args=[empresa.pk]), {"razon_social": "OTRA"}
    )
    assert respuesta.status_code == 403
    assert Empresa.objects.get(pk=empresa.pk).razon_social == "COMERCIAL LOS ANDES S.A.C."


def test_el_administrador_audita_las_consultas_a_pide_por_documento(db, admin_de):
    titular = PerfilFactory().usuario
    ConsultaPide.objects.create(
        servicio="reniec", documento="40000001", titular=titular, origen="automatico",
        motivo="Verificar tu identidad al presentar tu solicitud", referencia="solicitud:7", resultado="no_disponible",
    )
    ConsultaPide.objects.create(
        servicio="sunat", documento="20600000013", titular=titular, origen="ciudadano", solicitada_por=titular,
        motivo="Agregar una empresa que representas", resultado="encontrado",
    )
    panel = admin_de(servidor_de(superusuario=True))

    texto = panel.get(reverse("admin:ciudadanos_consultapide_changelist"), {"q": "40000001"}).content.decode()
    assert "Verificar tu identidad al presentar tu solicitud" in texto
    assert "Servicio no disponible" in texto
    assert "Agregar una empresa que representas" not in texto

    assert panel.get(reverse("admin:ciudadanos_consultapide_add")).status_code == 403


def test_un_servidor_sin_permiso_no_ve_empresas_ni_consultas(catalogo, admin_de):
    _empresa_con_representantes()
    panel = admin_de(servidor_de("SG", "jefe"))
    assert panel.get(reverse("admin:ciudadanos_empresa_changelist")).status_code == 403
    assert panel.get(reverse("admin:ciudadanos_consultapide_changelist")).status_code == 403
