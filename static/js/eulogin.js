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

  // A control disabled until a moment printed in the page ("Possible from 14:05") counts
  // down the seconds and comes back by itself. Without JavaScript the time stays printed
  // and a reload of the page brings the control back.
  document.querySelectorAll("[data-countdown]").forEach(function (wait) {
    var control = document.getElementById(wait.dataset.countdownEnables);
    var counter = wait.querySelector(".countdown");
    var end = Date.now() + 1000 * parseInt(wait.dataset.countdown, 10);
    function tick() {
      var left = Math.ceil((end - Date.now()) / 1000);
      if (left <= 0) {
        if (control) { control.disabled = false; control.removeAttribute("aria-describedby"); }
        wait.hidden = true;
        return;
      }
      var minutes = Math.floor(left / 60), seconds = left % 60;
      if (counter) { counter.textContent = " (" + minutes + ":" + (seconds < 10 ? "0" : "") + seconds + ")"; }
      window.setTimeout(tick, 1000);
    }
    tick();
  });
})();
