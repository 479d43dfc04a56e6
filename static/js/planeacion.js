// Suma en vivo de los meses programados contra la meta anual. Solo es una vista previa: el
// servidor vuelve a validar con programas.numeros y rechaza una meta SUMA que no cuadra.
(function () {
  "use strict";

  // es-MX estricto como programas.numeros: "1,234.5" o "1234.5"; "1,5" es ambiguo → NaN.
  function numero(texto) {
    var t = (texto || "").trim();
    if (!t) return 0;
    if (!/^\d{1,3}(,\d{3})+(\.\d+)?$|^\d+(\.\d+)?$/.test(t)) return NaN;
    return Math.round(parseFloat(t.replace(/,/g, "")) * 100);  // centavos: sin error de coma flotante
  }

  function formato(centavos) {
    return (centavos / 100).toLocaleString("es-MX", {maximumFractionDigits: 2});
  }

  function marcar(salida, suma, anual, aplica) {
    salida.textContent = isNaN(suma) ? "—" : formato(suma);
    salida.classList.remove("suma-ok", "suma-mal");
    if (!aplica || isNaN(suma) || isNaN(anual)) {
      salida.title = "";
      return;
    }
    var cuadra = suma === anual;
    salida.classList.add(cuadra ? "suma-ok" : "suma-mal");
    salida.title = cuadra ? "Cuadra con la meta anual" :
      "No cuadra: la meta anual es " + formato(anual) + " (diferencia " + formato(suma - anual) + ")";
  }

  // Alta, edición y reprogramación de una meta: tabla #meses con campos id_m1…id_m12.
  function actualizarMeta() {
    var tabla = document.getElementById("meses");
    var salida = document.getElementById("suma-meses");
    if (!tabla || !salida) return;
    var campoInicio = document.getElementById("id_mes_inicio");
    var desde = parseInt((campoInicio && campoInicio.value) || tabla.dataset.mesInicio || "1", 10);
    var campoTipo = document.getElementById("id_tipo_acumulacion");
    var tipo = (campoTipo && campoTipo.value) || tabla.dataset.tipo || "SUMA";
    var suma = 0;
    for (var m = 1; m <= 12; m++) {
      var campo = document.getElementById("id_m" + m);
      if (!campo) continue;
      var celda = campo.closest("td");
      if (celda) celda.classList.toggle("fuera-de-vigencia", m < desde);
      if (m >= desde) suma += numero(campo.value);
    }
    var anualCampo = document.getElementById("id_meta_anual_nueva") || document.getElementById("id_meta_anual");
    marcar(salida, suma, numero(anualCampo && anualCampo.value), tipo === "SUMA");
  }

  // Reexpedición: una fila por meta, con su meta anual (a-ID) y sus meses (p-ID-MES).
  function actualizarFila(fila) {
    var salida = fila.querySelector("[data-suma]");
    if (!salida) return;
    var suma = 0;
    fila.querySelectorAll("input[data-mes]").forEach(function (campo) { suma += numero(campo.value); });
    var anual = fila.querySelector("input[data-anual]");
    marcar(salida, suma, numero(anual && anual.value), fila.dataset.tipo === "SUMA");
  }

  function actualizarTodo() {
    actualizarMeta();
    document.querySelectorAll("tr[data-meta]").forEach(actualizarFila);
  }

  document.addEventListener("input", function (evento) {
    var fila = evento.target.closest && evento.target.closest("tr[data-meta]");
    if (fila) actualizarFila(fila); else actualizarMeta();
  });
  document.addEventListener("change", actualizarMeta);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", actualizarTodo);
  else actualizarTodo();
})();
