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

// Conditional fields: a field shown only for some answers of a field above it. Without this
// script every field is shown with its condition in words, and the server ignores the answers
// of fields whose condition is not met; with it they appear and disappear as the answer changes.
(function () {
  "use strict";
  var blocks = Array.prototype.slice.call(document.querySelectorAll("[data-show-if]"));
  if (!blocks.length) { return; }
  var status = document.querySelector("[data-conditions-status]");

  function controls(name) {
    return Array.prototype.slice.call(document.querySelectorAll("[name='" + name + "']"));
  }

  function answers(name) {
    return controls(name).filter(function (el) {
      return (el.type !== "checkbox" && el.type !== "radio") || el.checked;
    }).map(function (el) { return el.value; }).filter(function (value) { return value !== ""; });
  }

  function isShown(block) {
    var name = block.getAttribute("data-show-if");
    var first = controls(name)[0];
    var outer = first && first.closest("[data-show-if]");
    if (outer && outer.hidden) { return false; }  // the field it depends on is hidden itself
    var checked = block.getAttribute("data-show-if-checked");
    if (checked !== null) {
      var box = controls(name).filter(function (el) { return el.type === "checkbox"; })[0];
      return !!box && box.checked === (checked === "true");
    }
    var wanted = JSON.parse(block.getAttribute("data-show-if-values") || "[]");
    return answers(name).some(function (value) { return wanted.indexOf(value) !== -1; });
  }

  function update(announce) {
    blocks.forEach(function (block) {
      var show = isShown(block);
      if (show === !block.hidden) { return; }
      if (!show && block.contains(document.activeElement)) {
        var first = controls(block.getAttribute("data-show-if"))[0];
        if (first) { first.focus(); }
      }
      block.hidden = !show;
      // Hidden answers are not sent (the server would drop them anyway).
      block.querySelectorAll("input, select, textarea").forEach(function (el) { el.disabled = !show; });
      if (show && announce && status) {
        status.textContent = "";
        setTimeout(function () { status.textContent = block.getAttribute("data-appeared") || ""; }, 50);
      }
    });
  }

  blocks.forEach(function (block) {
    var name = block.getAttribute("data-show-if");
    // The condition in words stays for screen readers; the controlling field says what it shows.
    controls(name).forEach(function (el) {
      var owned = (el.getAttribute("aria-controls") || "").split(" ").filter(Boolean);
      if (owned.indexOf(block.id) === -1) { owned.push(block.id); }
      el.setAttribute("aria-controls", owned.join(" "));
    });
  });
  document.addEventListener("change", function (event) {
    if (event.target.name && blocks.some(function (b) { return b.getAttribute("data-show-if") === event.target.name; })) {
      update(true);
    }
  });
  update(false);
})();

// The owner's rules as the browser checks them (pattern, min, max, length): say what is wrong
// when the person leaves the field, with the owner's own message for a pattern. The server
// checks the same rules and has the last word.
(function () {
  "use strict";
  var selector = ".request-form input[pattern], .request-form input[min], .request-form input[max], .request-form [minlength]";
  document.querySelectorAll(selector).forEach(function (input) {
    var note = document.createElement("p");
    note.className = "error";
    note.id = input.id + "-hint";
    note.hidden = true;
    input.parentNode.appendChild(note);
    input.addEventListener("blur", function () {
      var valid = input.checkValidity();
      var message = input.validity.patternMismatch && input.getAttribute("data-pattern-message")
        ? input.getAttribute("data-pattern-message") : input.validationMessage;
      note.hidden = valid;
      note.textContent = valid ? "" : message;
      var described = (input.getAttribute("aria-describedby") || "").split(" ").filter(function (id) { return id && id !== note.id; });
      if (!valid) { described.push(note.id); input.setAttribute("aria-invalid", "true"); } else { input.removeAttribute("aria-invalid"); }
      if (described.length) { input.setAttribute("aria-describedby", described.join(" ")); } else { input.removeAttribute("aria-describedby"); }
    });
  });
})();

// "On or after another date": the earlier date's answer becomes this date's minimum.
(function () {
  "use strict";
  document.querySelectorAll("input[type=date][data-on-or-after]").forEach(function (input) {
    var other = document.getElementById(input.getAttribute("data-on-or-after"));
    if (!other) { return; }
    var ownMin = input.getAttribute("min") || "";
    function update() {
      var value = other.value && other.value > ownMin ? other.value : ownMin;
      if (value) { input.setAttribute("min", value); } else { input.removeAttribute("min"); }
    }
    other.addEventListener("change", update);
    update();
  });
})();
