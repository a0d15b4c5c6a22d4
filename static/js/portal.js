/* Progressive enhancement only: every page works without this file. */
(function () {
  "use strict";

  // Move focus to the error summary so screen readers announce the problems.
  function enfocarResumenErrores() {
    var resumen = document.querySelector("[data-resumen-errores]");
    if (resumen) { resumen.focus(); }
  }

  // Department -> province -> district: refresh the next list on change instead
  // of asking the citizen to press "Mostrar provincias" / "Mostrar distritos".
  function opcion(valor, texto) {
    var o = document.createElement("option");
    o.value = valor;
    o.textContent = texto;
    return o;
  }

  function vaciar(select) {
    var primera = select.options[0];
    select.textContent = "";
    select.appendChild(primera);
    select.value = "";
  }

  function cargar(select, codigo) {
    vaciar(select);
    if (!codigo) { return; }
    var url = select.form.getAttribute("data-ubigeo-url").replace("000000", codigo);
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : { lugares: [] }; })
      .then(function (datos) {
        datos.lugares.forEach(function (l) { select.appendChild(opcion(l.codigo, l.nombre)); });
      });
  }

  function mejorarUbigeo() {
    var form = document.querySelector("form[data-ubigeo-url]");
    if (!form || !window.fetch) { return; }
    var dep = form.querySelector("[data-ubigeo=departamento]");
    var prov = form.querySelector("[data-ubigeo=provincia]");
    var dist = form.querySelector("[data-ubigeo=distrito]");
    if (!dep || !prov || !dist) { return; }
    form.querySelectorAll("[data-solo-sin-js]").forEach(function (b) { b.hidden = true; });
    dep.addEventListener("change", function () { vaciar(dist); cargar(prov, dep.value); });
    prov.addEventListener("change", function () { cargar(dist, prov.value); });
  }

  // A second click on "Enviar" while the first is on its way does nothing (the
  // server also ignores a repeated submission).
  function evitarDobleEnvio() {
    document.querySelectorAll("[data-evitar-doble-envio]").forEach(function (boton) {
      boton.form.addEventListener("submit", function (evento) {
        if (boton.form.dataset.enviado) { evento.preventDefault(); return; }
        boton.form.dataset.enviado = "1";
        boton.setAttribute("aria-disabled", "true");
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    enfocarResumenErrores();
    evitarDobleEnvio();
    mejorarUbigeo();
  });
})();
