// The full check-in form, made quicker: "Same as last time" fills in last time's symptoms and medications
// in place (keeping what is already typed), each symptom gets its own "Same as last time" button, and
// "I took them all as planned" ticks the scheduled medications visibly. Without this file the same things
// work as plain links and checkboxes (see entries/views.py).
(function () {
  "use strict";
  var form = document.querySelector("form.checkin-form");
  if (!form) return;

  function choose(fieldset, value) {
    var radio = fieldset.querySelector('input[type=radio][value="' + value + '"]');
    if (radio) radio.checked = true;
  }

  function sameSymptom(fieldset) { choose(fieldset, fieldset.getAttribute("data-last")); }

  function sameMedication(row) {
    var box = row.querySelector("input[name=med]");
    var dose = row.querySelector("input[type=text]");
    if (!box) return;
    box.checked = true;
    if (dose && row.getAttribute("data-last-dose")) dose.value = row.getAttribute("data-last-dose");
  }

  // One button per symptom that has a value from last time.
  Array.prototype.forEach.call(form.querySelectorAll("fieldset[data-last]"), function (fieldset) {
    var hint = fieldset.querySelector(".last-time");
    if (!hint) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button small same-one";
    button.textContent = "Same (" + fieldset.getAttribute("data-last-label") + ")";
    button.setAttribute("aria-label", "Same as last time for " + fieldset.querySelector("legend").textContent
      + ": " + fieldset.getAttribute("data-last-label"));
    button.addEventListener("click", function () { sameSymptom(fieldset); });
    hint.appendChild(document.createTextNode(" "));
    hint.appendChild(button);
  });

  var all = document.querySelector("[data-same-all]");
  if (all) {
    all.addEventListener("click", function (event) {
      event.preventDefault();
      Array.prototype.forEach.call(form.querySelectorAll("fieldset[data-last]"), sameSymptom);
      Array.prototype.forEach.call(form.querySelectorAll(".med-row[data-last-dose]"), sameMedication);
      var status = document.createElement("p");
      status.className = "notice";
      status.setAttribute("role", "status");
      status.textContent = "Filled in from last time: change what is different today before you save.";
      all.replaceWith(status);
    });
  }

  var planned = form.querySelector("[data-as-planned]");
  if (planned) {
    var scheduled = form.querySelectorAll("input[name=med][data-scheduled]");
    planned.addEventListener("change", function () {
      Array.prototype.forEach.call(scheduled, function (box) { box.checked = planned.checked; });
    });
    Array.prototype.forEach.call(scheduled, function (box) {
      box.addEventListener("change", function () { if (!box.checked) planned.checked = false; });
    });
  }
})();
