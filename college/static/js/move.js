/* Move form: ask the server's validator about the chosen time, room and teacher at every change. */
(function () {
  "use strict";
  var form = document.getElementById("move-form");
  var box = document.getElementById("move-check");
  if (!form || !box || !window.moveCheck) { return; }
  var url = form.getAttribute("data-check-url");
  var asked = 0;

  function value(name) {
    var el = form.querySelector('[name="' + name + '"]');
    return el ? el.value : "";
  }

  function say(text, items) {
    box.textContent = "";
    var p = document.createElement("p");
    p.textContent = text;
    box.appendChild(p);
    window.moveCheck.violations(box, items);
  }

  function check() {
    var mine = ++asked;
    box.setAttribute("data-state", "wait");
    say(box.getAttribute("data-wait"));
    window.moveCheck.ask(url, value("slot"), value("room"), value("teacher"))
      .then(function (c) {
        if (mine !== asked) { return; }     // an older answer after a newer question
        box.setAttribute("data-state", c.ok ? "ok" : "bad");
        if (c.ok) {
          say(box.getAttribute("data-ok") + " " + c.objective);
        } else {
          say(box.getAttribute("data-bad"), c.violations);
        }
      })
      .catch(function () {
        if (mine === asked) {
          box.setAttribute("data-state", "failed");
          say(box.getAttribute("data-failed"));
        }
      });
  }

  ["slot", "room", "teacher"].forEach(function (name) {
    var el = form.querySelector('[name="' + name + '"]');
    if (el) { el.addEventListener("change", check); }
  });
  check();
}());
