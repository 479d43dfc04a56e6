"""Planning forms: reprogramación, re-issue from a month and the year copy."""

from __future__ import annotations

from django import forms

from avances.forms import NumeroField
from programas.models import (
    ABREVIATURAS_MES,
    NOMBRES_MES,
    Ejercicio,
    LineaPMD,
    Meta,
    Presupuesto,
    Programa,
    Ramo,
    UnidadEjecutora,
)

MESES = [(m, NOMBRES_MES[m - 1]) for m in range(1, 13)]


class _MesesMixin:
    """Twelve es-MX number inputs `m1`…`m12`; months before `mes_desde` are not editable."""

    def _agregar_meses(self, iniciales: list, mes_desde: int) -> None:
        for mes in range(1, 13):
            campo = NumeroField(
                label=ABREVIATURAS_MES[mes - 1].capitalize(),
                required=mes >= mes_desde,
                initial=iniciales[mes - 1],
            )
            campo.widget.attrs.update({"inputmode": "decimal", "class": "mes", "size": 7})
            if mes < mes_desde:
                campo.disabled = True
            self.fields[f"m{mes}"] = campo

    def meses_nuevos(self, mes_desde: int) -> dict:
        return {mes: self.cleaned_data[f"m{mes}"] for mes in range(mes_desde, 13)}


class ReprogramacionForm(_MesesMixin, forms.Form):
    mes_desde = forms.TypedChoiceField(
        label="Reprogramar desde", choices=MESES, coerce=int,
        help_text="Los meses anteriores están cerrados y conservan su valor programado.",
    )  # fmt: skip
    meta_anual_nueva = NumeroField(label="Nueva meta anual")
    motivo = forms.CharField(
        label="Motivo (obligatorio)", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, programado: list, mes_desde: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mes_desde"].initial = mes_desde
        self._agregar_meses(programado, mes_desde)

    def clean_meta_anual_nueva(self):
        valor = self.cleaned_data["meta_anual_nueva"]
        if valor is None:
            raise forms.ValidationError("Escriba la nueva meta anual.")
        return valor


class ReexpedicionForm(forms.Form):
    mes_desde = forms.TypedChoiceField(
        label="Reexpedir desde", choices=MESES[1:], coerce=int, initial=4
    )
    motivo = forms.CharField(
        label="Motivo, uno para todas (obligatorio)", max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip


class CopiaEjercicioForm(forms.Form):
    origen = forms.ModelChoiceField(
        label="Ejercicio de origen", queryset=Ejercicio.objects.all(), empty_label=None
    )
    anio_destino = forms.IntegerField(
        label="Año del nuevo ejercicio", min_value=2000, max_value=2100
    )


class MetaForm(_MesesMixin, forms.ModelForm):
    """A meta and its twelve programmed months; a SUMA meta's months must add up."""

    meta_anual = NumeroField(label="Meta anual")

    class Meta:
        model = Meta
        fields = [
            "programa", "unidad", "clave", "grupo", "descripcion", "unidad_medida",
            "meta_anual", "mes_inicio", "tipo_acumulacion", "sentido", "nivel_mir", "lineas_pmd",
        ]  # fmt: skip
        widgets = {"descripcion": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, ejercicio, programado: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programa"].queryset = Programa.objects.filter(ramo__ejercicio=ejercicio)
        self.fields["unidad"].queryset = UnidadEjecutora.objects.filter(ramo__ejercicio=ejercicio)
        self.fields["lineas_pmd"].queryset = ejercicio.lineas_pmd.all()
        self.fields["lineas_pmd"].required = False
        self.fields["lineas_pmd"].label = "Líneas del PMD"
        self._agregar_meses(programado, 1)
        for mes in range(1, 13):
            self.fields[f"m{mes}"].required = False  # a blank month is 0

    def clean_meta_anual(self):
        valor = self.cleaned_data["meta_anual"]
        if valor is None:
            raise forms.ValidationError("Escriba la meta anual.")
        return valor

    def programados(self) -> list:
        from decimal import Decimal

        return [self.cleaned_data[f"m{m}"] or Decimal(0) for m in range(1, 13)]


class RamoForm(forms.ModelForm):
    class Meta:
        model = Ramo
        fields = ["clave", "nombre", "responsable_nombre", "responsable_cargo"]


class ProgramaForm(forms.ModelForm):
    class Meta:
        model = Programa
        fields = [
            "ramo", "clave", "nombre", "finalidad", "funcion", "subfuncion", "eje",
            "fin", "proposito", "responsable_nombre", "responsable_cargo",
        ]  # fmt: skip
        widgets = {
            "fin": forms.Textarea(attrs={"rows": 3}),
            "proposito": forms.Textarea(attrs={"rows": 3}),
        }


class UnidadForm(forms.ModelForm):
    class Meta:
        model = UnidadEjecutora
        fields = ["ramo", "clave", "nombre", "responsable_nombre", "responsable_cargo"]


class LineaPMDForm(forms.ModelForm):
    class Meta:
        model = LineaPMD
        fields = ["codigo", "nombre"]


PresupuestoFormSet = forms.inlineformset_factory(
    Programa,
    Presupuesto,
    fields=["capitulo", "descripcion", "autorizado", "modificado",
            "devengado_t1", "devengado_t2", "devengado_t3", "devengado_t4"],
    extra=2,
    can_delete=True,
)  # fmt: skip
