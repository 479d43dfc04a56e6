// Report job page: poll the job's state until it finishes (the URL is in data-estado-url).
(function () {
  var caja = document.getElementById('trabajo');
  if (!caja) return;
  function consultar() {
    fetch(caja.dataset.estadoUrl, {credentials: 'same-origin'}).then(function (r) { return r.json(); }).then(function (d) {
      document.getElementById('etiqueta').textContent = d.etiqueta;
      document.getElementById('hechas').textContent = d.hechas;
      document.getElementById('total').textContent = d.total || '?';
      document.getElementById('barra').style.width = d.porcentaje + '%';
      document.querySelector('.progreso').setAttribute('aria-valuenow', d.porcentaje);
      document.getElementById('mensaje').textContent = d.mensaje;
      if (d.descarga) { var p = document.getElementById('descarga'); p.hidden = false; var a = p.querySelector('a'); a.href = d.descarga; a.textContent = 'Descargar ' + d.nombre_archivo; }
      if (d.estado === 'PENDIENTE' || d.estado === 'EN_PROCESO') setTimeout(consultar, 1000);
    });
  }
  if (caja.dataset.enCurso === '1') consultar();
})();
