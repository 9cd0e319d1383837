// Request form: tell about a file over the size limit before uploading it. The server checks
// the same limit, so without this script the message simply comes after the upload.
(function () {
  "use strict";
  document.querySelectorAll("input[type=file][data-max-bytes]").forEach(function (input) {
    var limit = parseInt(input.getAttribute("data-max-bytes"), 10);
    var note = document.createElement("p");
    note.className = "error";
    note.id = input.id + "-size";
    note.hidden = true;
    note.setAttribute("role", "alert");
    input.parentNode.appendChild(note);
    input.addEventListener("change", function () {
      var tooBig = Array.prototype.some.call(input.files || [], function (f) { return f.size > limit; });
      note.hidden = !tooBig;
      note.textContent = tooBig ? (input.getAttribute("data-too-large") || "File too large") : "";
      input.setCustomValidity(tooBig ? note.textContent : "");
      if (tooBig) { input.setAttribute("aria-invalid", "true"); } else { input.removeAttribute("aria-invalid"); }
    });
    var form = input.form;
    if (form) {
      form.addEventListener("submit", function (event) {
        if (!note.hidden) { event.preventDefault(); input.focus(); }
      });
    }
  });
})();
