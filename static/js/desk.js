/* The front desk, keyboard-first: in a picker box ↑/↓ move, Enter picks, Esc clears; Ctrl+Enter submits. */
(function () {
  "use strict";
  function $(id) { return document.getElementById(id); }
  function options(list) { return list ? Array.from(list.querySelectorAll("[data-pick]")) : []; }
  function setActive(list, i) {
    const opts = options(list);
    opts.forEach(function (el, j) { el.classList.toggle("active", j === i); el.setAttribute("aria-selected", j === i); });
    if (opts[i]) opts[i].scrollIntoView({ block: "nearest" });
    list.dataset.active = String(i);
  }
  function loadChecklist() {
    const form = $("desk-form"), item = $("id_item").value;
    if (!item) { $("checklist").innerHTML = ""; return; }
    const resident = $("id_anonymous").checked ? "" : $("id_resident").value;
    const url = form.dataset.checklistUrl + "?item=" + encodeURIComponent(item) + "&resident=" + encodeURIComponent(resident);
    htmx.ajax("GET", url, { target: "#checklist", swap: "innerHTML" });
  }
  function pick(kind, value, label) {
    if (kind === "resident") {
      $("id_resident").value = value;
      $("id_anonymous").checked = false;
      $("resident-chosen").textContent = label;
      $("resident-results").innerHTML = "";
      $("resident-q").value = "";
      $("anonymous-fields").hidden = true;
      loadChecklist();
      $("item-q").focus();
    } else if (kind === "item") {
      $("id_item").value = value;
      $("item-chosen").textContent = label;
      $("item-results").innerHTML = "";
      $("item-q").value = "";
      loadChecklist();
      $("id_request_text").focus();
    }
  }
  function clear(kind) {
    if (kind === "resident") { $("id_resident").value = ""; $("resident-chosen").textContent = ""; loadChecklist(); }
    if (kind === "item") { $("id_item").value = ""; $("item-chosen").textContent = ""; $("checklist").innerHTML = ""; }
  }
  document.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey) && $("desk-form")) {
      e.preventDefault(); $("desk-form").requestSubmit(); return;
    }
    const input = e.target.closest ? e.target.closest("[data-picker]") : null;
    if (!input) return;
    const list = $(input.dataset.picker), opts = options(list);
    let i = parseInt(list.dataset.active || "-1", 10);
    if (e.key === "ArrowDown") { e.preventDefault(); setActive(list, Math.min(opts.length - 1, i + 1)); }
    else if (e.key === "ArrowUp") { e.preventDefault(); setActive(list, Math.max(0, i - 1)); }
    else if (e.key === "Enter") {
      e.preventDefault();
      const el = opts[i >= 0 ? i : 0];
      if (el) pick(el.dataset.pick, el.dataset.value, el.dataset.label);
    } else if (e.key === "Escape") {
      e.preventDefault(); input.value = ""; list.innerHTML = ""; list.dataset.active = "-1"; clear(input.dataset.pickerKind);
    }
  });
  document.addEventListener("click", function (e) {
    const el = e.target.closest ? e.target.closest("[data-pick]") : null;
    if (!el) return;
    e.preventDefault(); pick(el.dataset.pick, el.dataset.value, el.dataset.label);
  });
  document.addEventListener("change", function (e) {
    if (e.target.id === "id_anonymous") {
      $("anonymous-fields").hidden = !e.target.checked;
      if (e.target.checked) { $("id_applicant_name").focus(); }
      loadChecklist();
    }
  });
  document.addEventListener("htmx:afterSwap", function (e) {
    const t = e.detail.target;
    if (t && t.dataset) t.dataset.active = "-1";
    if (t && t.id === "checklist") {
      const box = t.querySelector("[data-default-then]");
      const radio = box && document.querySelector('input[name="then"][value="' + box.dataset.defaultThen + '"]');
      if (radio) radio.checked = true;
    }
  });
  document.addEventListener("DOMContentLoaded", function () {
    if ($("desk-form") && $("id_item") && $("id_item").value) loadChecklist();
  });
})();
