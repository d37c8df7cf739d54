// Learners' forms marked data-submit-once: the first tap sends the form and its button disables itself,
// so a slow network and a second tap send nothing twice (the server is idempotent as well).
// A button with data-print prints the page (the enrollment slip).
(function () {
  "use strict";

  function buttonsOf(form) {
    return Array.prototype.slice.call(form.querySelectorAll("button[type=submit], input[type=submit]"));
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-submit-once")) return;
    if (form.getAttribute("data-sent") === "1") {
      event.preventDefault();
      return;
    }
    form.setAttribute("data-sent", "1");
    // Disabled after this turn: a button disabled now would drop its own name and value from the form.
    window.setTimeout(function () {
      buttonsOf(form).forEach(function (button) {
        button.disabled = true;
        button.setAttribute("aria-disabled", "true");
        var busy = button.getAttribute("data-busy");
        if (busy) {
          button.setAttribute("data-idle", button.textContent);
          button.textContent = busy;
        }
      });
    }, 0);
  });

  // Back to a page the browser kept in memory: the buttons work again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    Array.prototype.forEach.call(document.querySelectorAll("form[data-submit-once]"), function (form) {
      form.removeAttribute("data-sent");
      buttonsOf(form).forEach(function (button) {
        button.disabled = false;
        button.removeAttribute("aria-disabled");
        if (button.hasAttribute("data-idle")) button.textContent = button.getAttribute("data-idle");
      });
    });
  });

  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("[data-print]") : null;
    if (target) {
      event.preventDefault();
      window.print();
    }
  });
})();
