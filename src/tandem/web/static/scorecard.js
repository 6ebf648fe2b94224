// The KPI form, a little smarter (it works without this too): fields that do not apply to the chosen
// direction or source are hidden, and picking a built-in measure fills in its unit and direction.
(function () {
  "use strict";
  function sync(form) {
    form.querySelectorAll("[data-show-when]").forEach(function (field) {
      var rule = field.dataset.showWhen.split("="), control = form.elements[rule[0]];
      field.hidden = !!control && rule[1].split(",").indexOf(control.value) < 0;
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form [data-show-when]");
    form = form && form.closest("form");
    if (!form) return;
    sync(form);
    form.addEventListener("change", function (event) {
      var target = event.target;
      if (target.name === "measure") {
        var option = target.selectedOptions[0];
        if (option && option.dataset.unit !== undefined) {
          if (!form.elements.unit.value) form.elements.unit.value = option.dataset.unit;
          form.elements.direction.value = option.dataset.direction;
        }
      }
      sync(form);
    });
  });
})();
