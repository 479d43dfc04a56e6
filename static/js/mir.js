// MIR del programa: revisión en vivo del método de cálculo, variables propuestas desde la
// fórmula, periodos según la frecuencia y variables vinculadas a metas. Solo es una vista
// previa: al guardar, el servidor vuelve a validar todo (planeacion.mir_servicios).
(function () {
  "use strict";

  var form = document.getElementById("form-indicador");

  // --- Objetivo: el componente solo aplica a las actividades. -----------------------------
  function componenteSegunNivel() {
    var nivel = document.getElementById("id_nivel");
    var componente = document.getElementById("id_componente");
    if (!nivel || !componente) return;
    var caja = componente.closest("div");
    var esActividad = nivel.value === "ACTIVIDAD";
    if (caja) caja.hidden = !esActividad;
    if (!esActividad) componente.value = "";
  }

  if (!form) {
    var nivel = document.getElementById("id_nivel");
    if (nivel) {
      nivel.addEventListener("change", componenteSegunNivel);
      componenteSegunNivel();
    }
    return;
  }

  var formula = document.getElementById("id_formula");
  var lista = document.getElementById("formula-problemas");
  var propuesta = document.getElementById("formula-propuesta");
  var botonProponer = document.getElementById("proponer-variables");
  var contenedor = document.getElementById("variables");
  var plantilla = document.getElementById("variable-vacia");
  var total = form.querySelector("input[name=variables-TOTAL_FORMS]");
  var frecuencia = document.getElementById("id_frecuencia");
  var periodosPorFrecuencia = JSON.parse(frecuencia.dataset.periodos || "{}");
  var faltantes = [];
  var pendiente = null;
  var ultimaPeticion = 0;

  function filas() {
    return Array.prototype.slice.call(contenedor.querySelectorAll("[data-variable]"));
  }

  function quitada(fila) {
    var casilla = fila.querySelector("input[name$='-DELETE']");
    return Boolean(casilla && casilla.checked);
  }

  function simbolos() {
    return filas().filter(function (f) { return !quitada(f); }).map(function (f) {
      return (f.querySelector("input.simbolo").value || "").trim();
    }).filter(Boolean);
  }

  // --- Periodos: solo los de la frecuencia; una variable vinculada no lleva valores. ------
  function ajustarFila(fila) {
    var validos = periodosPorFrecuencia[frecuencia.value] || [];
    var meta = fila.querySelector("select.meta-vinculada");
    var vinculada = Boolean(meta && meta.value);
    fila.querySelectorAll("[data-periodo-caja]").forEach(function (caja) {
      var aplica = validos.indexOf(parseInt(caja.dataset.periodoCaja, 10)) !== -1;
      caja.hidden = !aplica;
      var campo = caja.querySelector("input");
      campo.disabled = !aplica || vinculada;
      if (vinculada) campo.value = "";
    });
    var aviso = fila.querySelector(".mir-vinculada");
    if (aviso) aviso.hidden = !vinculada;
    var titulo = fila.querySelector("[data-simbolo-titulo]");
    if (titulo) titulo.textContent = fila.querySelector("input.simbolo").value.trim();
    fila.classList.toggle("quitada", quitada(fila));
  }

  function ajustarTodas() { filas().forEach(ajustarFila); }

  // --- Filas nuevas desde la plantilla del formset. -------------------------------------
  function agregarFila(simbolo) {
    var indice = parseInt(total.value, 10);
    var html = plantilla.innerHTML.replace(/__prefix__/g, String(indice));
    var envoltura = document.createElement("div");
    envoltura.innerHTML = html.trim();
    var fila = envoltura.firstElementChild;
    contenedor.appendChild(fila);
    total.value = String(indice + 1);
    var campo = fila.querySelector("input.simbolo");
    if (simbolo) campo.value = simbolo;
    ajustarFila(fila);
    return fila;
  }

  // --- Revisión en vivo de la fórmula. ---------------------------------------------------
  function mostrar(respuesta) {
    lista.textContent = "";
    var texto = formula.value.trim();
    var problemas = texto ? respuesta.problemas : [];
    problemas.forEach(function (mensaje) {
      var li = document.createElement("li");
      li.className = "problema";
      li.textContent = mensaje;
      lista.appendChild(li);
    });
    if (texto && !problemas.length) {
      var ok = document.createElement("li");
      ok.className = "correcta";
      ok.textContent = "La fórmula es correcta y usa todas sus variables.";
      lista.appendChild(ok);
    }
    formula.setAttribute("aria-invalid", problemas.length ? "true" : "false");
    faltantes = texto ? respuesta.faltantes : [];
    propuesta.hidden = !faltantes.length;
    if (faltantes.length) {
      botonProponer.textContent = "Agregar " + (faltantes.length > 1 ? "las variables " : "la variable ") +
        faltantes.join(", ") + " de la fórmula";
    }
  }

  function revisar() {
    pendiente = null;
    var datos = new FormData();
    datos.append("formula", formula.value);
    simbolos().forEach(function (s) { datos.append("simbolos", s); });
    var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
    var numero = ++ultimaPeticion;
    fetch(form.dataset.revisarUrl, {
      method: "POST", body: datos, credentials: "same-origin",
      headers: {"X-CSRFToken": token, "Accept": "application/json"}
    }).then(function (r) {
      if (!r.ok) throw new Error(String(r.status));
      return r.json();
    }).then(function (respuesta) {
      if (numero === ultimaPeticion) mostrar(respuesta);
    }).catch(function () {
      if (numero !== ultimaPeticion) return;
      lista.textContent = "";
      var li = document.createElement("li");
      li.className = "problema";
      li.textContent = "No se pudo revisar la fórmula ahora; se revisará al guardar.";
      lista.appendChild(li);
    });
  }

  function revisarPronto() {
    if (pendiente) clearTimeout(pendiente);
    pendiente = setTimeout(revisar, 250);
  }

  botonProponer.addEventListener("click", function () {
    var primera = null;
    faltantes.forEach(function (s) {
      var fila = agregarFila(s);
      primera = primera || fila;
    });
    if (primera) primera.querySelector("input[name$='-nombre']").focus();
    revisar();
  });

  document.getElementById("agregar-variable").addEventListener("click", function () {
    agregarFila("").querySelector("input.simbolo").focus();
  });

  formula.addEventListener("input", revisarPronto);
  form.addEventListener("input", function (evento) {
    if (evento.target.matches("input.simbolo")) {
      ajustarFila(evento.target.closest("[data-variable]"));
      revisarPronto();
    }
  });
  form.addEventListener("change", function (evento) {
    var t = evento.target;
    if (t === frecuencia) ajustarTodas();
    if (t.matches("select.meta-vinculada, input[name$='-DELETE']")) {
      ajustarFila(t.closest("[data-variable]"));
      if (t.matches("input[name$='-DELETE']")) revisar();
    }
    if (t.id === "id_objetivo") {
      var opcion = t.options[t.selectedIndex];
      var tipo = document.getElementById("id_tipo");
      if (opcion && opcion.dataset.tipo && tipo) tipo.value = opcion.dataset.tipo;
    }
  });

  ajustarTodas();
  if (formula.value.trim()) revisar();
})();
