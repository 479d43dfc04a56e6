"""Demo data: the three seed workbooks through the real importer, plus one user per role.

Used by `manage.py cargar_demo` (make run) and the `poa_demo` test fixture. Passwords are
only ever set here, when a demo user is first created — never by migrations.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from avances.calendario import hoy
from plantilla.demo_mir import libro_mir
from plantilla.importacion import ImportacionInvalida, Plan, analizar_libro, aplicar_plan
from programas.models import Asignacion, Ejercicio, Programa, Ramo, UnidadEjecutora

ANIO_DEMO = 2022
CONTRASENA_DEMO = "Poa-2022-demo"
LIBROS_DEMO = ("oromapas_2022.xlsx", "bisom_2022.xlsx", "presidencia_2022.xlsx")
Rol = Asignacion.Rol


def carpeta_fixtures() -> Path:
    return Path(settings.BASE_DIR) / "fixtures"


def cargar_libros_demo(*, usuario=None) -> list[tuple[str, Plan]]:
    """Import the seed workbooks into ejercicio 2022 (one transaction for the three)."""
    resultados = []
    with transaction.atomic():
        for nombre in LIBROS_DEMO:
            plan = analizar_libro(carpeta_fixtures() / nombre, ejercicio=ANIO_DEMO)
            if plan.errores:
                raise ImportacionInvalida(plan.errores)
            aplicar_plan(plan, usuario=usuario)
            resultados.append((nombre, plan))
        plan = analizar_libro(io.BytesIO(libro_mir()), ejercicio=ANIO_DEMO)
        if plan.errores:
            raise ImportacionInvalida(plan.errores)
        aplicar_plan(plan, usuario=usuario)
        resultados.append(("mir (semillas 002–004)", plan))
    return resultados


@dataclass(frozen=True)
class UsuarioDemo:
    username: str
    nombre: str
    apellidos: str
    descripcion: str
    asignaciones: tuple  # (rol, nivel, ramo_clave, clave, cargo)
    administrador: bool = False


USUARIOS_DEMO = (
    UsuarioDemo("planeacion", "Dirección de", "Planeación", "Planeación: gestiona todo; admin",
                ((Rol.PLANEACION, None, None, None, "DIRECCIÓN DE PLANEACIÓN"),), True),
    UsuarioDemo("capturista", "Enlace", "BISOM", "Captura BISOM 54101 y 54102",
                ((Rol.CAPTURISTA, "unidad", "54", "54101", "ENLACE DE CAPTURA"),
                 (Rol.CAPTURISTA, "unidad", "54", "54102", "ENLACE DE CAPTURA"))),
    UsuarioDemo("elaboro", "YOLANDA", "LOZANO PÁEZ", "Elaboró: unidades 54101 y 54102",
                ((Rol.RESPONSABLE_UNIDAD, "unidad", "54", "54101",
                  "RESPONSABLE DE LA UNIDAD EJECUTORA"),
                 (Rol.RESPONSABLE_UNIDAD, "unidad", "54", "54102",
                  "RESPONSABLE DE LA UNIDAD EJECUTORA"))),
    UsuarioDemo("reviso", "DAVID", "MURILLO JIMÉNEZ", "Revisó: programa 511 (ramo 54)",
                ((Rol.RESPONSABLE_PROGRAMA, "programa", "54", "511",
                  "RESPONSABLE DEL PROGRAMA"),)),
    UsuarioDemo("autorizo", "JUAN GABRIEL", "HARO BELTRÁN", "Autorizó: ramo 54 (BISOM)",
                ((Rol.RESPONSABLE_RAMO, "ramo", "54", "54", "RESPONSABLE DEL RAMO"),)),
    UsuarioDemo("consulta", "Contraloría", "Municipal", "Consulta (solo lectura) del ramo 54",
                ((Rol.CONSULTA, "ramo", "54", "54", "CONTRALORÍA"),)),
    UsuarioDemo("oromapas", "Enlace", "OROMAPAS", "Captura todas las áreas de OROMAPAS",
                ((Rol.CAPTURISTA, "ramo-unidades", "OROMAPAS", None, "ENLACE DE CAPTURA"),)),
    UsuarioDemo("tesoreria", "Tesorería", "Municipal", "Planeación / Tesorería",
                ((Rol.PLANEACION, None, None, None, "TESORERÍA MUNICIPAL"),)),
)  # fmt: skip


def _objetivos(nivel, ramo_clave, clave, anio: int) -> list[dict]:
    """Asignacion target kwargs for one (nivel, ramo, clave) of ejercicio `anio`."""
    if nivel is None:
        return [{}]
    ramo = Ramo.objects.filter(ejercicio__anio=anio, clave=ramo_clave).first()
    if ramo is None:
        return []  # a current year whose structure is not the demo's: nothing to assign
    if nivel == "ramo":
        return [{"ramo": ramo}]
    if nivel == "programa":
        programa = Programa.objects.filter(ramo=ramo, clave=clave).first()
        return [{"programa": programa}] if programa else []
    if nivel == "unidad":
        unidad = UnidadEjecutora.objects.filter(ramo=ramo, clave=clave).first()
        return [{"unidad": unidad}] if unidad else []
    return [{"unidad": u} for u in UnidadEjecutora.objects.filter(ramo=ramo).order_by("clave")]


def crear_usuarios_demo() -> list[tuple[UsuarioDemo, bool]]:
    """Create the demo users and their Asignaciones if missing; return (user, created)."""
    User = get_user_model()
    resultado = []
    # Every demo ejercicio loaded: the 2022 seeds and, once created, the living year.
    anios = list(
        Ejercicio.objects.filter(anio__in={ANIO_DEMO, hoy().year}, ramos__isnull=False)
        .distinct()
        .order_by("anio")
        .values_list("anio", flat=True)
    )
    with transaction.atomic():
        for demo in USUARIOS_DEMO:
            usuario = User.objects.filter(username=demo.username).first()
            creado = usuario is None
            if creado:
                usuario = User(
                    username=demo.username,
                    first_name=demo.nombre,
                    last_name=demo.apellidos,
                    email=f"{demo.username}@poa.invalid",
                    is_staff=demo.administrador,
                    is_superuser=demo.administrador,
                )
                usuario.set_password(CONTRASENA_DEMO)
                usuario.save()
            for anio in anios:
                _asignar(usuario, demo, anio)
            resultado.append((demo, creado))
    return resultado


def asignar_usuarios_demo(anio: int) -> None:
    """Give the existing demo users the same Asignaciones in ejercicio `anio` (idempotent)."""
    usuarios = {u.username: u for u in get_user_model().objects.filter(
        username__in=[d.username for d in USUARIOS_DEMO]
    )}  # fmt: skip
    for demo in USUARIOS_DEMO:
        if demo.username in usuarios:
            _asignar(usuarios[demo.username], demo, anio)


def _asignar(usuario, demo: UsuarioDemo, anio: int) -> None:
    for rol, nivel, ramo_clave, clave, cargo in demo.asignaciones:
        for objetivo in _objetivos(nivel, ramo_clave, clave, anio):
            campos = {"ramo": None, "programa": None, "unidad": None, **objetivo}
            Asignacion.objects.get_or_create(
                usuario=usuario, rol=rol, **campos, defaults={"cargo": cargo}
            )
