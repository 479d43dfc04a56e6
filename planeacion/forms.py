"""Planning forms: metas with their months, catalogs, reprogramación, re-issue and year copy."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.db import connection

from programas import mir
from programas.models import (
    ABREVIATURAS_MES,
    NOMBRES_MES,
    Ejercicio,
    LineaPMD,
    Meta,
    Programa,
    Ramo,
    UnidadEjecutora,
)
from programas.numeros import NumeroInvalido, formatear_numero, parse_numero

MESES = [(m, NOMBRES_MES[m - 1]) for m in range(1, 13)]
MAXIMO = Decimal("9999999999999999.99")  # DECIMAL(18, 2)
# SQLite keeps DECIMAL columns as 64-bit floats (and Django reads them back with 15
# significant digits): a longer figure would be rounded silently, so it is refused there.
CIFRAS_SQLITE = 15


def parse_cifra(texto: str | None) -> Decimal | None:
    """Read a planned figure typed in es-MX (blank → None); refuse negatives and overflow."""
    texto = (texto or "").strip()
    if not texto:
        return None
    if len(texto) > 40:
        raise forms.ValidationError("El valor es demasiado largo para ser un número.")
    try:
        valor = parse_numero(texto)
    except NumeroInvalido as exc:
        raise forms.ValidationError(str(exc)) from None
    if valor < 0:
        raise forms.ValidationError(f"«{texto}»: no se permiten valores negativos.")
    if valor > MAXIMO:
        raise forms.ValidationError(
            f"«{texto}» es demasiado grande (máximo {formatear_numero(MAXIMO)})."
        )
    if connection.vendor == "sqlite" and len(valor.normalize().as_tuple().digits) > CIFRAS_SQLITE:
        raise forms.ValidationError(
            f"«{texto}» tiene más de {CIFRAS_SQLITE} cifras significativas: esta instalación "
            "(SQLite) no puede guardarlo sin redondear. Use PostgreSQL para cifras mayores."
        )
    return valor


class NumeroField(forms.CharField):
    """A planned figure in es-MX (`1,234.5` or `1234.5`); an ambiguous `1,5` is refused."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")

    def to_python(self, value):
        return parse_cifra(super().to_python(value))

    def prepare_value(self, value):
        # Stored Decimals are shown as the user types them (1,200.5), never as "1200.50".
        return formatear_numero(value) if isinstance(value, Decimal) else value


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


class SelectConRamo(forms.Select):
    """A programa / unidad select whose options carry `data-ramo`, so the page can show only
    the unidades of the chosen programa's ramo (static/js/planeacion.js; no inline script)."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        opcion = super().create_option(name, value, label, selected, index, subindex, attrs)
        instancia = getattr(value, "instance", None)
        if instancia is not None:
            opcion["attrs"]["data-ramo"] = str(instancia.ramo_id)
        return opcion


class MetaForm(_MesesMixin, forms.ModelForm):
    """A meta and its twelve programmed months; a SUMA meta's months must add up."""

    meta_anual = NumeroField(label="Meta anual")

    class Meta:
        model = Meta
        fields = [
            "programa", "unidad", "clave", "grupo", "descripcion", "unidad_medida",
            "meta_anual", "mes_inicio", "tipo_acumulacion", "sentido", "nivel_mir", "lineas_pmd",
        ]  # fmt: skip
        widgets = {
            "descripcion": forms.Textarea(attrs={"rows": 3}),
            "programa": SelectConRamo,
            "unidad": SelectConRamo(attrs={"data-sigue-programa": "id_programa"}),
        }

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


AYUDA_RESPONSABLE = {
    "responsable_nombre": "La persona que ocupa el puesto hoy (la de su mes «desde» más reciente). "
    "Quién firmó trimestres anteriores y desde qué mes se registra en Planeación › Responsables.",
}


class RamoForm(forms.ModelForm):
    class Meta:
        model = Ramo
        fields = ["clave", "nombre", "responsable_nombre", "responsable_cargo"]
        help_texts = AYUDA_RESPONSABLE


class ProgramaForm(forms.ModelForm):
    """A programa; FIN and PROPÓSITO are its MIR's first two objectives (programas.mir)."""

    fin = forms.CharField(
        label="FIN (MIR)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    proposito = forms.CharField(
        label="PROPÓSITO (MIR)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    class Meta:
        model = Programa
        fields = [
            "ramo", "clave", "nombre", "finalidad", "funcion", "subfuncion", "eje",
            "responsable_nombre", "responsable_cargo",
        ]  # fmt: skip
        help_texts = AYUDA_RESPONSABLE

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            textos = mir.fin_y_proposito([self.instance.pk])[self.instance.pk]
            self.fields["fin"].initial = textos["fin"]
            self.fields["proposito"].initial = textos["proposito"]
        # The MIR texts go right after the classification, as the form always showed them.
        orden = [*self.Meta.fields[:7], "fin", "proposito", *self.Meta.fields[7:]]
        self.order_fields(orden)


class UnidadForm(forms.ModelForm):
    class Meta:
        model = UnidadEjecutora
        fields = ["ramo", "clave", "nombre", "responsable_nombre", "responsable_cargo"]
        help_texts = AYUDA_RESPONSABLE


class LineaPMDForm(forms.ModelForm):
    class Meta:
        model = LineaPMD
        fields = ["codigo", "nombre"]


class PresupuestoForm(forms.Form):
    """One capítulo of a programa's budget; amounts in es-MX."""

    capitulo = forms.CharField(label="Capítulo", max_length=10, required=False)
    descripcion = forms.CharField(label="Descripción", max_length=200, required=False)
    autorizado = NumeroField(label="Autorizado", required=False)
    modificado = NumeroField(label="Modificado", required=False)
    devengado_t1 = NumeroField(label="Dev. T1", required=False)
    devengado_t2 = NumeroField(label="Dev. T2", required=False)
    devengado_t3 = NumeroField(label="Dev. T3", required=False)
    devengado_t4 = NumeroField(label="Dev. T4", required=False)

    def clean(self):
        datos = super().clean()
        vacia = not any(v not in (None, "") for k, v in datos.items() if k != "DELETE")
        if not vacia and not datos.get("capitulo"):
            self.add_error("capitulo", "Escriba el capítulo (10000, 20000…).")
        return datos


class _PresupuestoBase(forms.BaseFormSet):
    def renglones(self) -> list[dict]:
        """The budget rows to keep: filled and not marked to remove."""
        filas = []
        for form in self.forms:
            datos = getattr(form, "cleaned_data", None) or {}
            if datos.get("DELETE") or not datos.get("capitulo"):
                continue
            filas.append({k: v for k, v in datos.items() if k != "DELETE"})
        return filas


PresupuestoFormSet = forms.formset_factory(
    PresupuestoForm, formset=_PresupuestoBase, extra=2, can_delete=True
)


def presupuesto_inicial(programa: Programa | None) -> list[dict]:
    """Initial rows of the budget formset, amounts already formatted in es-MX."""
    if programa is None or programa.pk is None:
        return []
    campos = ["autorizado", "modificado", *(f"devengado_t{t}" for t in range(1, 5))]
    filas = []
    for renglon in programa.presupuesto.all():
        fila = {"capitulo": renglon.capitulo, "descripcion": renglon.descripcion}
        for campo in campos:
            valor = getattr(renglon, campo)
            fila[campo] = "" if valor is None else formatear_numero(valor)
        filas.append(fila)
    return filas
