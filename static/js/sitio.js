// Behaviour declared with data attributes (no inline handlers: the CSP forbids them).
//   <select data-enviar-al-cambiar>   submits its form when the choice changes
//   <select data-ir-al-cambiar="ejercicio">  goes to ?ejercicio=<value>
//   <form data-confirmar="¿…?">       asks before submitting
(function () {
  document.addEventListener('change', function (e) {
    var el = e.target;
    if (el.matches && el.matches('[data-enviar-al-cambiar]') && el.form) {
      el.form.submit();
    } else if (el.matches && el.matches('[data-ir-al-cambiar]')) {
      window.location = '?' + encodeURIComponent(el.dataset.irAlCambiar) + '=' + encodeURIComponent(el.value);
    }
  });
  document.addEventListener('submit', function (e) {
    var form = e.target;
    if (form.dataset && form.dataset.confirmar && !window.confirm(form.dataset.confirmar)) {
      e.preventDefault();
    }
  });
})();
