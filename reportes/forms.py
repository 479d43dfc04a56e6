"""The Reportes filters: what to export, validated; scope is checked by the views."""

from django import forms

from reportes.formatos import EXPORTADORES, FORMATOS_ARCHIVO


class FiltroReporteForm(forms.Form):
    reporte = forms.ChoiceField(
        label="Formato", choices=[(k, e.nombre) for k, e in EXPORTADORES.items()]
    )
    tipo = forms.ChoiceField(
        label="Archivo", choices=[(k, k.upper()) for k in FORMATOS_ARCHIVO], initial="pdf"
    )
    ejercicio = forms.IntegerField(label="Ejercicio", min_value=2000, max_value=2100)
    trimestre = forms.TypedChoiceField(
        label="Trimestre", coerce=int, choices=[(q, f"{q}º trimestre") for q in range(1, 5)]
    )
    ramo = forms.IntegerField(label="Ramo", required=False, min_value=1)
    programa = forms.IntegerField(label="Programa", required=False, min_value=1)
    unidad = forms.IntegerField(label="Unidad", required=False, min_value=1)

    def clean(self):
        datos = super().clean()
        exportador = EXPORTADORES.get(datos.get("reporte"))
        if exportador is not None and datos.get("tipo") not in exportador.formatos:
            tipos = " o ".join(t.upper() for t in exportador.formatos)
            self.add_error("tipo", f"«{exportador.nombre}» solo se genera en {tipos}.")
        return datos
