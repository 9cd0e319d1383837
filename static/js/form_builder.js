// The request-form builder without round trips: add, remove and reorder fields in the page, and
// show the choices box only for the choice types. Without this script the same buttons submit
// the form and the server does each step, so nothing here is needed for the builder to work.
(function () {
  "use strict";
  var builder = document.querySelector("[data-form-builder]");
  if (!builder) { return; }
  var list = builder.querySelector("[data-builder-rows]");
  var template = builder.querySelector("template[data-builder-template]");
  var status = builder.querySelector("[data-builder-status]");
  if (!list || !template) { return; }

  function rows() { return Array.prototype.slice.call(list.querySelectorAll("[data-builder-row]")); }

  function announce(key) {
    if (!status) { return; }
    status.textContent = "";
    // A fresh text node each time, so screen readers repeat the same message.
    setTimeout(function () { status.textContent = status.getAttribute("data-" + key) || ""; }, 50);
  }

  // Give every row the names the server expects (form_fields-0-label, ...), in page order.
  function renumber() {
    var all = rows();
    all.forEach(function (row, index) {
      row.querySelectorAll("[name], [id], label[for], [aria-describedby]").forEach(function (el) {
        ["name", "id", "for", "aria-describedby"].forEach(function (attr) {
          var value = el.getAttribute(attr);
          if (value) { el.setAttribute(attr, value.replace(/form_fields-(\d+|__index__)-/g, "form_fields-" + index + "-")); }
        });
      });
      row.querySelectorAll("button[data-builder]").forEach(function (button) {
        var verb = button.getAttribute("data-builder");
        button.value = verb + "-" + index;
        if (verb === "up") { button.disabled = index === 0; }
        if (verb === "down") { button.disabled = index === all.length - 1; }
      });
      row.querySelectorAll("[data-row-number]").forEach(function (number) { number.textContent = String(index + 1); });
    });
    var empty = list.querySelector("[data-builder-empty]");
    if (empty) { empty.hidden = all.length > 0; }
  }

  function showChoices(row) {
    var type = row.querySelector("select[name$='-type']");
    if (!type) { return; }
    var wanted = type.value === "select" || type.value === "multiselect";
    // The choices and their texts in the other language.
    row.querySelectorAll("[data-choices]").forEach(function (choices) {
      var box = choices.querySelector("textarea");
      // Keep a choices box that has an error or text visible, so nothing the owner typed hides.
      choices.hidden = !wanted && !(box && box.value.trim()) && !choices.querySelector(".error");
    });
    // Rules: only the group for this type (the server ignores the others), unless it has an error.
    row.querySelectorAll("[data-rules-for]").forEach(function (group) {
      var types = group.getAttribute("data-rules-for").split(" ");
      group.hidden = types.indexOf(type.value) === -1 && !group.querySelector(".error");
    });
  }

  function addRow() {
    var fragment = template.content.cloneNode(true);
    var row = fragment.querySelector("[data-builder-row]");
    list.appendChild(fragment);
    renumber();
    showChoices(row);
    var first = row.querySelector("input, select, textarea");
    if (first) { first.focus(); }
    announce("added");
  }

  builder.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-builder]");
    if (!button || !builder.contains(button)) { return; }
    var verb = button.getAttribute("data-builder");
    var row = button.closest("[data-builder-row]");
    event.preventDefault();
    if (verb === "add") { addRow(); return; }
    if (!row) { return; }
    if (verb === "remove") {
      var next = row.nextElementSibling || row.previousElementSibling;
      row.remove();
      renumber();
      var target = next && next.matches("[data-builder-row]") ? next.querySelector("input") : builder.querySelector("button[data-builder='add']");
      if (target) { target.focus(); }
      announce("removed");
      return;
    }
    if (verb === "up" && row.previousElementSibling) { list.insertBefore(row, row.previousElementSibling); }
    if (verb === "down" && row.nextElementSibling) { list.insertBefore(row.nextElementSibling, row); }
    renumber();
    // The pressed button may now be disabled (first or last row): keep focus inside the row.
    (button.disabled ? row.querySelector("button[data-builder]:not([disabled])") : button).focus();
    announce("moved");
  });

  builder.addEventListener("change", function (event) {
    if (event.target.matches("select[name$='-type']")) { showChoices(event.target.closest("[data-builder-row]")); }
  });

  rows().forEach(showChoices);
})();
