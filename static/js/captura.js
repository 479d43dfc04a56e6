/* Rejilla de captura: navegación tipo hoja de cálculo, pegado desde Excel y vista previa.
 *
 * Mejora progresiva: sin este archivo la rejilla es un formulario normal. Los porcentajes y
 * el semáforo que se calculan aquí son solo una vista previa mientras se escribe; el servidor
 * vuelve a calcular todo con programas.formulas al guardar y al mostrar la página.
 */
(function () {
  "use strict";

  var form = document.getElementById("form-captura");
  if (!form) return;

  var UMBRALES = {
    verdeMin: Number(form.dataset.verdeMin),
    verdeMax: Number(form.dataset.verdeMax),
    amarilloMin: Number(form.dataset.amarilloMin),
    amarilloMax: Number(form.dataset.amarilloMax),
  };
  var ETIQUETAS = {
    verde: "Verde", amarillo: "Amarillo", rojo: "Rojo", np: "N/P",
    sin_captura: "Sin captura", vacio: "—",
  };

  /* --- Números es-MX (espejo de programas.numeros.parse_numero) ------------------------ */
  var NUMERO = /^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$/;
  var COMA_AMBIGUA = /^[+-]?\d+,\d{1,2}$/;

  function parseNumero(texto) {
    var limpio = (texto || "").trim();
    if (!limpio) return { valor: null, error: "" };
    if (COMA_AMBIGUA.test(limpio)) {
      return { valor: null, error: "«" + limpio + "» es ambiguo: use punto decimal." };
    }
    if (!NUMERO.test(limpio)) {
      return { valor: null, error: "«" + limpio + "» no es un número (ej. 1234.5 o 1,234.5)." };
    }
    var decimales = limpio.split(".")[1] || "";
    if (decimales.length > 2) {
      return { valor: null, error: "Use como máximo 2 decimales." };
    }
    var valor = Number(limpio.replace(/,/g, ""));
    if (valor < 0) return { valor: null, error: "El realizado no puede ser negativo." };
    if (valor >= 1e15) return { valor: null, error: "El valor es demasiado grande." };
    return { valor: valor, error: "" };
  }

  function formatear(valor, decimales) {
    return valor.toLocaleString("en-US", {
      minimumFractionDigits: decimales, maximumFractionDigits: decimales,
    });
  }

  function formatearCantidad(valor) {
    if (valor === null) return "";
    return valor.toLocaleString("en-US", { maximumFractionDigits: 2 });
  }

  /* --- Fórmulas (espejo de programas.formulas, solo para la vista previa) --------------- */
  // porcentaje(): {estado: "NUMERO"|"NP"|"VACIO"|"SIN_CAPTURA", valor}
  function porcentaje(r, p, vencido) {
    if (!p) {
      if (r !== null && r > 0) return { estado: "NP", valor: null };
      return { estado: "VACIO", valor: null };
    }
    if (r === null) return { estado: vencido ? "SIN_CAPTURA" : "VACIO", valor: null };
    return { estado: "NUMERO", valor: (r * 100) / p };
  }

  function cumplimiento(r, p, sentido, vencido) {
    var base = porcentaje(r, p, vencido);
    if (sentido !== "DESCENDENTE" || base.estado !== "NUMERO") return base;
    if (r === 0) return { estado: "NUMERO", valor: 100 };
    return { estado: "NUMERO", valor: (p * 100) / r };
  }

  function semaforo(c) {
    if (c.estado === "NP") return "np";
    if (c.estado === "SIN_CAPTURA") return "sin_captura";
    if (c.estado === "VACIO") return "vacio";
    // Compare the value rounded to 10 decimals: float noise must not flip a band edge.
    var v = Math.round(c.valor * 1e10) / 1e10;
    if (v >= UMBRALES.verdeMin && v <= UMBRALES.verdeMax) return "verde";
    if (v >= UMBRALES.amarilloMin && v <= UMBRALES.amarilloMax) return "amarillo";
    return "rojo";
  }

  function textoPorcentaje(pct) {
    if (pct.estado === "NP") return "N/P";
    if (pct.estado === "SIN_CAPTURA") return "sin captura";
    if (pct.estado === "VACIO") return "";
    return formatear(Math.round((pct.valor + Number.EPSILON) * 100) / 100, 2) + "%";
  }

  function agregar(valores, tipo) {
    var con = valores.filter(function (v) { return v !== null; });
    if (!con.length) return null;
    if (tipo === "PROMEDIO") return con.reduce(function (a, b) { return a + b; }, 0) / con.length;
    if (tipo === "ULTIMO") return con[con.length - 1];
    if (tipo === "MAXIMO") return Math.max.apply(null, con);
    return con.reduce(function (a, b) { return a + b; }, 0);
  }

  function agregarProgramado(ps, tipo) {
    var r = agregar(ps.map(function (p) { return p ? p : null; }), tipo);
    return r === null ? 0 : r;
  }

  /* --- Recalculation of one row ------------------------------------------------------ */
  function pintar(span, pct, color) {
    if (!span) return;
    span.textContent = textoPorcentaje(pct) || "\u00a0";
    span.className = "semaforo " + color;
    span.title = ETIQUETAS[color] || color;
  }

  function recalcularFila(fila) {
    var tipo = fila.dataset.tipo, sentido = fila.dataset.sentido;
    var ps = [], rs = [], vencidos = [], hayError = false;
    fila.querySelectorAll("td.p").forEach(function (tdP) {
      var p = tdP.dataset.p === "" ? 0 : Number(tdP.dataset.p);
      var tdR = tdP.nextElementSibling;
      var tdPct = tdR.nextElementSibling;
      var vencido = tdR.dataset.vencido === "1";
      var r;
      var entrada = tdR.querySelector("input.entrada-r");
      if (entrada) {
        var leido = parseNumero(entrada.value);
        marcarError(tdR, entrada, leido.error);
        if (leido.error) hayError = true;
        r = leido.valor;
      } else {
        r = tdR.textContent.trim() === "" ? null : parseNumero(tdR.textContent).valor;
      }
      var c = cumplimiento(r, p, sentido, vencido);
      pintar(tdPct.querySelector(".semaforo"), porcentaje(r, p, vencido), semaforo(c));
      ps.push(p); rs.push(r); vencidos.push(vencido && p > 0);
    });
    // PROMEDIO/ÚLTIMO: a 0 captured in an unprogrammed month is not a measurement.
    var paraAgregar = rs.map(function (r, i) {
      return (tipo === "PROMEDIO" || tipo === "ULTIMO") && r === 0 && !ps[i] ? null : r;
    });
    var pT = agregarProgramado(ps, tipo), rT = agregar(paraAgregar, tipo);
    var vencidoT = vencidos.some(Boolean);
    fila.querySelector(".t-p").textContent = formatearCantidad(pT);
    fila.querySelector(".t-r").textContent = formatearCantidad(rT);
    var cT = cumplimiento(rT, pT, sentido, vencidoT);
    var colorT = semaforo(cT);
    pintar(fila.querySelector(".t-pct .semaforo"), porcentaje(rT, pT, vencidoT), colorT);
    var requiere = colorT === "amarillo" || colorT === "rojo" || colorT === "np";
    var conObs = Array.prototype.some.call(
      fila.querySelectorAll(".col-obs textarea, .col-obs .obs-fija"),
      function (el) { return (el.value !== undefined ? el.value : el.textContent).trim() !== ""; }
    );
    var aviso = fila.querySelector(".aviso-obs");
    if (aviso) aviso.hidden = !requiere || conObs;
    fila.querySelector(".col-obs").classList.toggle("falta-obs", requiere && !conObs);
    return hayError;
  }

  function marcarError(td, entrada, error) {
    // The server's message (more detailed) stays until the user edits the cell.
    if (td.querySelector(".error-celda")) return;
    var msg = td.querySelector(".msg-vivo");
    if (!error) {
      if (msg) msg.remove();
      if (!td.querySelector(".error-celda")) td.classList.remove("celda-error");
      return;
    }
    td.classList.add("celda-error");
    if (!msg) {
      msg = document.createElement("span");
      msg.className = "msg-celda msg-vivo";
      msg.id = "mv-" + entrada.id;
      td.appendChild(msg);
      entrada.setAttribute("aria-describedby", msg.id);
    }
    msg.textContent = error;
  }

  /* --- Spreadsheet navigation -------------------------------------------------------- */
  var filas = Array.prototype.slice.call(form.querySelectorAll("tr.fila-meta"));
  // grid[i][j] = the R input of meta row i and month column j (null when read-only).
  var grid = filas.map(function (fila) {
    return Array.prototype.map.call(fila.querySelectorAll("td.r"), function (td) {
      return td.querySelector("input.entrada-r");
    });
  });

  function posicion(entrada) {
    for (var i = 0; i < grid.length; i++) {
      var j = grid[i].indexOf(entrada);
      if (j !== -1) return [i, j];
    }
    return null;
  }

  function mover(entrada, di, dj) {
    var pos = posicion(entrada);
    if (!pos) return;
    var i = pos[0] + di, j = pos[1] + dj;
    while (i >= 0 && i < grid.length && j >= 0 && j < (grid[i] || []).length) {
      if (grid[i][j]) { grid[i][j].focus(); grid[i][j].select(); return; }
      i += di; j += dj;
    }
  }

  form.addEventListener("keydown", function (ev) {
    var el = ev.target;
    if ((ev.ctrlKey || ev.metaKey) && (ev.key === "s" || ev.key === "S")) {
      ev.preventDefault();
      form.requestSubmit ? form.requestSubmit() : form.submit();
      return;
    }
    if (!el.classList || !el.classList.contains("entrada-r")) return;
    var inicio = el.selectionStart === 0 && el.selectionEnd === 0;
    var fin = el.selectionStart === el.value.length;
    var todo = el.selectionStart === 0 && el.selectionEnd === el.value.length;
    if (ev.key === "Enter") { ev.preventDefault(); mover(el, ev.shiftKey ? -1 : 1, 0); }
    else if (ev.key === "ArrowDown") { ev.preventDefault(); mover(el, 1, 0); }
    else if (ev.key === "ArrowUp") { ev.preventDefault(); mover(el, -1, 0); }
    else if (ev.key === "ArrowRight" && (fin || todo)) { ev.preventDefault(); mover(el, 0, 1); }
    else if (ev.key === "ArrowLeft" && (inicio || todo)) { ev.preventDefault(); mover(el, 0, -1); }
  });

  form.addEventListener("focusin", function (ev) {
    if (ev.target.classList && ev.target.classList.contains("entrada-r")) ev.target.select();
  });

  /* --- Paste a block copied from Excel: rows by newline, columns by tab ------------------ */
  form.addEventListener("paste", function (ev) {
    var el = ev.target;
    if (!el.classList || !el.classList.contains("entrada-r")) return;
    var datos = (ev.clipboardData || window.clipboardData).getData("text");
    if (!datos || !/[\t\n\r]/.test(datos.replace(/[\r\n]+$/, ""))) return; // one value: default
    ev.preventDefault();
    var renglones = datos.replace(/\r\n?/g, "\n").replace(/\n$/, "").split("\n");
    var pos = posicion(el);
    var pegadas = 0;
    renglones.forEach(function (renglon, di) {
      renglon.split("\t").forEach(function (valor, dj) {
        var destino = (grid[pos[0] + di] || [])[pos[1] + dj];
        if (!destino) return;
        destino.value = valor.trim();
        destino.dispatchEvent(new Event("input", { bubbles: true }));
        pegadas++;
      });
    });
    anunciar(pegadas + " celda(s) pegadas. Revise y guarde la rejilla.");
  });

  /* --- Dirty state, live preview and save ------------------------------------------------ */
  var sucio = false;
  var estado = document.getElementById("estado-cambios");
  function anunciar(texto) { if (estado) estado.textContent = texto; }

  form.addEventListener("input", function (ev) {
    var fila = ev.target.closest("tr.fila-meta");
    if (!fila) return;
    var contenedor = ev.target.closest("td, label");
    contenedor.classList.add("modificada");
    var delServidor = contenedor.querySelector(".error-celda");
    if (delServidor && ev.target.classList.contains("entrada-r")) {
      delServidor.remove();
      contenedor.classList.remove("celda-error");
    }
    recalcularFila(fila);
    if (!sucio) { sucio = true; anunciar("Hay cambios sin guardar."); }
  });

  window.addEventListener("beforeunload", function (ev) {
    if (sucio) { ev.preventDefault(); ev.returnValue = ""; }
  });

  form.addEventListener("submit", function () {
    sucio = false;
    var boton = document.getElementById("guardar");
    if (boton) { boton.disabled = true; boton.textContent = "Guardando…"; }
  });

  // Textareas grow with their content.
  function ajustar(t) { t.style.height = "auto"; t.style.height = t.scrollHeight + 2 + "px"; }
  form.querySelectorAll(".col-obs textarea").forEach(function (t) {
    if (t.value) ajustar(t);
    t.addEventListener("input", function () { ajustar(t); });
  });

  // Typed values re-shown after a rejected save: refresh their preview.
  if (form.querySelector(".celda-error, .conflicto")) filas.forEach(recalcularFila);
  var primero = form.querySelector(
    "td.celda-error input, td.conflicto input, label.celda-error textarea"
  );
  if (primero) primero.focus();

  // A link to one cell (`?celda=r-<meta>-<mes>` or `o-…`, from the sign-off's missing items):
  // scroll to it, mark it and focus its input when the user may edit it.
  var pedida = new URLSearchParams(window.location.search).get("celda") ||
    window.location.hash.replace(/^#/, "");
  if (!primero && /^[ro]-\d+-\d+$/.test(pedida || "")) {
    var destino = form.querySelector('[data-celda="' + pedida + '"]');
    if (destino) {
      destino.classList.add("celda-pedida");
      destino.scrollIntoView({ block: "center", inline: "nearest" });
      var campo = document.getElementById(pedida);
      if (campo) { campo.focus({ preventScroll: true }); if (campo.select) campo.select(); }
    }
  }
})();
