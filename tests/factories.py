"""factory_boy factories for the deep ejercicio → ramo → programa → unidad → meta graph."""

from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from avances.models import Avance
from programas.models import (
    Asignacion,
    Ejercicio,
    Meta,
    Programa,
    Programado,
    Ramo,
    UnidadEjecutora,
)


class EjercicioFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ejercicio
        django_get_or_create = ("anio",)

    anio = 2022


class RamoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ramo

    ejercicio = factory.SubFactory(EjercicioFactory)
    clave = factory.Sequence(lambda n: f"{n + 10:02d}")
    nombre = factory.Sequence(lambda n: f"Ramo de prueba {n}")
    responsable_nombre = "TITULAR DEL RAMO"
    responsable_cargo = "DIRECTOR"


class ProgramaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programa

    ramo = factory.SubFactory(RamoFactory)
    clave = factory.Sequence(lambda n: f"{n + 500}")
    nombre = factory.Sequence(lambda n: f"Programa {n}")
    finalidad = "2 DESARROLLO SOCIAL"
    funcion = "2 VIVIENDA Y SERVICIOS A LA COMUNIDAD"
    subfuncion = "2 DESARROLLO COMUNITARIO"
    eje = "2 BIENESTAR PARA TODOS"
    responsable_nombre = "RESPONSABLE DEL PROGRAMA"
    responsable_cargo = "SUBDIRECTOR"


class UnidadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UnidadEjecutora

    ramo = factory.SubFactory(RamoFactory)
    clave = factory.Sequence(lambda n: f"{n + 10100}")
    nombre = factory.Sequence(lambda n: f"Unidad {n}")
    responsable_nombre = "RESPONSABLE DE LA UNIDAD"
    responsable_cargo = "JEFE DE DEPARTAMENTO"


class MetaFactory(factory.django.DjangoModelFactory):
    """A SUMA meta of 12 per year, 1 programmed each month (pass `programado=[...]` to change)."""

    class Meta:
        model = Meta
        skip_postgeneration_save = True

    programa = factory.SubFactory(ProgramaFactory)
    unidad = factory.LazyAttribute(lambda o: UnidadFactory(ramo=o.programa.ramo))
    clave = factory.Sequence(lambda n: f"{n + 100}")
    descripcion = factory.Sequence(lambda n: f"Acción de prueba número {n}")
    unidad_medida = "Informe"
    meta_anual = Decimal("12")

    @factory.post_generation
    def programado(obj, create, extracted, **kwargs):
        if not create:
            return
        valores = extracted if extracted is not None else [1] * 12
        Programado.objects.bulk_create(
            Programado(meta=obj, mes=mes, valor=Decimal(str(v)))
            for mes, v in enumerate(valores, start=1)
        )


class AvanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Avance

    meta = factory.SubFactory(MetaFactory)
    mes = 1
    realizado = Decimal("1")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"usuario{n}")
    first_name = "Usuaria"
    last_name = factory.Sequence(lambda n: f"Prueba {n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", "clave-segura-123")

    @factory.post_generation
    def guardar(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def asignar(usuario, rol, objeto=None, cargo=""):
    """Give `usuario` the role `rol` over `objeto` (a Ramo, Programa or UnidadEjecutora)."""
    campos = {"ramo": None, "programa": None, "unidad": None}
    if isinstance(objeto, Ramo):
        campos["ramo"] = objeto
    elif isinstance(objeto, Programa):
        campos["programa"] = objeto
    elif isinstance(objeto, UnidadEjecutora):
        campos["unidad"] = objeto
    return Asignacion.objects.create(usuario=usuario, rol=rol, cargo=cargo, **campos)
