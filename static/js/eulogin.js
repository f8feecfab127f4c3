// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // The language selector changes language as soon as a language is picked.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });

  // The password step shows only the fields of the chosen authentication method.
  var radios = document.querySelectorAll(".methods input[type=radio][name=method]");
  function showChosenMethod() {
    document.querySelectorAll("[data-method-fields]").forEach(function (fields) {
      var radio = document.querySelector(".methods input[type=radio][value='" + fields.dataset.methodFields + "']");
      fields.hidden = !(radio && radio.checked);
    });
  }
  radios.forEach(function (radio) { radio.addEventListener("change", showChosenMethod); });
  showChosenMethod();
})();
