/* The booking form's resident picker: htmx fills #resident-results with radio buttons; a picked one moves up into
   #resident-chosen so that the next search cannot swap the choice away. Without this file the radios still post. */
(function () {
  "use strict";
  function $(id) { return document.getElementById(id); }
  function fillAddress(residentId) {
    // The visit goes to the picked resident's household: fill the address from the server (an audited read).
    const form = $("booking-form");
    const field = form && form.querySelector("[name=address]");
    if (!field || !residentId || !form.dataset.addressUrl) return;
    fetch(form.dataset.addressUrl + "&resident=" + encodeURIComponent(residentId), {
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" },
    })
      .then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (address) {
        if (address) {
          field.value = address;
          field.dispatchEvent(new Event("input", { bubbles: true }));
        }
      });
  }
  document.addEventListener("change", function (e) {
    const radio = e.target;
    if (radio.name === "resident" && radio.closest("#resident-chosen") && radio.value) {
      fillAddress(radio.value);
      return;
    }
    if (radio.name !== "resident" || !radio.closest("#resident-results")) return;
    const chosen = $("resident-chosen");
    chosen.querySelectorAll("input[name=resident]").forEach(function (r) {
      if (r.value) r.closest("label").remove();
    });
    chosen.appendChild(radio.closest("label"));
    radio.checked = true;
    $("resident-results").innerHTML = "";
    $("resident-q").value = "";
    fillAddress(radio.value);
  });
  document.addEventListener("keydown", function (e) {
    // Enter in the search box searches (htmx) instead of posting the form back.
    if (e.key === "Enter" && e.target.id === "resident-q") {
      e.preventDefault();
      htmx.trigger(e.target, "search");
    }
  });
})();
