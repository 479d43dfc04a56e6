// Keep programa/unidad choices to the selected ramo (the server re-checks everything).
(function () {
  var ramo = document.getElementById('id_ramo');
  if (!ramo) return;
  function filtrar() {
    ['id_programa', 'id_unidad'].forEach(function (id) {
      var sel = document.getElementById(id);
      Array.prototype.forEach.call(sel.options, function (o) {
        var visible = !o.dataset.ramo || !ramo.value || o.dataset.ramo === ramo.value;
        o.hidden = !visible;
        if (!visible && o.selected) sel.value = '';
      });
    });
  }
  ramo.addEventListener('change', filtrar);
  filtrar();
})();
