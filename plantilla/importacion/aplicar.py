"""Applying a plan: every write in one transaction, with simple-history rows for tracked models."""

from __future__ import annotations

from collections import defaultdict

from django.db import connection, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from avances.models import Avance
from plantilla.importacion.cronograma import aplicar_cronograma
from plantilla.importacion.existente import Existente
from plantilla.importacion.mir_aplicar import AplicadorMir
from plantilla.importacion.planear import Operaciones, _mostrar
from plantilla.importacion.resultado import ErrorImportacion, ImportacionInvalida, Plan
from programas import responsables
from programas.models import (
    Ejercicio,
    LineaPMD,
    Meta,
    Presupuesto,
    Programa,
    Programado,
    Ramo,
    Reprogramacion,
    UnidadEjecutora,
)

RAZON_HISTORIA = "Importación de plantilla XLSX"
LOTE = 2000


def aplicar_plan(plan: Plan, *, usuario=None, progreso=None) -> Plan:
    """Write a valid plan in one transaction (ImportacionInvalida if it has errors).

    `progreso(hechas, total)`: called as metas and avances are written (background jobs); it
    runs inside the transaction, so it must not write to the database.
    """
    if plan.errores:
        raise ImportacionInvalida(plan.errores)
    if plan._operaciones is None:
        raise ValueError("El plan no viene de analizar_libro().")
    ops, existente = plan._operaciones
    with transaction.atomic():
        _exigir_bloqueos_sin_cambio(existente)
        from avances.bloqueo import escritura_verificada

        # Every locked month was checked by analizar_libro and re-checked (locked) above.
        with escritura_verificada():
            _Aplicador(plan, ops, existente, usuario, progreso).ejecutar()
    plan._operaciones = None  # a plan is applied once
    return plan


def _exigir_bloqueos_sin_cambio(existente: Existente) -> None:
    """Refuse to apply if a quarter was authorized after the preview (rows locked meanwhile)."""
    from avances.bloqueo import mapa_autorizados

    ahora = mapa_autorizados(existente.autorizados, bloquear=True)
    nuevos = [par for par, trimestres in ahora.items() if trimestres - existente.autorizados[par]]
    if nuevos:
        raise ImportacionInvalida(
            [
                ErrorImportacion(
                    "libro", None, "",
                    f"{len(nuevos)} reporte(s) se autorizaron después de la vista previa; no se "
                    "escribió nada. Vuelva a cargar el archivo para revisarlo.",
                )
            ]
        )  # fmt: skip


class _Aplicador:
    def __init__(self, plan: Plan, ops: Operaciones, existente: Existente, usuario, progreso=None):
        self.plan, self.ops, self.existente = plan, ops, existente
        self.usuario = usuario if getattr(usuario, "is_authenticated", False) else None
        self.progreso = progreso
        self.hechas = 0
        self.total = len(ops.metas_nuevas) + len(ops.metas_cambiadas) + len(
            ops.avances_nuevos
        ) + len(ops.avances_cambiados)  # fmt: skip

    def _avanzar(self, n: int) -> None:
        self.hechas += n
        if self.progreso is not None and n:
            self.progreso(min(self.hechas, self.total), self.total)

    def _guardar(self, obj, campos: list[str] | None = None) -> None:
        """Save a (possibly tracked) object so simple-history records who and why."""
        obj._history_user = self.usuario
        obj._change_reason = RAZON_HISTORIA
        obj.save(update_fields=campos)

    def _crear_con_historia(self, objetos: list, modelo) -> list:
        """Bulk-create new rows of a tracked model and their '+' history rows."""
        if not objetos:
            return []
        if not connection.features.can_return_rows_from_bulk_insert:  # old SQLite
            return bulk_create_with_history(
                objetos, modelo, batch_size=LOTE, default_user=self.usuario,
                default_change_reason=RAZON_HISTORIA,
            )  # fmt: skip
        creados = modelo.objects.bulk_create(objetos, batch_size=LOTE)
        insertar_historia_nueva(creados, modelo, usuario=self.usuario, razon=RAZON_HISTORIA)
        return creados

    def ejecutar(self) -> None:
        ops, existente = self.ops, self.existente
        if ops.crear_ejercicio:
            existente.ejercicio, _ = Ejercicio.objects.get_or_create(anio=self.plan.anio)
        ejercicio = existente.ejercicio
        # Structure (untracked models): plain bulk creation is fine.
        for clave, obj in zip(
            ops.ramos_nuevos,
            Ramo.objects.bulk_create(
                Ramo(ejercicio=ejercicio, clave=c, **campos)
                for c, campos in ops.ramos_nuevos.items()
            ),
            strict=True,
        ):
            existente.ramos[clave] = obj
        for obj, cambios in ops.ramos_cambiados:
            for nombre, valor in cambios.items():
                setattr(obj, nombre, valor)
            obj.save(update_fields=list(cambios))
        for modelo, nuevos, cambiados, destino in (
            (Programa, ops.programas_nuevos, ops.programas_cambiados, existente.programas),
            (UnidadEjecutora, ops.unidades_nuevas, ops.unidades_cambiadas, existente.unidades),
        ):
            creados = modelo.objects.bulk_create(
                modelo(ramo=existente.ramos[ramo], clave=clave, **campos)
                for (ramo, clave), campos in nuevos.items()
            )
            for llave, obj in zip(nuevos, creados, strict=True):
                destino[llave] = obj
            for obj, cambios in cambiados:
                for nombre, valor in cambios.items():
                    setattr(obj, nombre, valor)
                obj.save(update_fields=list(cambios))
        lineas_nuevas = LineaPMD.objects.bulk_create(
            LineaPMD(ejercicio=ejercicio, codigo=c, nombre=n) for c, n in ops.lineas_nuevas.items()
        )
        for obj in lineas_nuevas:
            existente.lineas[obj.codigo] = obj
        for obj, nombre in ops.lineas_cambiadas:
            obj.nombre = nombre
            obj.save(update_fields=["nombre"])
        self._vigencias()
        # The lock triggers (avances 0004_bloqueo_en_la_base) judge a meta's new vigencia by
        # the reprogramaciones stored when it is written: new and changed ones go first,
        # removed ones after, as the preview judged them (avances.bloqueo).
        guardadas = set(self.existente.metas)
        self._reprogramaciones(antes_de_las_metas=True, guardadas=guardadas)
        self._metas()
        self._reprogramaciones(antes_de_las_metas=False, guardadas=guardadas)
        self._avances()
        self._presupuesto()
        if ops.mir is not None:
            AplicadorMir(ops.mir, existente, self.usuario).ejecutar()
        if ops.cronograma is not None:
            aplicar_cronograma(ops.cronograma, existente)

    def _vigencias(self) -> None:
        """Replace the responsables' periods of the posts the sheet lists with `desde`."""
        tablas = {"ramo": self.existente.ramos, "programa": self.existente.programas,
                  "unidad": self.existente.unidades}  # fmt: skip
        for nivel, llave, lista in self.ops.vigencias:
            responsables.guardar_periodos(tablas[nivel][llave], lista)

    def _metas(self) -> None:
        ops, existente = self.ops, self.existente
        # New metas go in batches (with their programados and lineas) to report progress.
        for inicio in range(0, len(ops.metas_nuevas), LOTE):
            self._metas_nuevas(ops.metas_nuevas[inicio : inicio + LOTE])
        for i, (meta, deseada, cambios) in enumerate(ops.metas_cambiadas, start=1):
            for nombre, valor in cambios.items():
                if nombre == "programa":
                    valor = existente.programas[(deseada.ramo, valor)]
                setattr(meta, nombre, valor)
            self._guardar(meta)
            if i % 200 == 0:
                self._avanzar(200)
        self._avanzar(len(ops.metas_cambiadas) % 200)
        for meta, codigos in ops.lineas_de_meta:
            meta.lineas_pmd.set([existente.lineas[c] for c in codigos])
        self._crear_con_historia(
            [Programado(meta=m, mes=mes, valor=v) for m, mes, v in ops.programados_nuevos],
            Programado,
        )
        for programado, valor in ops.programados_cambiados:
            programado.valor = valor
            self._guardar(programado)

    def _metas_nuevas(self, lote: list) -> None:
        existente = self.existente
        nuevas = [
            Meta(
                programa=existente.programas[(d.ramo, d.programa)],
                unidad=existente.unidades[(d.ramo, d.unidad)],
                clave=d.clave,
                **d.campos,
            )
            for d in lote
        ]
        nuevas = self._crear_con_historia(nuevas, Meta)
        programados = []
        relaciones = []
        Relacion = Meta.lineas_pmd.through
        for meta, deseada in zip(nuevas, lote, strict=True):
            existente.metas[deseada.llave] = meta
            programados.extend(
                Programado(meta=meta, mes=mes, valor=valor)
                for mes, valor in enumerate(deseada.programado, start=1)
            )
            relaciones.extend(
                Relacion(meta_id=meta.pk, lineapmd_id=existente.lineas[c].pk)
                for c in deseada.lineas
            )
        Relacion.objects.bulk_create(relaciones, batch_size=LOTE)
        self._crear_con_historia(programados, Programado)
        self._avanzar(len(lote))

    def _reprogramaciones(self, *, antes_de_las_metas: bool, guardadas: set) -> None:
        nuevas = []
        for llave, actual, campos, sobrantes in self.ops.reprogramaciones:
            if not antes_de_las_metas:
                for sobrante in sobrantes:
                    if sobrante is not actual:
                        sobrante.delete()
            if campos is None or antes_de_las_metas != (llave in guardadas):
                continue  # a new meta's reprogramación waits for the meta
            if actual is None:
                nuevas.append(
                    Reprogramacion(
                        meta=self.existente.metas[llave], tipo=Reprogramacion.Tipo.IMPORTADA,
                        usuario=self.usuario, **campos,
                    )
                )  # fmt: skip
            else:
                for nombre, valor in campos.items():
                    setattr(actual, nombre, valor)
                actual.save()
        Reprogramacion.objects.bulk_create(nuevas, batch_size=LOTE)

    def _avances(self) -> None:
        existente = self.existente
        if self.plan.modo == "captura":
            self._avances_captura()
            return
        nuevos = [
            Avance(
                meta=existente.metas[llave], mes=d.mes, realizado=d.realizado,
                observaciones=d.observaciones, actualizado_por=self.usuario,
            )
            for llave, d in self.ops.avances_nuevos
        ]  # fmt: skip
        self._crear_con_historia(nuevos, Avance)
        self._avanzar(len(nuevos))
        for avance, d in self.ops.avances_cambiados:
            avance.realizado = d.realizado
            avance.observaciones = d.observaciones
            avance.version += 1
            avance.actualizado_por = self.usuario
            self._guardar(avance)
        self._avanzar(len(self.ops.avances_cambiados))

    def _avances_captura(self) -> None:
        """Capture sheet: R and observaciones go through the capture service, per unidad.

        The service re-checks periods and locks and refuses cells someone else changed since
        the preview (optimistic versions), so nothing is overwritten silently.
        """
        from avances.services import CapturaRechazada, CeldaCaptura, avances_guardar_rejilla

        existente = self.existente
        por_unidad: dict[int, list] = defaultdict(list)
        filas: dict[tuple[int, int], int] = {}
        pendientes = [(existente.metas[k], d, 0) for k, d in self.ops.avances_nuevos] + [
            (existente.metas[d.llave_meta], d, a.version) for a, d in self.ops.avances_cambiados
        ]
        for meta, d, version in pendientes:
            filas[(meta.pk, d.mes)] = d.fila
            por_unidad[meta.unidad_id].append(
                CeldaCaptura(
                    meta_id=meta.pk, mes=d.mes, realizado=d.realizado,
                    observaciones=d.observaciones, version_esperada=version,
                )
            )  # fmt: skip
        unidades = {u.pk: u for u in existente.unidades.values()}
        for unidad_id, celdas in por_unidad.items():
            unidad = unidades[unidad_id]
            unidad.ramo.ejercicio = existente.ejercicio
            try:
                avances_guardar_rejilla(unidad=unidad, celdas=celdas, usuario=self.usuario)
            except CapturaRechazada as exc:
                hoja = self.plan.hojas[0] if self.plan.hojas else "avances"
                errores = [
                    ErrorImportacion(hoja, filas.get(clave), "realizado", mensaje)
                    for clave, mensaje in exc.errores.items()
                ] + [
                    ErrorImportacion(
                        hoja, filas.get(clave), "realizado",
                        f"{c.usuario} guardó {_mostrar(c.realizado)} después de la vista "
                        "previa; vuelva a subir el archivo para revisar.",
                    )
                    for clave, c in exc.conflictos.items()
                ]  # fmt: skip
                raise ImportacionInvalida(
                    errores or [ErrorImportacion(hoja, None, "", exc.mensaje)]
                ) from exc

    def _presupuesto(self) -> None:
        nuevos = [
            Presupuesto(programa=self.existente.programas[llave], **datos)
            for llave, datos in self.ops.presupuesto_nuevo
        ]
        self._crear_con_historia(nuevos, Presupuesto)
        for presupuesto, cambios in self.ops.presupuesto_cambiado:
            for nombre, valor in cambios.items():
                setattr(presupuesto, nombre, valor)
            self._guardar(presupuesto)


def insertar_historia_nueva(objetos: list, modelo, *, usuario=None, razon: str = "") -> None:
    """Insert the '+' history rows of freshly created objects, many rows per statement.

    Same rows as simple-history's `bulk_history_create` (every tracked field, date, user,
    reason, type '+'), but without building a historical model instance and compiling an
    INSERT for each one, which was most of the write time of a 10,000-meta workbook.
    """
    if not objetos:
        return
    historico = modelo.history.model
    campos = list(historico.tracked_fields)
    columnas = [f.column for f in campos] + [
        "history_date", "history_change_reason", "history_type", "history_user_id",
    ]  # fmt: skip
    fecha = connection.ops.adapt_datetimefield_value(timezone.now())
    usuario_id = getattr(usuario, "pk", None)
    filas = [
        [getattr(o, f.attname) for f in campos] + [fecha, razon, "+", usuario_id] for o in objetos
    ]
    tabla = connection.ops.quote_name(historico._meta.db_table)
    lista = ", ".join(connection.ops.quote_name(c) for c in columnas)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            from psycopg2.extras import execute_values

            execute_values(
                cursor.cursor, f"INSERT INTO {tabla} ({lista}) VALUES %s", filas, page_size=LOTE
            )
        else:
            marcadores = ", ".join(["%s"] * len(columnas))
            sql = f"INSERT INTO {tabla} ({lista}) VALUES ({marcadores})"
            for inicio in range(0, len(filas), LOTE * 5):
                cursor.executemany(sql, filas[inicio : inicio + LOTE * 5])
