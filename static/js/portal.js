// Small enhancements; every page works without them.
(function () {
  "use strict";
  // Filters take the whole screen of a phone: there they start closed, behind their button.
  if (window.matchMedia("(max-width: 40rem)").matches) {
    document.querySelectorAll("details.collapse-on-phone[open]").forEach(function (details) {
      details.removeAttribute("open");
    });
  }
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var field = document.querySelector(button.getAttribute("data-copy"));
      if (!field) { return; }
      field.select();
      var done = function () { button.dataset.label = button.dataset.label || button.textContent; button.textContent = "✓"; setTimeout(function () { button.textContent = button.dataset.label; }, 1500); };
      if (navigator.clipboard) { navigator.clipboard.writeText(field.value).then(done, function () { document.execCommand("copy"); done(); }); }
      else { document.execCommand("copy"); done(); }
    });
  });
})();
