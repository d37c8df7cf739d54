/* The move validator, shared by the move form (move.js) and the draft's week grid (grid-drag.js): ask the
   server's check (check.json) about a time, room and teacher, and write the broken rules as a list. */
window.moveCheck = (function () {
  "use strict";

  // The validator's answer for moving a meeting to `slot` with `room` and `teacher`: a promise of the JSON.
  function ask(url, slot, room, teacher) {
    var query = "?slot=" + encodeURIComponent(slot) + "&room=" + encodeURIComponent(room) +
      "&teacher=" + encodeURIComponent(teacher);
    return fetch(url + query, {credentials: "same-origin", cache: "no-store", headers: {"Accept": "application/json"}})
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      });
  }

  // The broken rules as a list under `box`: the rule's code in bold, its words, and what breaks it.
  function violations(box, items) {
    if (!items || !items.length) { return; }
    var list = document.createElement("ul");
    list.className = "violations";
    items.forEach(function (v) {
      var li = document.createElement("li");
      var rule = document.createElement("strong");
      rule.textContent = v.rule;
      li.appendChild(rule);
      li.appendChild(document.createTextNode(" (" + v.rule_text + "): " + v.message));
      list.appendChild(li);
    });
    box.appendChild(list);
  }

  return {ask: ask, violations: violations};
}());
