// CAS method=POST responses: submit the ticket form to the service at once. Without
// JavaScript the visible "Continue" button does the same.
(function () {
  "use strict";
  var form = document.getElementById("cas-post-form");
  if (form) { form.submit(); }
})();
