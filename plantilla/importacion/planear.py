"""Planning: compare what the workbook asks for with what is stored, and list the writes."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection

from avances.models import Avance
from plantilla.importacion.columnas import normalizar
from plantilla.importacion.deseado import AvanceDeseado, Deseado, MetaDeseada
from plantilla.importacion.existente import Existente
from plantilla.importacion.leer import fmt
from plantilla.importacion.resultado import Cambio, Creacion, ErrorImportacion, Plan
from programas import responsables
from programas.models import (
    ABREVIATURAS_MES,
    LineaPMD,
    Meta,
    Presupuesto,
    Programa,
    Programado,
    Ramo,
    Reprogramacion,
    UnidadEjecutora,
)

MOTIVO_IMPORTADA = "Meta autorizada original (importada)"


@dataclass
class Operaciones:
    """Writes to perform, in dependency order."""

    crear_ejercicio: bool = False
    ramos_nuevos: dict[str, dict] = field(default_factory=dict)
    ramos_cambiados: list[tuple[Ramo, dict]] = field(default_factory=list)
    programas_nuevos: dict[tuple[str, str], dict] = field(default_factory=dict)
    programas_cambiados: list[tuple[Programa, dict]] = field(default_factory=list)
    unidades_nuevas: dict[tuple[str, str], dict] = field(default_factory=dict)
    unidades_cambiadas: list[tuple[UnidadEjecutora, dict]] = field(default_factory=list)
    lineas_nuevas: dict[str, str] = field(default_factory=dict)
    lineas_cambiadas: list[tuple[LineaPMD, str]] = field(default_factory=list)
    metas_nuevas: list[MetaDeseada] = field(default_factory=list)
    metas_cambiadas: list[tuple[Meta, MetaDeseada, dict]] = field(default_factory=list)
    lineas_de_meta: list[tuple[Meta, list[str]]] = field(default_factory=list)
    programados_nuevos: list[tuple[Meta, int, Decimal]] = field(default_factory=list)
    programados_cambiados: list[tuple[Programado, Decimal]] = field(default_factory=list)
    reprogramaciones: list[tuple[tuple, Reprogramacion | None, dict | None, list]] = field(
        default_factory=list
    )  # (meta key, existing to update or None, fields or None to delete, extras to delete)
    avances_nuevos: list[tuple[tuple, AvanceDeseado]] = field(default_factory=list)
    avances_cambiados: list[tuple[Avance, AvanceDeseado]] = field(default_factory=list)
    presupuesto_nuevo: list[tuple[tuple[str, str], dict]] = field(default_factory=list)
    presupuesto_cambiado: list[tuple[Presupuesto, dict]] = field(default_factory=list)
    # (nivel, llave, [Periodo]): posts whose responsables' vigencias are replaced.
    vigencias: list[tuple[str, Any, list]] = field(default_factory=list)
    mir: Any = None  # mir_planear.MirOperaciones of the MIR sheets
    cronograma: Any = None  # cronograma.OperacionesCronograma (objetivos, alineacion)


def _mostrar(valor: Any) -> str:
    if valor is None:
        return "(vacío)"
    if isinstance(valor, Decimal):
        return fmt(valor)
    if isinstance(valor, str):
        return valor if valor else "(vacío)"
    return str(valor)


def _diferencias(obj, campos: dict) -> dict:
    """Fields of `campos` whose value differs from the object's."""
    cambios = {}
    for nombre, nuevo in campos.items():
        actual = getattr(obj, nombre)
        if isinstance(nuevo, Decimal) or isinstance(actual, Decimal):
            igual = (actual is None and nuevo is None) or (
                actual is not None and nuevo is not None and Decimal(actual) == Decimal(nuevo)
            )
        else:
            igual = actual == nuevo
        if not igual:
            cambios[nombre] = nuevo
    return cambios


ETIQUETAS = {
    "meta_anual": "meta anual",
    "meta_anual_original": "meta anual original",
    "mes_inicio": "mes de inicio",
    "tipo_acumulacion": "tipo de acumulación",
    "nivel_mir": "nivel MIR",
    "unidad_medida": "unidad de medida",
    "descripcion": "descripción",
    "responsable_nombre": "responsable",
    "responsable_cargo": "cargo del responsable",
    "funcion": "función",
    "subfuncion": "subfunción",
    "proposito": "propósito",
    "orden": "orden en la hoja",
}


def _registrar_cambios(plan: Plan, tipo: str, objeto: str, obj, cambios: dict) -> None:
    for nombre, nuevo in cambios.items():
        plan.cambios.append(
            Cambio(tipo, objeto, ETIQUETAS.get(nombre, nombre), _mostrar(getattr(obj, nombre)),
                   _mostrar(nuevo))
        )  # fmt: skip


def _planear_estructura(deseado: Deseado, existente: Existente, plan: Plan, ops: Operaciones):
    for clave, campos in deseado.ramos.items():
        ramo = existente.ramos.get(clave)
        if ramo is None:
            ops.ramos_nuevos[clave] = campos
            plan.creados.append(Creacion("Ramo", clave, campos.get("nombre", "")))
            plan.conteo_creados["Ramo"] += 1
        elif cambios := _diferencias(ramo, campos):
            ops.ramos_cambiados.append((ramo, cambios))
            _registrar_cambios(plan, "Ramo", f"Ramo {clave}", ramo, cambios)
        else:
            plan.sin_cambio["Ramo"] += 1
    for tipo, nuevos, cambiados, deseados, existentes, etiqueta in (
        ("Programa", ops.programas_nuevos, ops.programas_cambiados, deseado.programas,
         existente.programas, "Programa"),
        ("Unidad ejecutora", ops.unidades_nuevas, ops.unidades_cambiadas, deseado.unidades,
         existente.unidades, "Unidad"),
    ):  # fmt: skip
        for llave, campos in deseados.items():
            objeto = f"{etiqueta} {llave[0]}/{llave[1]}"
            actual = existentes.get(llave)
            if actual is None:
                nuevos[llave] = campos
                plan.creados.append(Creacion(tipo, objeto, campos.get("nombre", "")))
                plan.conteo_creados[tipo] += 1
            elif cambios := _diferencias(actual, campos):
                cambiados.append((actual, cambios))
                _registrar_cambios(plan, tipo, objeto, actual, cambios)
            else:
                plan.sin_cambio[tipo] += 1
    for codigo, nombre in deseado.lineas.items():
        linea = existente.lineas.get(codigo)
        if linea is None:
            ops.lineas_nuevas[codigo] = nombre or ""
            plan.creados.append(Creacion("Línea PMD", codigo, nombre or ""))
            plan.conteo_creados["Línea PMD"] += 1
        elif nombre is not None and normalizar(linea.nombre) != normalizar(nombre):
            # Only a real change: the seeds spell the same línea with and without accents.
            ops.lineas_cambiadas.append((linea, nombre))
            plan.cambios.append(Cambio("Línea PMD", f"Línea {codigo}", "nombre",
                                       _mostrar(linea.nombre), _mostrar(nombre)))  # fmt: skip
        else:
            plan.sin_cambio["Línea PMD"] += 1


def _planear_vigencias(deseado: Deseado, existente: Existente, plan: Plan, ops: Operaciones):
    """Posts whose `responsables` rows (with `desde`) differ from the stored periods. The
    holder today is compared by `_planear_estructura` (the post's own fields)."""
    tablas = {"ramo": existente.ramos, "programa": existente.programas,
              "unidad": existente.unidades}  # fmt: skip
    etiquetas = {"ramo": "Ramo", "programa": "Programa", "unidad": "Unidad"}
    for (nivel, llave), por_mes in deseado.vigencias.items():
        lista = [responsables.Periodo(d, n, c) for d, (n, c) in sorted(por_mes.items())]
        actual = tablas[nivel].get(llave)
        if actual is None:
            ops.vigencias.append((nivel, llave, lista))
            continue
        antes = responsables.periodos(
            existente.vigencias.get((nivel, actual.pk), []),
            (actual.responsable_nombre, actual.responsable_cargo),
        )
        if antes == lista:
            continue
        ops.vigencias.append((nivel, llave, lista))
        if _historia(antes) != _historia(lista):
            objeto = f"{etiquetas[nivel]} {llave if nivel == 'ramo' else '/'.join(llave)}"
            plan.cambios.append(
                Cambio("Responsable", objeto, "responsables por mes", _periodos_texto(antes),
                       _periodos_texto(lista))
            )  # fmt: skip


def _historia(lista: list) -> list:
    """The periods but the latest holder's name and cargo (shown as the post's own change)."""
    return [(p.desde, p.nombre, p.cargo) for p in lista[:-1]] + [lista[-1].desde if lista else 0]


def _periodos_texto(lista: list) -> str:
    if not lista:
        return "(vacío)"
    return "; ".join(f"desde {ABREVIATURAS_MES[p.desde - 1]}: {p.nombre or '—'}" for p in lista)


def _reprogramacion_deseada(campos: dict, *, historia_previa: bool = True) -> dict | None:
    """The IMPORTADA record a meta needs (DOMAIN.md §3), or None.

    A meta starting after January with no original meta was re-issued with the same meta
    (its vigencia ran from January before) only if it has history before `mes_inicio`
    (programado or avances); without any it was created mid-year and is in force only
    from `mes_inicio` (BISOM 205 and 509 start in April and are not in the Q1 reports).
    """
    meta_anual, original = campos["meta_anual"], campos["meta_anual_original"]
    mes_inicio = campos["mes_inicio"]
    if original is None and (mes_inicio == 1 or not historia_previa):
        return None
    return {
        "mes_desde": mes_inicio if mes_inicio > 1 else 1,
        "meta_anual_anterior": original if original is not None else meta_anual,
        "meta_anual_nueva": meta_anual,
        "mes_inicio_anterior": 1,
        "mes_inicio_nuevo": mes_inicio,
        "motivo": MOTIVO_IMPORTADA,
    }


def _planear_metas(
    deseado: Deseado, existente: Existente, plan: Plan, ops: Operaciones, autorizados: dict,
    *, avances_libro: dict | None = None,
):  # fmt: skip
    planeador = _PlaneadorDeMetas(existente, plan, ops, autorizados)
    planeador.avances_libro = avances_libro or {}
    planeador.orden_sin_cambio = _orden_conservado(deseado, existente)
    planeador.reprogramadas_en_web = _reprogramadas_en_web(existente)
    for llave, deseada in deseado.metas.items():
        planeador.planear(llave, deseada)


def _reprogramadas_en_web(existente: Existente) -> set[int]:
    """Metas with a reprogramación made on the web (not IMPORTADA): one query."""
    if existente.ejercicio is None:
        return set()
    return set(
        Reprogramacion.objects.filter(meta__unidad__ramo__ejercicio=existente.ejercicio)
        .exclude(tipo=Reprogramacion.Tipo.IMPORTADA)
        .values_list("meta_id", flat=True)
    )


def _mismas_cifras(meta: Meta, campos: dict) -> bool:
    """The sheet repeats the stored meta anual, original and start month."""
    original = meta.meta_anual_original
    if original is not None and original == meta.meta_anual:
        original = None
    deseadas = (campos["meta_anual"], campos["meta_anual_original"], campos["mes_inicio"])
    return (meta.meta_anual, original, meta.mes_inicio) == deseadas


def _como_deseada(reprogramacion: Reprogramacion) -> dict:
    campos = ("mes_desde", "meta_anual_anterior", "meta_anual_nueva", "mes_inicio_anterior",
              "mes_inicio_nuevo", "motivo")  # fmt: skip
    return {c: getattr(reprogramacion, c) for c in campos}


def _orden_conservado(deseado: Deseado, existente: Existente) -> set[tuple[str, str, str]]:
    """Metas whose unidad keeps its stored order: their sheet row number is not a change.

    `Meta.orden` only orders the metas of one unidad (Meta.Meta.ordering), while the workbook
    numbers its rows across every unidad it holds, so a workbook exported from a database
    loaded from several workbooks (or edited on the web) numbers them differently. When the
    sheet lists a unidad's metas in the order they are stored, and adds none, their `orden`
    is kept; otherwise the whole unidad takes the sheet order.
    """
    en_hoja: dict[tuple[str, str], list] = {}
    for llave, deseada in deseado.metas.items():
        en_hoja.setdefault(llave[:2], []).append((deseada.campos["orden"], llave))
    conservadas: set[tuple[str, str, str]] = set()
    for llaves in en_hoja.values():
        metas = [existente.metas.get(llave) for _, llave in llaves]
        if any(meta is None for meta in metas):
            continue  # a new meta in this unidad: the sheet order applies to all of them
        por_hoja = [llave for _, llave in sorted(llaves)]
        guardado = {
            llave: (m.orden, m.clave, m.pk) for (_, llave), m in zip(llaves, metas, strict=True)
        }
        if por_hoja == sorted(guardado, key=guardado.__getitem__):
            conservadas.update(por_hoja)
    return conservadas


class _PlaneadorDeMetas:
    """Compares each meta of the workbook with the stored one (fields, líneas, months, the
    IMPORTADA reprogramación) and refuses changes to authorized quarters."""

    def __init__(self, existente: Existente, plan: Plan, ops: Operaciones, autorizados: dict):
        self.existente, self.plan, self.ops, self.autorizados = existente, plan, ops, autorizados
        self.orden_sin_cambio: set[tuple[str, str, str]] = set()
        self.reprogramadas_en_web: set[int] = set()
        self.avances_libro: dict[tuple[str, str, str], set[int]] = {}

    def _historia_previa(self, llave, deseada: MetaDeseada, meta) -> bool:
        """Whether the meta has programado or avances before its mes_inicio."""
        mes_inicio = deseada.campos["mes_inicio"]
        if any(deseada.programado[: mes_inicio - 1]):
            return True
        if any(m < mes_inicio for m in self.avances_libro.get(llave, ())):
            return True
        return meta is not None and any(
            (meta.pk, m) in self.existente.avances for m in range(1, mes_inicio)
        )

    def planear(self, llave: tuple[str, str, str], deseada: MetaDeseada) -> None:
        objeto = f"Meta {'/'.join(llave)}"
        meta = self.existente.metas.get(llave)
        reprogramacion = _reprogramacion_deseada(
            deseada.campos, historia_previa=self._historia_previa(llave, deseada, meta)
        )
        if meta is None:
            self._nueva(llave, deseada, objeto, reprogramacion)
            return
        if meta.pk in self.reprogramadas_en_web and _mismas_cifras(meta, deseada.campos):
            # A web reprogramación explains the stored original, which the sheet repeats (an
            # export read back): the meta keeps its history, IMPORTADA record included.
            guardadas = self.existente.reprogramaciones.get(meta.pk, [])
            reprogramacion = _como_deseada(guardadas[0]) if guardadas else None
        self._campos(meta, deseada, objeto, reprogramacion)
        self._lineas(meta, deseada, objeto)
        self._programado(meta, deseada, objeto)
        self._reprogramacion(llave, meta, objeto, reprogramacion)

    def _nueva(self, llave, deseada: MetaDeseada, objeto: str, reprogramacion) -> None:
        plan, ops = self.plan, self.ops
        self._exigir_entrada(deseada, _cambios_deseados(None, reprogramacion), "crear la meta")
        ops.metas_nuevas.append(deseada)
        plan.creados.append(Creacion("Meta", objeto, deseada.campos["descripcion"][:120]))
        plan.conteo_creados["Meta"] += 1
        plan.conteo_creados["Valor programado"] += 12
        if reprogramacion:
            ops.reprogramaciones.append((llave, None, reprogramacion, []))
            plan.conteo_creados["Reprogramación importada"] += 1

    def _campos(self, meta: Meta, deseada: MetaDeseada, objeto: str, reprogramacion) -> None:
        """The meta's own fields (and its programa, if it moved within the ramo)."""
        plan = self.plan
        campos = dict(deseada.campos)
        if deseada.llave in self.orden_sin_cambio:
            campos["orden"] = meta.orden
        programa_actual = meta.programa
        if programa_actual.clave != deseada.programa:
            campos["programa"] = deseada.programa  # moved to another programa of the ramo
        cambios = _diferencias(meta, {k: v for k, v in campos.items() if k != "programa"})
        if "programa" in campos:
            cambios["programa"] = deseada.programa
            self._exigir_entrada(
                deseada, _cambios_deseados(meta, reprogramacion), "trasladar la meta"
            )
            plan.cambios.append(
                Cambio("Meta", objeto, "programa", programa_actual.clave, deseada.programa)
            )
        _exigir_meta_sin_bloqueo(meta, deseada, campos, cambios, reprogramacion, self.existente,
                                 plan, self.autorizados)  # fmt: skip
        if cambios:
            self.ops.metas_cambiadas.append((meta, deseada, cambios))
            _registrar_cambios(
                plan, "Meta", objeto, meta, {k: v for k, v in cambios.items() if k != "programa"}
            )
        else:
            plan.sin_cambio["Meta"] += 1

    def _exigir_entrada(self, deseada: MetaDeseada, cambios: list, accion: str) -> None:
        """A new or moved meta may only start after its pair's last authorized quarter."""
        from avances.bloqueo import TrimestreBloqueado, exigir_entrada_permitida, mapa_autorizados

        programa = self.existente.programas.get((deseada.ramo, deseada.programa))
        unidad = self.existente.unidades.get((deseada.ramo, deseada.unidad))
        if programa is None or unidad is None:
            return  # a programa or unidad created by this workbook has nothing signed
        par = (programa.pk, unidad.pk)
        if par not in self.autorizados:  # shared with `existente`: re-checked when applying
            self.autorizados.update(mapa_autorizados([par]))
        if not self.autorizados[par]:
            return
        nueva = Meta(
            programa_id=par[0], unidad_id=par[1], clave=deseada.clave,
            mes_inicio=deseada.campos.get("mes_inicio") or 1,
        )  # fmt: skip
        try:
            exigir_entrada_permitida(
                meta=nueva, cambios=cambios, accion=accion, autorizados=self.autorizados[par]
            )
        except TrimestreBloqueado as exc:
            self.plan.errores.append(
                ErrorImportacion("metas", deseada.fila, "mes_inicio", exc.mensaje)
            )

    def _lineas(self, meta: Meta, deseada: MetaDeseada, objeto: str) -> None:
        guardadas = self.existente.lineas_meta
        if set(deseada.lineas) != guardadas.get(meta.pk, set()):
            self.ops.lineas_de_meta.append((meta, deseada.lineas))
            self.plan.cambios.append(
                Cambio("Meta", objeto, "líneas PMD",
                       ", ".join(sorted(guardadas.get(meta.pk, ()))) or "(vacío)",
                       ", ".join(deseada.lineas) or "(vacío)")
            )  # fmt: skip

    def _programado(self, meta: Meta, deseada: MetaDeseada, objeto: str) -> None:
        """The 12 programmed values; changing one of an authorized quarter is an error."""
        plan, ops = self.plan, self.ops
        meses_cambiados = []
        for mes, valor in enumerate(deseada.programado, start=1):
            actual = self.existente.programados.get((meta.pk, mes))
            if actual is None:
                ops.programados_nuevos.append((meta, mes, valor))
                plan.conteo_creados["Valor programado"] += 1
                if valor:
                    meses_cambiados.append(mes)
            elif actual[1] != valor:
                guardado = Programado.from_db(
                    connection.alias, ["id", "meta_id", "mes", "valor"], (actual[0], meta.pk, mes,
                                                                          actual[1])
                )  # fmt: skip
                ops.programados_cambiados.append((guardado, valor))
                plan.cambios.append(
                    Cambio("Valor programado", objeto, f"programado {ABREVIATURAS_MES[mes - 1]}",
                           fmt(actual[1]), fmt(valor))
                )  # fmt: skip
                meses_cambiados.append(mes)
            else:
                plan.sin_cambio["Valor programado"] += 1
        if meses_cambiados:
            self._exigir_meses_abiertos(meta, deseada, meses_cambiados)

    def _exigir_meses_abiertos(self, meta: Meta, deseada: MetaDeseada, meses: list[int]) -> None:
        from avances.bloqueo import TrimestreBloqueado, exigir_meses_abiertos

        try:
            exigir_meses_abiertos(
                meta=meta,
                meses=meses,
                accion="cambiar lo programado",
                autorizados=self.autorizados.get((meta.programa_id, meta.unidad_id), set()),
            )
        except TrimestreBloqueado as exc:
            self.plan.errores.append(
                ErrorImportacion("metas", deseada.fila, "programado", exc.mensaje)
            )

    def _reprogramacion(self, llave, meta: Meta, objeto: str, reprogramacion) -> None:
        """The IMPORTADA reprogramación: exactly one when needed, none otherwise."""
        plan, ops = self.plan, self.ops
        guardadas = self.existente.reprogramaciones.get(meta.pk, [])
        primera, extras = (guardadas[0], guardadas[1:]) if guardadas else (None, [])
        if reprogramacion is None:
            if guardadas:
                ops.reprogramaciones.append((llave, None, None, guardadas))
                plan.cambios.append(Cambio("Reprogramación importada", objeto,
                                           "meta original", "registrada", "(ninguna)"))  # fmt: skip
        elif primera is None:
            ops.reprogramaciones.append((llave, None, reprogramacion, []))
            plan.conteo_creados["Reprogramación importada"] += 1
        elif (cambios_r := _diferencias(primera, reprogramacion)) or extras:
            ops.reprogramaciones.append((llave, primera, reprogramacion, extras))
            _registrar_cambios(plan, "Reprogramación importada", objeto, primera, cambios_r)
        else:
            plan.sin_cambio["Reprogramación importada"] += 1


def _cambios_deseados(meta: Meta | None, reprogramacion) -> list:
    """The vigencia history the meta will have once imported (its IMPORTADA one first)."""
    from programas.formulas import CambioVigencia

    importada = (
        [CambioVigencia(reprogramacion["mes_desde"], reprogramacion["meta_anual_anterior"],
                        reprogramacion["mes_inicio_anterior"])]
        if reprogramacion
        else []
    )  # fmt: skip
    if meta is None:
        return importada
    return importada + [
        CambioVigencia(r.mes_desde, r.meta_anual_anterior, r.mes_inicio_anterior)
        for r in Reprogramacion.objects.filter(meta=meta)
        .exclude(tipo=Reprogramacion.Tipo.IMPORTADA)
        .order_by("fecha", "id")
    ]


# Fields whose change alters every figure of an already signed report.
_CAMPOS_DEL_REPORTE = ("programa", "tipo_acumulacion", "sentido")


def _exigir_meta_sin_bloqueo(
    meta, deseada, campos, cambios, reprogramacion, existente, plan, autorizados
) -> None:
    """Refuse changes to a meta that alter an authorized quarter (issue 5, locking)."""
    from avances.bloqueo import (
        TrimestreBloqueado,
        cambios_de_vigencia,
        exigir_meses_abiertos,
        exigir_vigencia_intacta,
    )
    from programas.formulas import CambioVigencia

    bloqueados = autorizados.get((meta.programa_id, meta.unidad_id), set())
    if not bloqueados:
        return
    try:
        columna = next((c for c in _CAMPOS_DEL_REPORTE if c in cambios), None)
        if columna:
            exigir_meses_abiertos(
                meta=meta, meses=range(1, 13), accion=f"cambiar {columna.replace('_', ' ')}",
                autorizados=bloqueados,
            )  # fmt: skip
        columna = "meta_anual"
        vigentes = [c for c in existente.reprogramaciones.get(meta.pk, [])]
        actual = (vigentes[0].mes_desde, vigentes[0].meta_anual_anterior) if vigentes else None
        deseado = (
            (reprogramacion["mes_desde"], reprogramacion["meta_anual_anterior"])
            if reprogramacion
            else None
        )
        if {"meta_anual", "mes_inicio"} & set(cambios) or actual != deseado:
            antes = cambios_de_vigencia(meta.pk)
            otras = [
                CambioVigencia(r.mes_desde, r.meta_anual_anterior, r.mes_inicio_anterior)
                for r in Reprogramacion.objects.filter(meta=meta)
                .exclude(tipo=Reprogramacion.Tipo.IMPORTADA)
                .order_by("fecha", "id")
            ]
            importada = (
                [CambioVigencia(reprogramacion["mes_desde"], reprogramacion["meta_anual_anterior"],
                                reprogramacion["mes_inicio_anterior"])]
                if reprogramacion
                else []
            )  # fmt: skip
            exigir_vigencia_intacta(
                meta=meta,
                antes=(meta.meta_anual, meta.mes_inicio, antes),
                despues=(campos["meta_anual"], campos["mes_inicio"], importada + otras),
                accion="cambiar la meta anual vigente",
                autorizados=bloqueados,
            )
    except TrimestreBloqueado as exc:
        plan.errores.append(ErrorImportacion("metas", deseada.fila, columna, exc.mensaje))
