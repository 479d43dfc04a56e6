"""The lock of authorized quarters for the MIR indicators' structure (DOMAIN.md §8).

An indicator's signed figures depend on its formula, frecuencia, sentido, semáforo ranges,
the unidad that reports it and its variables. Changing any of them — or adding or removing
an indicator or a variable — in a (programa, unidad) with an authorized quarter would make
the signed report disagree with the data, so these receivers refuse it (the admin, a script,
any screen). Values of locked periods are refused by the database triggers of avances 0006.
Services that checked everything themselves skip them with `escritura_verificada()`.
"""

from __future__ import annotations

from avances.bloqueo import TrimestreBloqueado, _verificado, trimestres_autorizados

CAMPOS_INDICADOR = ("formula", "frecuencia", "sentido", "verde_min", "verde_max",
                    "amarillo_min", "amarillo_max", "unidad_id", "programa_id")  # fmt: skip
CAMPOS_VARIABLE = ("simbolo", "comportamiento", "meta_id", "indicador_id")


def _firmados(programa_id, unidad_id) -> set[int]:
    if programa_id is None or unidad_id is None:
        return set()
    return trimestres_autorizados(programa_id=programa_id, unidad_id=unidad_id)


def _rechazar(clave: str, firmados: set[int], accion: str) -> None:
    trimestres = ", ".join(str(t) for t in sorted(firmados))
    raise TrimestreBloqueado(
        f"No se puede {accion} del indicador {clave}: el trimestre {trimestres} de su unidad "
        "está autorizado y su reporte firmado lo muestra. Solicite la reapertura.",
        meta_clave=clave,
    )


def guardia_indicador(sender, instance, **kwargs) -> None:
    if _verificado.get():
        return
    previo = None
    if instance.pk is not None:
        previo = sender.objects.filter(pk=instance.pk).values(*CAMPOS_INDICADOR).first()
    nuevos = _firmados(instance.programa_id, instance.unidad_id)
    if previo is None:
        if nuevos:
            _rechazar(instance.clave, nuevos, "agregar un indicador")
        return
    if all(previo[c] == getattr(instance, c) for c in CAMPOS_INDICADOR):
        return
    firmados = nuevos | _firmados(previo["programa_id"], previo["unidad_id"])
    if firmados:
        _rechazar(instance.clave, firmados, "cambiar el método de cálculo o los datos")


def guardia_borrar_indicador(sender, instance, **kwargs) -> None:
    if not _verificado.get() and (firmados := _firmados(instance.programa_id, instance.unidad_id)):
        _rechazar(instance.clave, firmados, "borrar")


def _de_indicador(indicador_id):
    from programas.models import Indicador

    return (
        Indicador.objects.filter(pk=indicador_id)
        .values("clave", "programa_id", "unidad_id")
        .first()
    )


def guardia_variable(sender, instance, **kwargs) -> None:
    if _verificado.get() or instance.indicador_id is None:
        return
    previo = None
    if instance.pk is not None:
        previo = sender.objects.filter(pk=instance.pk).values(*CAMPOS_VARIABLE).first()
    if previo is not None and all(previo[c] == getattr(instance, c) for c in CAMPOS_VARIABLE):
        return
    indicador = _de_indicador(instance.indicador_id)
    if indicador and (firmados := _firmados(indicador["programa_id"], indicador["unidad_id"])):
        accion = "agregar la variable" if previo is None else "cambiar la variable"
        _rechazar(indicador["clave"], firmados, f"{accion} {instance.simbolo}")


def guardia_borrar_variable(sender, instance, **kwargs) -> None:
    if _verificado.get():
        return
    indicador = _de_indicador(instance.indicador_id)
    if indicador and (firmados := _firmados(indicador["programa_id"], indicador["unidad_id"])):
        _rechazar(indicador["clave"], firmados, f"borrar la variable {instance.simbolo}")


def conectar() -> None:
    from django.db.models.signals import pre_delete, pre_save

    from programas.models import Indicador, Variable

    pre_save.connect(guardia_indicador, sender=Indicador, dispatch_uid="bloqueo_indicador")
    pre_delete.connect(guardia_borrar_indicador, sender=Indicador,
                       dispatch_uid="bloqueo_borrar_indicador")  # fmt: skip
    pre_save.connect(guardia_variable, sender=Variable, dispatch_uid="bloqueo_variable")
    pre_delete.connect(guardia_borrar_variable, sender=Variable,
                       dispatch_uid="bloqueo_borrar_variable")  # fmt: skip
