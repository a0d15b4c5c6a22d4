"""What every model admin of the portal shares (the admin site itself, which
decides who enters, is ciudadanos/panel.py)."""

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import Http404, HttpResponseRedirect
from django.utils.translation import gettext as _


class FiltroCerrado(admin.SimpleListFilter):
    """A list filter that accepts only its own lookup values. Anything else
    (a typo, a number too big for the column, a hand-made URL) gets the
    admin's answer to a wrong filter, back to the list with ?e=1: never a
    query the database refuses."""

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        valor = self.used_parameters.get(self.parameter_name)
        if valor is not None and valor not in {str(v) for v, _titulo in self.lookup_choices}:
            raise IncorrectLookupParameters(f"{self.parameter_name}={valor!r}")


class PanelAdminMixin:
    """What every model admin of the portal shares.

    * Its queryset is the servant's scope, and an object outside it, or an id
      the column cannot hold (letters, a number past its range), is "not
      found" (404), as everywhere else in the portal, instead of the admin's
      redirect to its index.
    * A list asked for with a query string the database cannot take (a NUL
      character, a year too big for a date) answers as the admin answers any
      wrong filter: back to the list with ?e=1, never a server error."""

    def consulta_del_objeto(self, request):
        """The queryset an object page is read from (its scope, and what the
        page needs prefetched)."""
        return self.get_queryset(request)

    def get_object(self, request, object_id, from_field=None):
        consulta = self.consulta_del_objeto(request)
        campo = consulta.model._meta.pk if from_field is None else consulta.model._meta.get_field(from_field)
        try:
            valor = campo.to_python(object_id)
            campo.run_validators(valor)
        except (ValidationError, ValueError, TypeError):
            raise Http404 from None
        objeto = consulta.filter(**{campo.name: valor}).first()
        if objeto is None:
            raise Http404
        return objeto

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except IntegrityError:
            # Another change got there first, or a hand-made form counted its
            # rows wrong: nothing was saved (the admin saves in a transaction).
            messages.error(request, _(
                "No se guardó: lo enviado choca con datos ya guardados (por ejemplo, dos preguntas con "
                "el mismo nombre interno, o alguien guardó este registro al mismo tiempo). Revisa los "
                "datos y vuelve a intentarlo."
            ))
            return HttpResponseRedirect(request.get_full_path())

    def get_changelist_instance(self, request):
        if any("\x00" in valor for _clave, valores in request.GET.lists() for valor in valores):
            raise IncorrectLookupParameters("NUL")
        try:
            return super().get_changelist_instance(request)
        except OverflowError as error:  # the date hierarchy's datetime(year, …)
            raise IncorrectLookupParameters(error) from error


class PanelModelAdmin(PanelAdminMixin, admin.ModelAdmin):
    pass


class SoloLecturaAdmin(PanelModelAdmin):
    """A record the admin shows and never edits, adds or deletes: its
    changes go through services (actions, buttons), if at all."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
