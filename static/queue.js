// The comment queue's keyboard shortcuts, as progressive enhancement: every action is
// a plain form button that works without this file. Loaded with `defer` from the
// site's own origin, so the Content-Security-Policy (no inline script) allows it.
(function () {
  "use strict";
  var items = Array.prototype.slice.call(document.querySelectorAll(".queue-item"));
  if (!items.length) {
    return;
  }
  var current = 0;

  function focus(i) {
    if (i < 0 || i >= items.length) {
      return;
    }
    items[current].classList.remove("queue-current");
    current = i;
    items[current].classList.add("queue-current");
    items[current].focus();
    items[current].scrollIntoView({ block: "nearest" });
  }

  function press(key) {
    var button = items[current].querySelector('button[data-key="' + key + '"]');
    if (button) {
      button.click();
    }
  }

  document.addEventListener("keydown", function (e) {
    var t = e.target;
    // Typing in a field (a note, a filter) must never trigger an action.
    if (e.altKey || e.ctrlKey || e.metaKey || (t && /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName) && t.type !== "checkbox")) {
      return;
    }
    switch (e.key) {
      case "j": focus(current + 1); break;
      case "k": focus(current - 1); break;
      case "a": press("a"); break;
      case "r": press("r"); break;
      case "s": press("s"); break;
      case "x": {
        var box = items[current].querySelector(".queue-select");
        if (box) {
          box.checked = !box.checked;
        }
        break;
      }
      default: return;
    }
    e.preventDefault();
  });
  focus(0);
})();
