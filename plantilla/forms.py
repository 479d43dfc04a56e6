"""Upload forms of the plantilla and the capture sheet: the file is vetted before it is kept."""

from django import forms

from plantilla.xlsx_seguro import ArchivoNoValido, leer_bytes, validar_xlsx


class _ArchivoXlsxForm(forms.Form):
    archivo = forms.FileField(
        label="Archivo .xlsx",
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument."
                             "spreadsheetml.sheet"}
        ),
    )  # fmt: skip

    def clean_archivo(self):
        archivo = self.cleaned_data["archivo"]
        try:
            datos = leer_bytes(archivo)
            filas = validar_xlsx(datos)
        except ArchivoNoValido as exc:
            raise forms.ValidationError(exc.mensaje) from None
        self.cleaned_data["datos"] = datos
        self.cleaned_data["filas"] = filas  # rows with real cells, all sheets
        return archivo


class SubirLibroForm(_ArchivoXlsxForm):
    ejercicio = forms.IntegerField(
        label="Ejercicio (año)", min_value=2000, max_value=2100,
        help_text="Si el ejercicio no existe, se crea al confirmar.",
    )  # fmt: skip


class SubirCapturaForm(_ArchivoXlsxForm):
    ejercicio = forms.TypedChoiceField(label="Ejercicio", coerce=int)

    def __init__(self, *args, anios: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ejercicio"].choices = [(a, str(a)) for a in anios]
        if anios:
            self.fields["ejercicio"].initial = anios[0]
