/* Solve page: poll the progress every 2 s and update the page; reload once when the solve ends. */
(function () {
  "use strict";
  var box = document.getElementById("progress");
  if (!box || box.getAttribute("data-active") !== "true") { return; }
  var url = box.getAttribute("data-progress-url");

  function show(name, value) {
    var el = box.querySelector('[data-field="' + name + '"]');
    if (!el) { return; }
    if (value === null || value === undefined || value === "") { value = "—"; }
    el.textContent = value;
  }

  function number(x, digits) {
    if (x === null || x === undefined) { return null; }
    return digits === 0 ? Math.round(x).toString() : String(Number(x.toPrecision(6)));
  }

  function poll() {
    fetch(url, {credentials: "same-origin", cache: "no-store", headers: {"Accept": "application/json"}})
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      })
      .then(function (p) {
        show("state_label", p.state_label);
        var state = box.querySelector('[data-field="state_label"]');
        if (state) { state.setAttribute("data-state", p.state); }
        show("elapsed", number(p.elapsed, 0));
        show("objective", number(p.objective));
        show("bound", number(p.bound));
        show("solver_status_label", p.solver_status_label);
        show("log", (p.log || []).join("\n"));
        if (p.active) {
          window.setTimeout(poll, 2000);
        } else {
          window.location.reload();   // the server draws the finished page: counts, publish button
        }
      })
      .catch(function () { window.setTimeout(poll, 2000); });
  }

  window.setTimeout(poll, 2000);
}());
