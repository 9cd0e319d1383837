// Search as you type for every input with data-suggest. Without JavaScript the form simply
// submits to /search; with it, a list of matching services appears under the field.
// Keyboard: Down/Up move through the list, Enter opens the chosen service, Escape closes.
(function () {
  "use strict";
  var inputs = document.querySelectorAll("input[data-suggest]");
  if (!inputs.length || !window.fetch) { return; }

  var script = document.currentScript || document.querySelector("script[src*='suggest.js']");
  if (script && !document.querySelector("link[data-suggest-css]")) {
    var css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = script.src.replace(/js\/suggest\.js.*$/, "css/search.css");
    css.setAttribute("data-suggest-css", "");
    document.head.appendChild(css);
  }

  var counter = 0;
  inputs.forEach(function (input) {
    var listId = "suggest-" + (++counter);
    var list = document.createElement("ul");
    list.id = listId;
    list.className = "suggest-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", input.getAttribute("placeholder") || "Suggestions");
    list.hidden = true;
    input.parentNode.classList.add("suggest-host");
    input.parentNode.appendChild(list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", listId);
    input.setAttribute("aria-expanded", "false");

    var timer = null, controller = null, active = -1, lastQuery = null;

    function options() { return list.querySelectorAll("[role=option]"); }

    function close() {
      list.hidden = true;
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      var items = options();
      if (!items.length) { return; }
      active = (index + items.length) % items.length;
      items.forEach(function (item, i) { item.setAttribute("aria-selected", i === active ? "true" : "false"); });
      input.setAttribute("aria-activedescendant", items[active].id);
    }

    function show(suggestions) {
      list.textContent = "";
      suggestions.forEach(function (suggestion, i) {
        var item = document.createElement("li");
        item.id = listId + "-" + i;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        var link = document.createElement("a");
        link.href = suggestion.url;
        link.tabIndex = -1;
        link.textContent = suggestion.title;
        item.appendChild(link);
        list.appendChild(item);
      });
      if (suggestions.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
      } else {
        close();
      }
    }

    function fetchSuggestions() {
      var query = input.value.trim();
      if (query === lastQuery) { return; }
      lastQuery = query;
      if (query.length < 2) { show([]); return; }
      if (controller) { controller.abort(); }
      controller = window.AbortController ? new AbortController() : null;
      fetch("/api/v1/suggest?q=" + encodeURIComponent(query),
            {headers: {"Accept": "application/json"}, credentials: "same-origin",
             signal: controller ? controller.signal : undefined})
        .then(function (response) { return response.ok ? response.json() : []; })
        .then(function (suggestions) { if (input.value.trim() === query) { show(suggestions); } })
        .catch(function () { /* offline or aborted: the form still works */ });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(fetchSuggestions, 120);
    });
    input.addEventListener("keydown", function (event) {
      if (list.hidden) { return; }
      if (event.key === "ArrowDown") { event.preventDefault(); highlight(active + 1); }
      else if (event.key === "ArrowUp") { event.preventDefault(); highlight(active - 1); }
      else if (event.key === "Escape") { close(); }
      else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        window.location.href = options()[active].querySelector("a").href;
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
    input.addEventListener("focus", function () { lastQuery = null; });
  });
})();
