/* Keeps the visit form's draft in localStorage so that a dropped connection or a closed tab loses nothing.
   The draft is restored when the empty form is opened again, and cleared once the visit page confirms the save. */
(function () {
  "use strict";
  var saved = document.getElementById("visit-saved");
  if (saved) {
    var done = sessionStorage.getItem("visit-draft-submitted");
    if (done) { localStorage.removeItem(done); sessionStorage.removeItem("visit-draft-submitted"); }
    return;
  }
  var form = document.getElementById("visit-form");
  if (!form) return;
  var key = form.getAttribute("data-draft-key"), status = document.getElementById("draft-status");
  var hasErrors = !!form.querySelector(".errorlist");
  function fields() { return Array.prototype.filter.call(form.elements, function (el) { return el.name && el.name !== "csrfmiddlewaretoken" && el.type !== "submit"; }); }
  function save() {
    var data = {};
    fields().forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") { if (el.checked) { (data[el.name] = data[el.name] || []).push(el.value); } }
      else { data[el.name] = el.value; }
    });
    try { localStorage.setItem(key, JSON.stringify({ at: Date.now(), data: data })); if (status) status.textContent = "草稿已保存在本机"; } catch (e) { /* storage full or disabled */ }
  }
  function restore() {
    var raw = localStorage.getItem(key);
    if (!raw || hasErrors) return;
    var draft; try { draft = JSON.parse(raw); } catch (e) { return; }
    fields().forEach(function (el) {
      var v = draft.data[el.name];
      if (v === undefined) return;
      if (el.type === "checkbox" || el.type === "radio") { el.checked = Array.isArray(v) && v.indexOf(el.value) !== -1; }
      else { el.value = v; }
    });
    if (status) status.textContent = "已恢复本机保存的草稿";
  }
  restore();
  form.addEventListener("input", save);
  form.addEventListener("change", save);
  form.addEventListener("submit", function () { save(); sessionStorage.setItem("visit-draft-submitted", key); });
})();
