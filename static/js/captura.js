/* Rejilla de captura: navegación tipo hoja de cálculo, pegado desde Excel, vista previa y
 * guardado por fila (automático al salir de una fila, Ctrl+S, Ctrl+Z).
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

  // One Intl.NumberFormat per shape, built when the page loads: toLocaleString with options
  // builds a new one on every call, and the first one loads the locale's data (≈20 ms on
  // the first key typed in the page).
  var FORMATOS = {};
  function formato(minimo, maximo) {
    var llave = minimo + "-" + maximo;
    return FORMATOS[llave] || (FORMATOS[llave] = new Intl.NumberFormat("en-US", {
      minimumFractionDigits: minimo, maximumFractionDigits: maximo,
    }));
  }

  function formatear(valor, decimales) { return formato(decimales, decimales).format(valor); }

  function formatearCantidad(valor) {
    if (valor === null) return "";
    return formato(0, 2).format(valor);
  }
  [0, 1, 2].forEach(function (d) { formatear(0, d); });
  formatearCantidad(0);
  formato(0, 0).format(0);

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

  /* --- Recalculation of one row (preview while typing) --------------------------------- */
  var LIMITE_OBS = Number(form.dataset.limiteObs) || 4000;
  var FUERA_DE_VERDE = { amarillo: true, rojo: true, np: true };

  // Every key recalculates its row; the DOM is written only where something changed, so a
  // key that changes nothing visible costs no style, layout or paint work (issue 11).
  function poner(el, propiedad, valor) {
    if (el && el[propiedad] !== valor) el[propiedad] = valor;
  }

  function pintar(span, pct, color) {
    if (!span) return;
    poner(span, "textContent", textoPorcentaje(pct) || "\u00a0");
    poner(span, "className", "semaforo " + color);
    poner(span, "title", ETIQUETAS[color] || color);
  }

  // The quarter's P and R of a row: the text sits in a fixed-size span (captura.css).
  function cifra(fila, clase) {
    var td = fila.querySelector("td." + clase);
    return td && (td.querySelector(".cifra") || td);
  }

  function filaObs(fila) { return document.getElementById("obs-" + fila.dataset.meta); }

  function textosObs(fila) {
    var obs = filaObs(fila);
    return obs ? Array.prototype.slice.call(obs.querySelectorAll("textarea, .obs-fija p")) : [];
  }

  function conObservacion(el) {
    return el.tagName === "TEXTAREA" ? el.value.trim() !== "" : !/^Sin observación\.?$/.test(el.textContent.trim());
  }

  function requiereMes(fila, mes, color) {
    var obs = filaObs(fila);
    var marca = obs && obs.querySelector('.obs-mes[data-mes="' + mes + '"] .requiere');
    poner(marca, "hidden", !FUERA_DE_VERDE[color]);
  }

  function avisoJustificacion(fila, requiere) {
    var textos = textosObs(fila);
    var con = textos.filter(conObservacion).length;
    poner(fila.querySelector(".obs-cuenta"), "textContent", con + "/" + fila.querySelectorAll("td.p").length);
    poner(fila.querySelector(".aviso-obs"), "hidden", !requiere || con > 0);
    fila.querySelector(".col-obs").classList.toggle("falta-obs", requiere && con === 0);
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
      var color = semaforo(c);
      pintar(tdPct.querySelector(".semaforo"), porcentaje(r, p, vencido), color);
      requiereMes(fila, tdPct.dataset.mes, color);
      ps.push(p); rs.push(r); vencidos.push(vencido && p > 0);
    });
    // PROMEDIO/ÚLTIMO: a 0 captured in an unprogrammed month is not a measurement.
    var paraAgregar = rs.map(function (r, i) {
      return (tipo === "PROMEDIO" || tipo === "ULTIMO") && r === 0 && !ps[i] ? null : r;
    });
    var pT = agregarProgramado(ps, tipo), rT = agregar(paraAgregar, tipo);
    var vencidoT = vencidos.some(Boolean);
    poner(cifra(fila, "t-p"), "textContent", formatearCantidad(pT));
    poner(cifra(fila, "t-r"), "textContent", formatearCantidad(rT));
    var colorT = semaforo(cumplimiento(rT, pT, sentido, vencidoT));
    pintar(fila.querySelector("td.t-pct .semaforo"), porcentaje(rT, pT, vencidoT), colorT);
    avisoJustificacion(fila, !!FUERA_DE_VERDE[colorT]);
    textosObs(fila).forEach(function (t) { if (t.tagName === "TEXTAREA" && obsConError(t)) hayError = true; });
    return hayError;
  }

  function largoObs(t) { return t.value.replace(/\r\n?/g, "\n").trim().length; }

  // An observación over the limit (or refused by the server) keeps its row from being sent.
  function obsConError(t) {
    return largoObs(t) > LIMITE_OBS || !!t.closest(".obs-mes").querySelector(".error-celda");
  }

  function mensajeEn(contenedor, clase, texto, entrada) {
    var msg = contenedor.querySelector("." + clase);
    if (!texto) { if (msg) msg.remove(); return; }
    if (!msg) {
      msg = document.createElement("span");
      msg.className = "msg-celda " + clase;
      msg.id = clase + "-" + entrada.id;
      msg.setAttribute("role", "alert");
      contenedor.appendChild(msg);
      entrada.setAttribute("aria-describedby", ((entrada.getAttribute("aria-describedby") || "") + " " + msg.id).trim());
    }
    msg.textContent = texto;
  }

  function marcarError(td, entrada, error) {
    // The server's message (more detailed) stays until the user edits the cell.
    if (td.querySelector(".error-celda")) return;
    mensajeEn(td, "msg-vivo", error, entrada);
    td.classList.toggle("celda-error", !!error);
    if (error) entrada.setAttribute("aria-invalid", "true"); else entrada.removeAttribute("aria-invalid");
  }

  // Counter of an observación; over the limit the cell is marked and its row is not sent.
  function contar(t) {
    var n = largoObs(t);
    var caja = t.closest(".obs-mes");
    var contador = caja.querySelector(".contador");
    var excede = n > LIMITE_OBS;
    if (contador) {
      poner(contador, "textContent", formato(0, 0).format(n) + " de " + formato(0, 0).format(LIMITE_OBS) + " caracteres");
      contador.classList.toggle("excede", excede);
    }
    if (!caja.querySelector(".error-celda")) {
      mensajeEn(caja, "msg-vivo", excede ? "Las observaciones admiten como máximo " +
        formato(0, 0).format(LIMITE_OBS) + " caracteres (escribió " + formato(0, 0).format(n) +
        "): acórtelas; esta fila no se guardará hasta entonces." : "", t);
      caja.classList.toggle("celda-error", excede);
    }
    return excede || !!caja.querySelector(".error-celda");
  }

  /* --- Spreadsheet navigation -------------------------------------------------------- */
  var filas = Array.prototype.slice.call(form.querySelectorAll("tr.fila-meta"));
  var porMeta = {};
  filas.forEach(function (f, i) { porMeta[f.dataset.meta] = f; f.dataset.indice = i; });
  // grid[i][j] = the R input of meta row i and month column j (null when read-only).
  var grid = filas.map(function (fila) {
    return Array.prototype.map.call(fila.querySelectorAll("td.r"), function (td) {
      return td.querySelector("input.entrada-r");
    });
  });

  function filaDe(el) {
    var tr = el && el.closest && el.closest("tr.fila-meta, tr.fila-obs");
    return tr ? porMeta[tr.dataset.meta] : null;
  }

  function posicion(entrada) {
    var fila = filaDe(entrada);
    if (!fila) return null;
    var i = Number(fila.dataset.indice), j = grid[i].indexOf(entrada);
    return j === -1 ? null : [i, j];
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

  /* --- Row state: saved, pending, saving, rejected, conflict ----------------------------- */
  var estadoGlobal = document.getElementById("estado-cambios");
  // Written only when it changes: a live region re-announces every write, even the same text.
  function anunciar(texto) { poner(estadoGlobal, "textContent", texto); }

  function campos(fila) {
    var lista = Array.prototype.slice.call(fila.querySelectorAll("input.entrada-r"));
    var obs = filaObs(fila);
    if (obs) lista = lista.concat(Array.prototype.slice.call(obs.querySelectorAll("textarea")));
    return lista;
  }

  var enviada = form.dataset.enviada === "1"; // re-shown after a refused classic POST
  filas.forEach(function (fila) {
    campos(fila).forEach(function (el) { el.dataset.guardado = enviada ? "\u0000" : el.value; });
  });

  function sucia(fila) {
    return campos(fila).some(function (el) { return el.value !== el.dataset.guardado; });
  }

  function hora() {
    var d = new Date();
    return String(d.getHours()).padStart(2, "0") + ":" + String(d.getMinutes()).padStart(2, "0");
  }

  var TEXTOS = {
    limpia: "Sin cambios", pendiente: "Pendiente", guardando: "Guardando…", guardado: "Guardado",
    rechazado: "Rechazada", conflicto: "Conflicto",
  };

  function marcar(fila, estado, detalle) {
    var span = fila.querySelector(".estado-fila");
    if (!span) return;
    if (fila.dataset.estado !== estado) fila.dataset.estado = estado;
    if (span.dataset.estado !== estado) span.dataset.estado = estado;
    var texto = TEXTOS[estado] + (estado === "guardado" ? " " + hora() : "");
    poner(span, "textContent", texto);
    poner(span, "title", detalle || texto);
    fila.classList.toggle("fila-rechazada", estado === "rechazado" || estado === "conflicto");
    fila.classList.toggle("fila-pendiente", estado === "pendiente" || estado === "guardando");
    resumen();
  }

  function resumen() {
    var cuenta = { pendiente: 0, guardando: 0, rechazado: 0, conflicto: 0, guardado: 0 };
    filas.forEach(function (f) { if (f.dataset.estado in cuenta) cuenta[f.dataset.estado]++; });
    var partes = [];
    if (cuenta.guardando) partes.push("guardando " + cuenta.guardando + " fila(s)");
    if (cuenta.pendiente) partes.push(cuenta.pendiente + " fila(s) pendientes de guardar");
    if (cuenta.rechazado) partes.push(cuenta.rechazado + " fila(s) rechazadas: corrija las celdas marcadas");
    if (cuenta.conflicto) partes.push(cuenta.conflicto + " fila(s) en conflicto con otra persona");
    if (cuenta.guardado) partes.push(cuenta.guardado + " fila(s) guardadas");
    if (partes.length) anunciar(partes.join(" · ") + ".");
  }

  /* --- Saving one row (JSON endpoint; the classic POST stays for pages without JS) ------- */
  var token = (form.querySelector("input[name=csrfmiddlewaretoken]") || {}).value || "";
  var cola = [], enCurso = null, temporizador = null;

  function encolar(fila) {
    if (!fila.dataset.url || cola.indexOf(fila) !== -1 || enCurso === fila) return;
    cola.push(fila);
    siguiente();
  }

  function siguiente() {
    if (enCurso || !cola.length) return;
    var fila = cola.shift();
    if (recalcularFila(fila)) {
      marcar(fila, "rechazado", "Hay celdas con errores: corríjalas y la fila se guardará.");
      return siguiente();
    }
    enCurso = fila;
    enviar(fila).then(function () { enCurso = null; siguiente(); });
  }

  function enviar(fila) {
    var datos = new FormData();
    var enviados = [];
    fila.querySelectorAll("td.editable").forEach(function (td) {
      var sufijo = fila.dataset.meta + "-" + td.dataset.mes;
      var r = td.querySelector("input.entrada-r");
      var o = document.getElementById("o-" + sufijo);
      datos.append("r-" + sufijo, r.value);
      datos.append("v-" + sufijo, td.querySelector("input[type=hidden]").value);
      datos.append("o-" + sufijo, o ? o.value : "");
      enviados.push([r, r.value]);
      if (o) enviados.push([o, o.value]);
    });
    marcar(fila, "guardando");
    return fetch(fila.dataset.url, {
      method: "POST", body: datos, credentials: "same-origin",
      headers: { "X-CSRFToken": token, "X-Requested-With": "fetch", Accept: "application/json" },
    }).then(function (resp) {
      return resp.json().catch(function () { return { estado: "error", mensaje: "Respuesta inesperada del servidor (" + resp.status + ")." }; });
    }).then(function (r) { aplicarRespuesta(fila, r, enviados); }, function () {
      marcar(fila, "pendiente", "Sin conexión con el servidor: se reintentará.");
      setTimeout(function () { encolar(fila); }, 5000);
    });
  }

  function limpiarMensajes(fila) {
    campos(fila).forEach(function (el) {
      var caja = el.closest("td, .obs-mes");
      caja.querySelectorAll(".error-celda, .conflicto-celda").forEach(function (m) { m.remove(); });
      caja.classList.remove("celda-error", "conflicto");
      el.removeAttribute("aria-invalid");
    });
  }

  function cajaDe(fila, mes, enObs) {
    var sufijo = fila.dataset.meta + "-" + mes;
    var el = document.getElementById((enObs ? "o-" : "r-") + sufijo);
    return el ? [el.closest("td, .obs-mes"), el] : [null, null];
  }

  function aplicarRespuesta(fila, r, enviados) {
    limpiarMensajes(fila);
    if (r.estado === "guardado" || r.estado === "sin_cambios") {
      enviados.forEach(function (par) {
        par[0].dataset.guardado = par[1];
        if (par[0].value === par[1]) par[0].closest("td, .obs-mes").classList.remove("modificada");
      });
      aplicarCifras(fila, r.fila);
      marcar(fila, sucia(fila) ? "pendiente" : "guardado", r.mensaje);
      if (sucia(fila)) programar();
      return;
    }
    if (r.estado === "conflicto") {
      Object.keys(r.conflictos || {}).forEach(function (mes) {
        var c = r.conflictos[mes], par = cajaDe(fila, mes, false);
        if (!par[0]) return;
        par[0].classList.add("conflicto");
        par[0].querySelector("input[type=hidden]").value = c.ficha; // saving again replaces theirs
        mensajeEn(par[0], "conflicto-celda", c.usuario + " guardó «" + (c.realizado || "vacío") + "»" +
          (c.fecha ? " a las " + c.fecha : "") + (c.observaciones ? " con la observación «" +
          c.observaciones.slice(0, 80) + "»" : "") + ". Guarde de nuevo (Ctrl+S) para reemplazarlo.", par[1]);
      });
      marcar(fila, "conflicto", r.mensaje);
      anunciar(r.mensaje);
      return;
    }
    Object.keys(r.errores || {}).forEach(function (mes) {
      var e = r.errores[mes], par = cajaDe(fila, mes, e.en_observaciones);
      if (!par[0]) return;
      par[0].classList.add("celda-error");
      par[1].setAttribute("aria-invalid", "true");
      mensajeEn(par[0], "error-celda", e.texto, par[1]);
      if (e.en_observaciones) abrirObs(fila, true);
    });
    marcar(fila, "rechazado", r.mensaje);
    anunciar(r.mensaje || "No se guardó la fila.");
  }

  function aplicarCifras(fila, datos) {
    if (!datos) return;
    poner(cifra(fila, "t-p"), "textContent", datos.t_p);
    poner(cifra(fila, "t-r"), "textContent", datos.t_r);
    pintarServidor(fila.querySelector("td.t-pct .semaforo"), datos.t_pct);
    Object.keys(datos.meses).forEach(function (mes) {
      var m = datos.meses[mes];
      var td = fila.querySelector('td.pct[data-mes="' + mes + '"]');
      if (td) pintarServidor(td.querySelector(".semaforo"), m);
      var oculto = fila.querySelector('td.editable[data-mes="' + mes + '"] input[type=hidden]');
      if (oculto) oculto.value = m.ficha;
      requiereMes(fila, mes, m.semaforo);
    });
    poner(fila.querySelector(".aviso-obs"), "hidden", !datos.falta_justificacion);
    fila.querySelector(".col-obs").classList.toggle("falta-obs", datos.falta_justificacion);
  }

  function pintarServidor(span, f) {
    if (!span) return;
    poner(span, "textContent", f.texto || "\u00a0");
    poner(span, "className", "semaforo " + f.semaforo);
    poner(span, "title", f.etiqueta);
  }

  // Rows the user has left (focus is elsewhere) are saved a moment later.
  function programar() {
    clearTimeout(temporizador);
    temporizador = setTimeout(function () {
      var activa = filaDe(document.activeElement);
      filas.forEach(function (f) {
        if (f !== activa && f.dataset.estado === "pendiente") encolar(f);
      });
    }, 700);
  }

  function guardarTodo() {
    clearTimeout(temporizador);
    var hay = false;
    filas.forEach(function (f) {
      var estado = f.dataset.estado;
      if (estado === "pendiente" || estado === "conflicto" || (estado === "rechazado" && sucia(f))) {
        hay = true; encolar(f);
      }
    });
    if (!hay && !enCurso) anunciar("No hay cambios pendientes: todo lo capturado está guardado.");
  }

  /* --- Undo (Ctrl+Z): the last change of a cell, or the last pasted block ------------------- */
  var deshacer = [];
  var alEntrar = new WeakMap();

  function recordar(cambios) { if (cambios.length) deshacer.push(cambios); if (deshacer.length > 200) deshacer.shift(); }

  function deshacerUltimo() {
    var el = document.activeElement;
    if (el && alEntrar.has(el) && el.value !== alEntrar.get(el)) {
      recordar([]); // the cell being edited goes back to what it had when entered
      aplicarValores([[el, alEntrar.get(el)]]);
      return true;
    }
    var grupo = deshacer.pop();
    if (!grupo) { anunciar("No hay nada que deshacer."); return false; }
    aplicarValores(grupo);
    if (grupo[0][0].focus) grupo[0][0].focus();
    anunciar("Se deshizo el último cambio (" + grupo.length + " celda(s)).");
    return true;
  }

  function aplicarValores(pares) {
    pares.forEach(function (par) {
      par[0].value = par[1];
      par[0].dispatchEvent(new Event("input", { bubbles: true }));
      alEntrar.set(par[0], par[1]);
    });
    programar();
  }

  /* --- Events --------------------------------------------------------------------------- */
  form.classList.add("con-js");

  form.addEventListener("keydown", function (ev) {
    var el = ev.target;
    if ((ev.ctrlKey || ev.metaKey) && (ev.key === "s" || ev.key === "S")) {
      ev.preventDefault();
      guardarTodo();
      return;
    }
    if ((ev.ctrlKey || ev.metaKey) && !ev.shiftKey && (ev.key === "z" || ev.key === "Z")) {
      if (el.tagName !== "TEXTAREA" || !alEntrar.has(el) || el.value === alEntrar.get(el)) {
        ev.preventDefault();
        deshacerUltimo();
      }
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

  // Working in the grid brings it to the top of the window: the page header scrolls away and
  // the grid (its only scroll area) fills the screen.
  var contenedor = document.getElementById("rejilla-contenedor");
  // The body's columns stick sideways only while the grid overflows its box (captura.css).
  if (contenedor && window.ResizeObserver) {
    var desborde = new ResizeObserver(function () {
      contenedor.classList.toggle("desborda", contenedor.scrollWidth > contenedor.clientWidth + 1);
    });
    desborde.observe(contenedor);
    desborde.observe(contenedor.querySelector("table"));
  } else if (contenedor) {
    contenedor.classList.add("desborda");
  }
  // Measured once per page scroll (reading the layout on every focus would force a layout of
  // the whole table right after each edit).
  var rejillaArriba = false;
  window.addEventListener("scroll", function () { rejillaArriba = false; }, { passive: true });
  function traerRejilla() {
    if (rejillaArriba || !contenedor || window.innerWidth <= 700) return;
    var arriba = contenedor.getBoundingClientRect().top;
    if (arriba > 1) window.scrollBy(0, arriba);
    setTimeout(function () { rejillaArriba = true; }, 0); // after our own scroll event
  }

  form.addEventListener("focusin", function (ev) {
    var el = ev.target;
    if (el.classList && el.classList.contains("entrada-r")) { traerRejilla(); el.select(); }
    if (el.dataset && "guardado" in el.dataset) alEntrar.set(el, el.value);
  });

  form.addEventListener("focusout", function (ev) {
    var el = ev.target;
    if (alEntrar.has(el) && el.value !== alEntrar.get(el)) {
      recordar([[el, alEntrar.get(el)]]);
      alEntrar.set(el, el.value);
    }
    var fila = filaDe(el);
    if (fila && filaDe(ev.relatedTarget) !== fila) programar();
  });

  /* Paste a block copied from Excel or Google Sheets: rows by newline, months by tab. */
  form.addEventListener("paste", function (ev) {
    var el = ev.target;
    if (!el.classList || !el.classList.contains("entrada-r")) return;
    var datos = (ev.clipboardData || window.clipboardData).getData("text");
    if (!datos || !/[\t\n\r]/.test(datos.replace(/[\r\n]+$/, ""))) return; // one value: default
    ev.preventDefault();
    var renglones = datos.replace(/\r\n?/g, "\n").replace(/\n$/, "").split("\n");
    var pos = posicion(el);
    var antes = [], sobrantes = 0;
    renglones.forEach(function (renglon, di) {
      renglon.split("\t").forEach(function (valor, dj) {
        var destino = (grid[pos[0] + di] || [])[pos[1] + dj];
        if (!destino) { sobrantes++; return; }
        antes.push([destino, destino.value]);
        destino.value = valor.trim();
        destino.dispatchEvent(new Event("input", { bubbles: true }));
        alEntrar.set(destino, destino.value);
      });
    });
    recordar(antes);
    anunciar(antes.length + " celda(s) pegadas" + (sobrantes ? "; " + sobrantes +
      " valor(es) quedaron fuera de la rejilla o en celdas de solo lectura" : "") +
      ". Se guardan al salir de la fila (Ctrl+Z deshace el pegado).");
    programar();
  });

  form.addEventListener("input", function (ev) {
    var fila = filaDe(ev.target);
    if (!fila) return;
    var caja = ev.target.closest("td, .obs-mes");
    caja.classList.toggle("modificada", ev.target.value !== ev.target.dataset.guardado);
    var delServidor = caja.querySelector(".error-celda");
    if (delServidor) { delServidor.remove(); caja.classList.remove("celda-error"); }
    var conflicto = caja.querySelector(".conflicto-celda");
    if (conflicto) { conflicto.remove(); caja.classList.remove("conflicto"); }
    if (ev.target.tagName === "TEXTAREA") contar(ev.target);
    var error = recalcularFila(fila);
    if (sucia(fila)) marcar(fila, error ? "rechazado" : "pendiente",
      error ? "Hay celdas con errores: corríjalas y la fila se guardará." : "");
    else marcar(fila, "limpia");
  });

  form.addEventListener("click", function (ev) {
    var boton = ev.target.closest("button.abrir-obs");
    if (!boton) return;
    var fila = filaDe(boton);
    var abrir = boton.getAttribute("aria-expanded") !== "true";
    abrirObs(fila, abrir);
    if (abrir) {
      var primero = filaObs(fila).querySelector("textarea");
      if (primero) primero.focus();
    }
  });

  function abrirObs(fila, abrir) {
    var obs = filaObs(fila);
    if (!obs) return;
    obs.classList.toggle("cerrada", !abrir);
    fila.querySelector("button.abrir-obs").setAttribute("aria-expanded", abrir ? "true" : "false");
  }

  form.addEventListener("submit", function (ev) {
    if (!window.fetch) return; // classic POST of the whole grid
    ev.preventDefault();
    guardarTodo();
  });

  window.addEventListener("beforeunload", function (ev) {
    var pendiente = enCurso || cola.length || filas.some(function (f) { return sucia(f); });
    if (pendiente) { ev.preventDefault(); ev.returnValue = ""; }
  });

  /* --- Initial state ------------------------------------------------------------------- */
  filas.forEach(function (fila) {
    if (!fila.dataset.url) return;
    fila.dataset.estado = "limpia";
    if (fila.querySelector(".celda-error")) marcar(fila, "rechazado", "Hay celdas con errores.");
    else if (fila.querySelector(".conflicto")) marcar(fila, "conflicto");
    else if (enviada) marcar(fila, "pendiente");
  });
  if (form.querySelector(".celda-error, .conflicto")) filas.forEach(recalcularFila);
  var primero = form.querySelector(
    "td.celda-error input, td.conflicto input, .obs-mes.celda-error textarea"
  );
  if (primero) primero.focus();

  // A link to one cell (`?celda=r-<meta>-<mes>` or `o-…`, from the sign-off's missing items):
  // scroll to it, mark it and focus its input when the user may edit it.
  var pedida = new URLSearchParams(window.location.search).get("celda") ||
    window.location.hash.replace(/^#/, "");
  if (!primero && /^[ro]-\d+-\d+$/.test(pedida || "")) {
    var destino = form.querySelector('[data-celda="' + pedida + '"]');
    if (destino) {
      if (pedida[0] === "o") abrirObs(filaDe(destino), true);
      destino.classList.add("celda-pedida");
      destino.scrollIntoView({ block: "center", inline: "nearest" });
      var campo = document.getElementById(pedida);
      if (campo) { campo.focus({ preventScroll: true }); if (campo.select) campo.select(); }
    }
  }
})();
