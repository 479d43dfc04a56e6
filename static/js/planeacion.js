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

  // Pegar desde Excel: "10\t10\t…" (una fila) o una columna llenan los meses siguientes.
  function camposDeMes(campo) {
    var fila = campo.closest("tr");
    if (!fila) return [];
    var campos = fila.querySelectorAll("input.mes, input[data-mes]");
    return Array.prototype.filter.call(campos, function (c) { return !c.disabled && !c.readOnly; });
  }

  function avisar(tabla, texto) {
    var aviso = document.getElementById("aviso-pegado");
    if (!aviso) {
      aviso = document.createElement("p");
      aviso.id = "aviso-pegado";
      aviso.className = "ayuda aviso-pegado";
      aviso.setAttribute("role", "status");
      tabla.insertAdjacentElement("afterend", aviso);
    }
    aviso.textContent = texto;
  }

  function pegar(evento) {
    var campo = evento.target;
    if (!campo.matches || !campo.matches("input.mes, input[data-mes]")) return;
    var texto = (evento.clipboardData || window.clipboardData).getData("text") || "";
    var valores = texto.replace(/(\r?\n)+$/, "").split(/\t|\r?\n/).map(function (v) { return v.trim(); });
    if (valores.length < 2) return;  // un solo valor: el pegado normal del navegador
    evento.preventDefault();
    var campos = camposDeMes(campo);
    var inicio = campos.indexOf(campo);
    var caben = campos.slice(inicio, inicio + valores.length);
    caben.forEach(function (destino, i) { destino.value = valores[i]; });
    var sobran = valores.length - caben.length;
    var tabla = campo.closest("table");
    avisar(tabla, sobran > 0 ?
      "Se pegaron " + caben.length + " meses; se ignoraron " + sobran + " valor(es) que no caben después de diciembre." :
      "Se pegaron " + caben.length + " meses.");
    var fila = campo.closest("tr[data-meta]");
    if (fila) actualizarFila(fila); else actualizarMeta();
  }

  // La unidad sigue al programa: solo las unidades del ramo del programa elegido.
  function filtrarUnidades() {
    document.querySelectorAll("select[data-sigue-programa]").forEach(function (unidad) {
      var programa = document.getElementById(unidad.dataset.siguePrograma);
      if (!programa) return;
      var elegida = programa.options[programa.selectedIndex];
      var ramo = elegida && elegida.dataset.ramo;
      Array.prototype.forEach.call(unidad.options, function (opcion) {
        var oculta = Boolean(ramo && opcion.dataset.ramo && opcion.dataset.ramo !== ramo);
        opcion.hidden = oculta;
        opcion.disabled = oculta;
      });
      var actual = unidad.options[unidad.selectedIndex];
      if (actual && actual.disabled) unidad.value = "";
    });
  }

  // Reprogramación: los meses editables siguen a «Reprogramar desde» sin recargar la página.
  function mesesEditables() {
    var selector = document.querySelector("#form-desde select[name=mes_desde]");
    var oculto = document.getElementById("mes-desde-post");
    var tabla = document.getElementById("meses");
    if (!selector || !oculto || !tabla) return;
    var desde = parseInt(selector.value, 10);
    oculto.value = selector.value;
    var actuales = tabla.querySelectorAll("tr.actual td");
    for (var m = 1; m <= 12; m++) {
      var campo = document.getElementById("id_m" + m);
      if (!campo) continue;
      var cerrado = m < desde;
      if (cerrado && !campo.disabled && actuales[m - 1]) campo.value = actuales[m - 1].textContent.trim();
      campo.disabled = cerrado;
      campo.required = !cerrado;
      campo.closest("td").classList.toggle("bloqueada", cerrado);
    }
    actualizarMeta();
  }

  function iniciarFormularios() {
    document.querySelectorAll("[data-solo-sin-js]").forEach(function (boton) {
      boton.hidden = true;
      boton.style.display = "none";  // a CSS display rule would override [hidden]
    });
    filtrarUnidades();
    mesesEditables();
  }

  document.addEventListener("paste", pegar);
  document.addEventListener("change", function (evento) {
    if (evento.target.matches("select[id=id_programa]")) filtrarUnidades();
    if (evento.target.matches("#form-desde select[name=mes_desde]")) mesesEditables();
  });
  document.addEventListener("submit", function (evento) {
    // Con JavaScript el mes se cambia en vivo: el formulario GET no se envía.
    if (evento.target.id === "form-desde") evento.preventDefault();
  });

  document.addEventListener("input", function (evento) {
    var fila = evento.target.closest && evento.target.closest("tr[data-meta]");
    if (fila) actualizarFila(fila); else actualizarMeta();
  });
  document.addEventListener("change", actualizarMeta);
  function iniciar() {
    iniciarFormularios();
    actualizarTodo();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", iniciar);
  else iniciar();
})();
