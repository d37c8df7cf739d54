/* Week grid of a draft version: drag a meeting to another time (a day × period cell) to move it there.
   The room and the teacher stay; only the time changes. Each cell the meeting is dragged into is checked
   once per drag with the move form's check (check.json), and the cell is marked ok or refused with the
   rule's words in the live region. A drop on an accepted cell posts the move form's operation (move.json,
   with the CSRF token) and reloads the grid; a drop on a refused cell changes nothing and the message
   stays. Locked meetings are not draggable. Without drag and drop, each card's Move link opens the form. */
(function () {
  "use strict";
  var table = document.querySelector("table.week-grid[data-drag]");
  var box = document.getElementById("drag-status");
  if (!table || !box || !window.fetch || !window.FormData || !window.moveCheck ||
      !("draggable" in document.createElement("span"))) { return; }
  var csrf = table.getAttribute("data-csrf");
  var drag = null;     // the drag under way: {card, cache: {slot: promise of the check}, cell, dropped}

  function text(name) { return box.getAttribute("data-" + name) || ""; }

  // The live region: a state, lines of words, and the broken rules as a list.
  function say(state, words, items) {
    box.textContent = "";
    box.setAttribute("data-state", state);
    [].concat(words || []).forEach(function (line) {
      if (!line) { return; }
      var p = document.createElement("p");
      p.textContent = line;
      box.appendChild(p);
    });
    window.moveCheck.violations(box, items);
  }

  function mark(cell, state) {
    table.querySelectorAll("td[data-drop]").forEach(function (td) {
      if (td !== cell) { td.removeAttribute("data-drop"); }
    });
    if (cell) { cell.setAttribute("data-drop", state); }
  }

  function where(cell) { return (cell.getAttribute("data-label") || cell.getAttribute("data-slot")) + ": "; }

  // The validator's answer for moving the dragged meeting to `slot`: asked once per cell and drag.
  function check(d, slot) {
    if (!d.cache[slot]) {
      var card = d.card;
      d.cache[slot] = window.moveCheck.ask(card.getAttribute("data-check-url"), slot,
        card.getAttribute("data-room"), card.getAttribute("data-teacher"));
    }
    return d.cache[slot];
  }

  function show(d, cell, answer) {
    if (d.cell !== cell) { return; }      // an answer for a cell the meeting has already left
    if (answer.ok) {
      mark(cell, "ok");
      say("ok", [where(cell) + text("ok") + " " + answer.objective, d.dropped ? "" : text("drop")]);
    } else {
      mark(cell, "bad");
      say("bad", where(cell) + text("bad"), answer.violations);
    }
  }

  function failed(d, cell) {
    if (d.cell !== cell) { return; }
    mark(cell, "failed");
    say("failed", text("failed"));
  }

  function enter(d, cell) {
    d.cell = cell;
    var slot = cell.getAttribute("data-slot");
    if (slot === d.card.getAttribute("data-slot")) {
      mark(cell, "here");
      say("here", where(cell) + text("here"));
      return;
    }
    mark(cell, "wait");
    say("wait", where(cell) + text("wait"));
    check(d, slot).then(function (answer) { show(d, cell, answer); }, function () { failed(d, cell); });
  }

  function move(d, cell) {
    var card = d.card;
    var body = new FormData();
    body.append("csrf_token", csrf);
    body.append("slot", cell.getAttribute("data-slot"));
    body.append("room", card.getAttribute("data-room"));
    body.append("teacher", card.getAttribute("data-teacher"));
    say("saving", where(cell) + text("saving"));
    fetch(card.getAttribute("data-move-url"), {
      method: "POST", body: body, credentials: "same-origin", cache: "no-store",
      headers: {"Accept": "application/json", "X-CSRFToken": csrf}
    })
      .then(function (response) {
        return response.json().catch(function () { throw new Error(response.status); });
      })
      .then(function (answer) {
        if (answer.ok) {
          window.location.reload();         // the server draws the moved grid and says the new penalty
          return;
        }
        mark(cell, "bad");
        say("bad", where(cell) + (answer.violations.length ? text("bad") : answer.message), answer.violations);
      })
      .catch(function () { mark(cell, "failed"); say("failed", text("failed")); });
  }

  function cellOf(event) {
    return event.target && event.target.closest ? event.target.closest("td[data-slot]") : null;
  }

  // Unlocked meetings become draggable only here: without this script nothing pretends to be.
  table.querySelectorAll("li.movable").forEach(function (card) {
    if (card.getAttribute("data-locked") !== "true") { card.setAttribute("draggable", "true"); }
  });

  table.addEventListener("dragstart", function (event) {
    var card = event.target && event.target.closest ? event.target.closest("li.movable") : null;
    if (!card || card.getAttribute("draggable") !== "true") {
      if (card) { event.preventDefault(); }   // a locked meeting stays where it is
      return;
    }
    drag = {card: card, cache: {}, cell: null, dropped: false};
    card.classList.add("dragging");
    if (event.dataTransfer) {
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", card.getAttribute("data-meeting"));
    }
  });

  function over(event) {
    var cell = cellOf(event);
    if (!drag || !cell) { return; }
    event.preventDefault();                   // a cell is a drop target
    if (cell !== drag.cell) { enter(drag, cell); }
    if (event.dataTransfer) {
      event.dataTransfer.dropEffect = cell.getAttribute("data-drop") === "bad" ? "none" : "move";
    }
  }
  table.addEventListener("dragenter", over);
  table.addEventListener("dragover", over);

  table.addEventListener("drop", function (event) {
    var cell = cellOf(event);
    if (!drag || !cell) { return; }
    event.preventDefault();
    var d = drag;
    d.dropped = true;
    if (cell !== d.cell) { enter(d, cell); }
    var slot = cell.getAttribute("data-slot");
    if (slot === d.card.getAttribute("data-slot")) { return; }
    check(d, slot).then(function (answer) {
      if (answer.ok) {
        move(d, cell);
      } else {
        show(d, cell, answer);                // refused: nothing changes, the rule stays on screen
      }
    }, function () { failed(d, cell); });
  });

  table.addEventListener("dragend", function () {
    var d = drag;
    drag = null;
    if (!d) { return; }
    d.card.classList.remove("dragging");
    if (d.dropped) { return; }
    var state = d.cell ? d.cell.getAttribute("data-drop") : null;
    if (state === "bad" || state === "failed") { return; }   // let the refusal stay on screen
    d.cell = null;                            // let late answers fall
    mark(null);
    say("", "");
  });
}());
