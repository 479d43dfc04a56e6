"""Forms of the capture screens: the grid (parsed strictly in es-MX), periods and assignments."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm

from avances.services import (
    MAX_OBSERVACIONES,
    CeldaCaptura,
    Clave,
    Conflicto,
    error_de_realizado,
    normalizar_observaciones,
)
from programas.models import Asignacion, Programa, Ramo, UnidadEjecutora
from programas.numeros import NumeroInvalido, formatear_numero, parse_numero

Rol = Asignacion.Rol


def parse_realizado(texto: str | None) -> Decimal | None:
    """Parse what the user typed into an R cell; blank = not captured. Raise ValidationError."""
    texto = (texto or "").strip()
    if not texto:
        return None
    if len(texto) > 40:
        raise forms.ValidationError("El valor es demasiado largo para ser un número.")
    try:
        valor = parse_numero(texto)
    except NumeroInvalido as exc:
        raise forms.ValidationError(getattr(exc, "mensaje", None) or str(exc)) from None
    error = error_de_realizado(valor)
    if error:
        raise forms.ValidationError(error)
    return valor


class NumeroField(forms.CharField):
    """A realized value typed in es-MX (`1,234.5` or `1234.5`); ambiguous `1,5` is refused."""

    def to_python(self, value):
        return parse_realizado(super().to_python(value))


def huella(realizado: Decimal | None, observaciones: str) -> str:
    """Fingerprint of a cell's stored content, to tell which cells the user actually changed."""
    canon = "" if realizado is None else format(realizado.normalize(), "f")
    datos = f"{canon}\x00{normalizar_observaciones(observaciones)}".encode()
    return hashlib.sha256(datos).hexdigest()[:16]


def ficha_version(version: int, realizado: Decimal | None, observaciones: str) -> str:
    """Hidden value posted with each cell: the version loaded and the fingerprint of its content."""
    return f"{version}.{huella(realizado, observaciones)}"


@dataclass
class CeldaEditable:
    """What the grid shows in one editable cell (bound to the posted data when there is any)."""

    meta_id: int
    mes: int
    texto_realizado: str
    observaciones: str
    ficha: str
    error: str = ""
    error_en_observaciones: bool = False  # the error is about the textarea, not the number
    conflicto: Conflicto | None = None

    @property
    def sufijo(self) -> str:
        return f"{self.meta_id}-{self.mes}"


class RejillaCapturaForm:
    """The capture grid as a plain POST form (works without JavaScript).

    Per editable cell it posts ``r-<meta>-<mes>`` (realizado as typed),
    ``o-<meta>-<mes>`` (observaciones) and ``v-<meta>-<mes>`` (version.fingerprint of what
    the page showed). Only cells whose content differs from what the page showed are sent
    to the service, so an untouched cell never conflicts with someone else's edit.
    """

    def __init__(self, celdas: list[dict], data=None):
        """`celdas`: dicts with meta_id, mes, realizado, observaciones, version (from the DB)."""
        self.data = data
        self.celdas: dict[Clave, CeldaEditable] = {}
        for c in celdas:
            self.celdas[(c["meta_id"], c["mes"])] = CeldaEditable(
                meta_id=c["meta_id"],
                mes=c["mes"],
                texto_realizado="" if c["realizado"] is None else formatear_numero(c["realizado"]),
                observaciones=c["observaciones"] or "",
                ficha=ficha_version(c["version"], c["realizado"], c["observaciones"] or ""),
            )
        self.cambios: list[CeldaCaptura] = []
        self.errores: dict[Clave, str] = {}
        self._validado = False

    @property
    def is_bound(self) -> bool:
        return self.data is not None

    def is_valid(self) -> bool:
        if not self.is_bound:
            return False
        if not self._validado:
            self._validar()
        return not self.errores

    def _validar(self) -> None:
        self._validado = True
        for celda in self.celdas.values():
            sufijo = celda.sufijo
            if f"r-{sufijo}" not in self.data and f"v-{sufijo}" not in self.data:
                continue  # not part of this submission (e.g. a row hidden by the user)
            texto = self.data.get(f"r-{sufijo}", "")
            observaciones = self.data.get(f"o-{sufijo}", "")
            ficha = self.data.get(f"v-{sufijo}", "")
            celda.texto_realizado = texto
            celda.observaciones = observaciones
            version, _, huella_cargada = ficha.partition(".")
            if not version.isdigit() or len(huella_cargada) != 16:
                self._error(celda, "La página está desactualizada: recárguela antes de guardar.")
                continue
            celda.ficha = ficha
            try:
                realizado = parse_realizado(texto)
            except forms.ValidationError as exc:
                self._error(celda, exc.messages[0])
                continue
            if len(normalizar_observaciones(observaciones)) > MAX_OBSERVACIONES:
                self._error(
                    celda,
                    f"Las observaciones admiten como máximo {MAX_OBSERVACIONES:,} caracteres "
                    f"(escribió {len(observaciones):,}).",
                )
                celda.error_en_observaciones = True
                continue
            if huella(realizado, observaciones) == huella_cargada:
                continue  # unchanged since the page was loaded
            self.cambios.append(
                CeldaCaptura(
                    meta_id=celda.meta_id,
                    mes=celda.mes,
                    realizado=realizado,
                    observaciones=observaciones,
                    version_esperada=int(version),
                )
            )

    def _error(self, celda: CeldaEditable, mensaje: str) -> None:
        celda.error = mensaje
        self.errores[(celda.meta_id, celda.mes)] = mensaje

    def aplicar_rechazo(self, errores: dict[Clave, str], conflictos: dict[Clave, Conflicto]):
        """Show the service's per-cell errors and conflicts; typed values stay as they are.

        A conflicting cell takes the other person's version, so saving again (after reading
        their value) deliberately replaces it.
        """
        for clave, mensaje in errores.items():
            if clave in self.celdas:
                self._error(self.celdas[clave], mensaje)
                self.celdas[clave].error_en_observaciones = mensaje.startswith("Las observaciones")
        for clave, conflicto in conflictos.items():
            celda = self.celdas.get(clave)
            if celda is None:
                continue
            celda.conflicto = conflicto
            celda.ficha = ficha_version(
                conflicto.version, conflicto.realizado, conflicto.observaciones
            )

    def numero_de_campos(self) -> int:
        """Fields this grid posts (DATA_UPLOAD_MAX_NUMBER_FIELDS must exceed it)."""
        return 3 * len(self.celdas) + 1


# --- Periodos -------------------------------------------------------------------------


class PeriodoForm(forms.Form):
    """Open or close capture of one month or of a whole quarter."""

    ACCIONES = [
        ("cerrar_mes", "Cerrar mes"),
        ("abrir_mes", "Abrir mes"),
        ("cerrar_trimestre", "Cerrar trimestre"),
        ("abrir_trimestre", "Abrir trimestre"),
    ]
    accion = forms.ChoiceField(choices=ACCIONES)
    mes = forms.IntegerField(min_value=1, max_value=12, required=False)
    trimestre = forms.IntegerField(min_value=1, max_value=4, required=False)

    def clean(self):
        datos = super().clean()
        accion = datos.get("accion", "")
        if accion.endswith("_mes") and not datos.get("mes"):
            raise forms.ValidationError("Indique el mes.")
        if accion.endswith("_trimestre") and not datos.get("trimestre"):
            raise forms.ValidationError("Indique el trimestre.")
        return datos

    def meses(self) -> list[int]:
        datos = self.cleaned_data
        if datos["accion"].endswith("_mes"):
            return [datos["mes"]]
        t = datos["trimestre"]
        return [3 * t - 2, 3 * t - 1, 3 * t]

    def abrir(self) -> bool:
        return self.cleaned_data["accion"].startswith("abrir")


class FechaLimiteForm(forms.Form):
    """Deadline of a quarter; blank returns to the default (10 business days after its end)."""

    trimestre = forms.IntegerField(min_value=1, max_value=4, widget=forms.HiddenInput)
    fecha = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )


# --- Usuarios y asignaciones ------------------------------------------------------------


class UsuarioNuevoForm(UserCreationForm):
    """Create a user with a password (validated by AUTH_PASSWORD_VALIDATORS)."""

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "first_name", "last_name", "email")
        labels = {
            "username": "Usuario",
            "first_name": "Nombre(s)",
            "last_name": "Apellidos",
            "email": "Correo electrónico",
        }


class AsignacionForm(forms.ModelForm):
    """Assign a user a role over a ramo, programa or unidad of one ejercicio."""

    class Meta:
        model = Asignacion
        fields = ("usuario", "rol", "ramo", "programa", "unidad", "cargo")
        labels = {"usuario": "Usuario", "rol": "Rol", "unidad": "Unidad ejecutora"}

    def __init__(self, *args, ejercicio=None, **kwargs):
        super().__init__(*args, **kwargs)
        usuarios = get_user_model().objects.filter(is_active=True).order_by("username")
        self.fields["usuario"].queryset = usuarios
        self.fields["usuario"].label_from_instance = lambda u: (
            f"{u.username} — {u.get_full_name()}" if u.get_full_name() else u.username
        )
        ramos = Ramo.objects.all()
        programas = Programa.objects.select_related("ramo")
        unidades = UnidadEjecutora.objects.select_related("ramo")
        if ejercicio is not None:
            ramos = ramos.filter(ejercicio=ejercicio)
            programas = programas.filter(ramo__ejercicio=ejercicio)
            unidades = unidades.filter(ramo__ejercicio=ejercicio)
        self.fields["ramo"].queryset = ramos
        self.fields["programa"].queryset = programas
        self.fields["unidad"].queryset = unidades
        self.fields["programa"].label_from_instance = lambda p: f"{p.ramo.clave}-{p}"
        self.fields["unidad"].label_from_instance = lambda u: f"{u.ramo.clave}-{u}"

    def clean(self):
        datos = super().clean()
        rol = datos.get("rol")
        objetos = {k: datos.get(k) for k in ("ramo", "programa", "unidad")}
        elegidos = [k for k, v in objetos.items() if v]
        requerido = {
            Rol.CAPTURISTA: "unidad",
            Rol.RESPONSABLE_UNIDAD: "unidad",
            Rol.RESPONSABLE_PROGRAMA: "programa",
            Rol.RESPONSABLE_RAMO: "ramo",
        }
        if rol == Rol.PLANEACION and elegidos:
            raise forms.ValidationError(
                "Planeación abarca todo el municipio: no elija ramo, programa ni unidad."
            )
        if rol in requerido and elegidos != [requerido[rol]]:
            etiqueta = {"unidad": "una unidad", "programa": "un programa", "ramo": "un ramo"}
            raise forms.ValidationError(
                f"El rol {Rol(rol).label} se asigna sobre {etiqueta[requerido[rol]]} "
                "(y solo sobre eso)."
            )
        if rol == Rol.CONSULTA and len(elegidos) != 1:
            raise forms.ValidationError(
                "Consulta se asigna sobre exactamente un ramo, un programa o una unidad."
            )
        usuario = datos.get("usuario")
        if usuario and rol and not self.errors:
            existe = Asignacion.objects.filter(usuario=usuario, rol=rol, **objetos).exists()
            if existe:
                raise forms.ValidationError("Esa asignación ya existe.")
        return datos
