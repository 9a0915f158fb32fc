/* Keyboard selection for intake suggestions (quanke/intake, templates/intake/_suggestions.html).
 *
 * Any input with data-intake-suggest="#list" gets: ArrowDown/ArrowUp to move through the options, Enter to
 * choose the highlighted one, Escape to close, and click to choose. Choosing dispatches a bubbling
 * "intake:select" event on the input with detail {code, name, panelUrl}; with data-intake-field="name" it
 * also fills the form field of that name; with data-intake-panel="#panel" it loads the item panel there.
 */
(function () {
  "use strict";

  function options(list) {
    return Array.prototype.slice.call(list.querySelectorAll('[role="option"]'));
  }

  function highlight(list, index) {
    var opts = options(list);
    if (!opts.length) return;
    index = (index + opts.length) % opts.length;
    opts.forEach(function (o, i) { o.setAttribute("aria-selected", i === index ? "true" : "false"); });
    opts[index].scrollIntoView({ block: "nearest" });
    return opts[index];
  }

  function current(list) {
    var opts = options(list);
    for (var i = 0; i < opts.length; i++) if (opts[i].getAttribute("aria-selected") === "true") return i;
    return -1;
  }

  function choose(input, option) {
    if (!option) return;
    var detail = { code: option.dataset.code, name: option.dataset.name, panelUrl: option.dataset.panelUrl };
    var field = input.dataset.intakeField;
    if (field && input.form) {
      var target = input.form.querySelector('[name="' + field + '"]');
      if (target) target.value = detail.code;
    }
    var panel = input.dataset.intakePanel;
    if (panel && window.htmx && detail.panelUrl) {
      window.htmx.ajax("GET", detail.panelUrl, { target: panel, swap: "innerHTML" });
    }
    var list = document.querySelector(input.dataset.intakeSuggest);
    if (list) {
      options(list).forEach(function (o) { o.classList.toggle("chosen", o === option); });
    }
    input.dispatchEvent(new CustomEvent("intake:select", { bubbles: true, detail: detail }));
  }

  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!input.dataset || !input.dataset.intakeSuggest) return;
    var list = document.querySelector(input.dataset.intakeSuggest);
    if (!list || !options(list).length) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      highlight(list, current(list) + (event.key === "ArrowDown" ? 1 : -1));
    } else if (event.key === "Enter") {
      var index = current(list);
      if (index >= 0) {
        event.preventDefault();
        choose(input, options(list)[index]);
      }
    } else if (event.key === "Escape") {
      list.innerHTML = "";
    }
  });

  document.addEventListener("click", function (event) {
    var option = event.target.closest && event.target.closest('[role="option"][data-code]');
    if (!option) return;
    var inputs = document.querySelectorAll("[data-intake-suggest]");
    for (var i = 0; i < inputs.length; i++) {
      var list = document.querySelector(inputs[i].dataset.intakeSuggest);
      if (list && list.contains(option)) {
        highlight(list, options(list).indexOf(option));
        choose(inputs[i], option);
        return;
      }
    }
  });
})();
