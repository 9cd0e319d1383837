// Reply templates on a request's page: "Use template" puts the chosen template's text into
// the message box at the cursor, without loading the page again, and says so to screen
// readers. Without this script the button loads the page with the text in the box.
(function () {
  "use strict";
  var picker = document.querySelector("form[data-reply-templates]");
  var box = document.querySelector("#comment-box textarea[name=body]");
  if (!picker || !box) { return; }
  var status = picker.querySelector("[data-reply-status]");
  picker.addEventListener("submit", function (event) {
    var option = picker.querySelector("select[name=template]").selectedOptions[0];
    if (!option) { return; }
    event.preventDefault();
    var text = option.getAttribute("data-text") || "";
    var start = box.selectionStart, end = box.selectionEnd;
    if (typeof start !== "number") { start = end = box.value.length; }
    box.value = box.value.slice(0, start) + text + box.value.slice(end);
    box.focus();
    box.setSelectionRange(start + text.length, start + text.length);
    box.dispatchEvent(new Event("input", { bubbles: true }));
    if (status) {  // empty first, so the same message is announced again
      status.textContent = "";
      window.setTimeout(function () { status.textContent = status.getAttribute("data-inserted"); }, 50);
    }
  });
})();
