// Import job page: poll the job's state; when its stage changes (preview ready, finished,
// error, interrupted) reload, so the server renders the preview or the result.
(function () {
  var caja = document.getElementById('trabajo');
  if (!caja || caja.dataset.enCurso !== '1') return;
  var etapa = caja.dataset.etapa;
  function poner(id, valor) { var e = document.getElementById(id); if (e) e.textContent = valor; }
  function consultar() {
    fetch(caja.dataset.estadoUrl, {credentials: 'same-origin'}).then(function (r) { return r.json(); }).then(function (d) {
      if (d.etapa !== etapa || !d.en_curso) { window.location.reload(); return; }
      poner('etiqueta', d.etiqueta); poner('hechas', d.hechas); poner('total', d.total || '?');
      poner('unidad', d.unidad); poner('porcentaje', d.porcentaje); poner('mensaje', d.mensaje);
      var barra = document.getElementById('barra');
      if (barra) barra.style.width = d.porcentaje + '%';
      var p = document.querySelector('.progreso'); if (p) p.setAttribute('aria-valuenow', d.porcentaje);
      setTimeout(consultar, 1000);
    }).catch(function () { setTimeout(consultar, 3000); });
  }
  setTimeout(consultar, 1000);
})();
