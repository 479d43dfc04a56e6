"""Forms of the MIR planning screens: objectives, indicators and their variables."""

from __future__ import annotations

import json

from django import forms

from planeacion.forms import NumeroField
from planeacion.mir_servicios import CAMPOS_INDICADOR, UMBRALES, VariableDatos
from programas import indicadores as calc
from programas.mir import TIPO_POR_NIVEL
from programas.models import (
    ABREVIATURAS_MES,
    Indicador,
    Meta,
    ObjetivoMIR,
    Programa,
    UnidadEjecutora,
    Variable,
)

PERIODOS_POR_FRECUENCIA = json.dumps({f.value: list(calc.periodos(f)) for f in calc.Frecuencia})


class ObjetivoForm(forms.ModelForm):
    class Meta:
        model = ObjetivoMIR
        fields = ["nivel", "clave", "componente", "resumen_narrativo", "medios_verificacion",
                  "supuestos"]  # fmt: skip
        widgets = {
            "resumen_narrativo": forms.Textarea(attrs={"rows": 3}),
            "medios_verificacion": forms.Textarea(attrs={"rows": 2}),
            "supuestos": forms.Textarea(attrs={"rows": 2}),
            "componente": forms.Select(attrs={"data-solo-actividad": "1"}),
        }
        help_texts = {"componente": "Solo para actividades: el componente al que pertenecen."}

    def __init__(self, *args, programa: Programa, **kwargs):
        super().__init__(*args, **kwargs)
        componentes = ObjetivoMIR.objects.filter(
            programa=programa, nivel=ObjetivoMIR.Nivel.COMPONENTE
        ).exclude(pk=self.instance.pk)
        self.fields["componente"].queryset = componentes
        self.fields["componente"].empty_label = "— elija el componente —"
        self.fields["clave"].required = False
        self.fields["clave"].help_text = "Si la deja vacía se asigna una libre (C1, C1.A1…)."

    def _post_clean(self):
        """No model validation here: the service validates the whole write (claves, ranges,
        constraints) with Spanish messages that name the objective or indicator."""

    def datos(self) -> dict:
        return {c: self.cleaned_data[c] for c in self.Meta.fields}


class SelectObjetivo(forms.Select):
    """The objective select; each option carries the indicator tipo its level implies."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        opcion = super().create_option(name, value, label, selected, index, subindex, attrs)
        instancia = getattr(value, "instance", None)
        if instancia is not None:
            opcion["attrs"]["data-tipo"] = TIPO_POR_NIVEL[instancia.nivel]
        return opcion


class IndicadorForm(forms.ModelForm):
    linea_base = NumeroField(label="Línea base", required=False)
    verde_min = NumeroField(label="Verde desde (%)", required=False)
    verde_max = NumeroField(label="Verde hasta (%)", required=False)
    amarillo_min = NumeroField(label="Amarillo desde (%)", required=False)
    amarillo_max = NumeroField(label="Amarillo hasta (%)", required=False)

    class Meta:
        model = Indicador
        fields = list(CAMPOS_INDICADOR)
        widgets = {
            "objetivo": SelectObjetivo,
            "definicion": forms.Textarea(attrs={"rows": 2}),
            "medios_verificacion": forms.Textarea(attrs={"rows": 2}),
            "formula": forms.TextInput(
                attrs={
                    "autocomplete": "off",
                    "spellcheck": "false",
                    "class": "formula",
                    "placeholder": "(A / B) * 100",
                    "aria-describedby": "formula-problemas",
                }
            ),  # fmt: skip
        }

    def __init__(self, *args, programa: Programa, **kwargs):
        super().__init__(*args, **kwargs)
        objetivos = ObjetivoMIR.objects.filter(programa=programa)
        self.fields["objetivo"].queryset = objetivos
        self.fields["objetivo"].label_from_instance = lambda o: (
            f"{o.get_nivel_display()} {o.clave}: {o.resumen_narrativo[:70]}"
        )
        self.fields["unidad"].queryset = UnidadEjecutora.objects.filter(ramo_id=programa.ramo_id)
        self.fields["unidad"].help_text = f"Solo unidades del ramo {programa.ramo.clave}."
        self.fields["tipo"].required = False
        self.fields["tipo"].help_text = "Estratégico en Fin y Propósito; de gestión en los demás."
        self.fields["frecuencia"].widget.attrs["data-periodos"] = PERIODOS_POR_FRECUENCIA
        self.fields[
            "formula"
        ].help_text = "Solo números, símbolos de variables y + - * / ( ). Ejemplo: (A / B) * 100."
        for campo in UMBRALES:
            self.fields[campo].help_text = ""
        self.fields["linea_base_anio"].label = "Año de la línea base"

    def _post_clean(self):
        """No model validation here: the service validates the whole write (claves, ranges,
        constraints) with Spanish messages that name the objective or indicator."""

    def datos(self) -> dict:
        return {c: self.cleaned_data.get(c) for c in CAMPOS_INDICADOR}

    def campos(self, nombres: str) -> list:
        return [self[c] for c in nombres.split()]

    def frecuencia_actual(self) -> str:
        valor = self["frecuencia"].value()
        return valor if valor in Indicador.Frecuencia.values else Indicador.Frecuencia.TRIMESTRAL


class VariableForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    simbolo = forms.CharField(
        label="Símbolo", max_length=20, widget=forms.TextInput(attrs={"class": "simbolo"})
    )
    nombre = forms.CharField(label="Nombre", max_length=300)
    unidad_medida = forms.CharField(label="Unidad de medida", max_length=100, required=False)
    comportamiento = forms.ChoiceField(
        label="Comportamiento", choices=Variable.Comportamiento.choices,
        initial=Variable.Comportamiento.ACUMULABLE,
        help_text="Acumulable: se suma en el año. Continua: se lee al cierre del periodo.",
    )  # fmt: skip
    fuente = forms.CharField(label="Fuente", max_length=300, required=False)
    meta = forms.ModelChoiceField(
        label="Meta vinculada", queryset=Meta.objects.none(), required=False,
        empty_label="— (sin meta: se programa aquí)",
        widget=forms.Select(attrs={"class": "meta-vinculada"}),
    )  # fmt: skip

    def __init__(self, *args, metas=None, **kwargs):
        super().__init__(*args, **kwargs)
        if metas is not None:
            self.fields["meta"].queryset = metas
        self.fields["meta"].label_from_instance = lambda m: (
            f"{m.unidad.clave} · {m.clave} {m.descripcion[:60]}"
        )
        for periodo in range(1, 13):
            campo = NumeroField(label=ABREVIATURAS_MES[periodo - 1].capitalize(), required=False)
            campo.widget.attrs.update({"data-periodo": str(periodo), "size": 7, "class": "periodo"})
            self.fields[f"p{periodo}"] = campo

    def periodos(self, frecuencia: str) -> list[dict]:
        """The twelve period inputs, with whether the frecuencia has that period."""
        validos = set(calc.periodos(frecuencia))
        return [{"campo": self[f"p{p}"], "numero": p, "aplica": p in validos} for p in range(1, 13)]

    def a_datos(self) -> VariableDatos:
        d = self.cleaned_data
        return VariableDatos(
            pk=d.get("id"), simbolo=d["simbolo"], nombre=d["nombre"],
            comportamiento=d["comportamiento"], unidad_medida=d.get("unidad_medida") or "",
            fuente=d.get("fuente") or "", meta=d.get("meta"),
            programados={p: d[f"p{p}"] for p in range(1, 13) if d.get(f"p{p}") is not None},
        )  # fmt: skip


class _VariablesBase(forms.BaseFormSet):
    def __init__(self, *args, metas=None, **kwargs):
        self.metas = metas
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "metas": self.metas}

    def variables(self) -> list[VariableDatos]:
        """The variables to keep: filled rows not marked to remove."""
        filas = []
        for form in self.forms:
            datos = getattr(form, "cleaned_data", None) or {}
            if datos.get("DELETE") or not form.has_changed() and not datos.get("id"):
                continue
            if datos:
                filas.append(form.a_datos())
        return filas


VariablesFormSet = forms.formset_factory(
    VariableForm, formset=_VariablesBase, extra=0, can_delete=True, max_num=30,
    validate_max=True,
)  # fmt: skip


def variables_iniciales(indicador: Indicador | None) -> list[dict]:
    """Initial rows of the variables formset for a stored indicator (programados included)."""
    if indicador is None or indicador.pk is None:
        return []
    filas = []
    for v in indicador.variables.prefetch_related("programados"):
        fila = {"id": v.pk, "simbolo": v.simbolo, "nombre": v.nombre, "fuente": v.fuente,
                "unidad_medida": v.unidad_medida, "comportamiento": v.comportamiento,
                "meta": v.meta_id}  # fmt: skip
        for p in v.programados.all():
            fila[f"p{p.periodo}"] = p.valor
        filas.append(fila)
    return filas


def metas_del_programa(programa: Programa):
    return (
        Meta.objects.filter(programa=programa)
        .select_related("unidad")
        .order_by("unidad__clave", "orden", "clave")
    )
