// Suma en vivo de los meses programados contra la meta anual (solo vista previa; el servidor valida).
(function () {
  "use strict";
  function numero(texto) {
    var t = (texto || "").trim();
    if (!t) return 0;
    if (!/^\d{1,3}(,\d{3})*(\.\d+)?$|^\d+(\.\d+)?$/.test(t)) return NaN;
    return parseFloat(t.replace(/,/g, ""));
  }
  function actualizar() {
    var suma = 0;
    var tabla = document.getElementById("meses");
    var desde = parseInt((tabla && tabla.dataset.mesInicio) || "1", 10);
    for (var m = desde; m <= 12; m++) {
      var campo = document.getElementById("id_m" + m);
      if (campo) suma += numero(campo.value);
    }
    var salida = document.getElementById("suma-meses");
    var anual = numero(((document.getElementById("id_meta_anual_nueva") || document.getElementById("id_meta_anual")) || {}).value);
    if (!salida) return;
    salida.textContent = isNaN(suma) ? "—" : suma.toLocaleString("es-MX", {maximumFractionDigits: 2});
    salida.style.color = !isNaN(suma) && Math.abs(suma - anual) < 0.005 ? "" : "#b3261e";
    salida.title = "Debe ser igual a la meta anual en metas de tipo SUMA (meses desde " + desde + ")";
  }
  document.addEventListener("input", actualizar);
  document.addEventListener("DOMContentLoaded", actualizar);
})();
