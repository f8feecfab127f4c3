// Security keys and passkeys: runs the WebAuthn ceremony of each form marked
// data-webauthn="create" (register a key) or "get" (prove one). The options come from the
// page (a JSON block the server wrote), the browser's answer goes back in the form's
// hidden "credential" field, and the server verifies it. No inline script (CSP).
(function () {
  "use strict";

  function toBuffer(b64url) {
    var b64 = b64url.replace(/-/g, "+").replace(/_/g, "/");
    var binary = atob(b64 + "===".slice((b64.length + 3) % 4));
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) { bytes[i] = binary.charCodeAt(i); }
    return bytes.buffer;
  }

  function toB64url(buffer) {
    var bytes = new Uint8Array(buffer), binary = "";
    for (var i = 0; i < bytes.length; i++) { binary += String.fromCharCode(bytes[i]); }
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function withIds(list) {
    return (list || []).map(function (c) { return Object.assign({}, c, { id: toBuffer(c.id) }); });
  }

  function creationOptions(json) {
    if (PublicKeyCredential.parseCreationOptionsFromJSON) { return PublicKeyCredential.parseCreationOptionsFromJSON(json); }
    return Object.assign({}, json, {
      challenge: toBuffer(json.challenge),
      user: Object.assign({}, json.user, { id: toBuffer(json.user.id) }),
      excludeCredentials: withIds(json.excludeCredentials)
    });
  }

  function requestOptions(json) {
    if (PublicKeyCredential.parseRequestOptionsFromJSON) { return PublicKeyCredential.parseRequestOptionsFromJSON(json); }
    return Object.assign({}, json, { challenge: toBuffer(json.challenge), allowCredentials: withIds(json.allowCredentials) });
  }

  function answer(credential) {
    if (typeof credential.toJSON === "function") { return credential.toJSON(); }
    var r = credential.response, response = { clientDataJSON: toB64url(r.clientDataJSON) };
    if (r.attestationObject) {
      response.attestationObject = toB64url(r.attestationObject);
      response.transports = r.getTransports ? r.getTransports() : [];
    } else {
      response.authenticatorData = toB64url(r.authenticatorData);
      response.signature = toB64url(r.signature);
      if (r.userHandle) { response.userHandle = toB64url(r.userHandle); }
    }
    return {
      id: credential.id, rawId: toB64url(credential.rawId), type: credential.type, response: response,
      authenticatorAttachment: credential.authenticatorAttachment || null,
      clientExtensionResults: credential.getClientExtensionResults()
    };
  }

  document.querySelectorAll("form[data-webauthn]").forEach(function (form) {
    var error = form.querySelector("[data-webauthn-error]");
    function show(message) { error.querySelector("p").textContent = message; error.hidden = false; }

    form.addEventListener("submit", function (event) {
      var submitter = event.submitter;
      if (form.dataset.webauthnAnswered || (submitter && submitter.value === "cancel")) { return; }
      event.preventDefault();
      error.hidden = true;
      if (!window.PublicKeyCredential || !navigator.credentials) { show(form.dataset.msgUnsupported); return; }
      var options = JSON.parse(document.getElementById(form.dataset.webauthnOptions).textContent);
      var ceremony = form.dataset.webauthn === "create"
        ? navigator.credentials.create({ publicKey: creationOptions(options) })
        : navigator.credentials.get({ publicKey: requestOptions(options) });
      ceremony.then(function (credential) {
        form.querySelector("input[name=credential]").value = JSON.stringify(answer(credential));
        form.dataset.webauthnAnswered = "1";
        if (form.requestSubmit) { form.requestSubmit(submitter); } else { form.submit(); }
      }, function (failure) {
        show(failure && failure.name === "InvalidStateError" ? form.dataset.msgDuplicate : form.dataset.msgCancelled);
      });
    });
    form.dataset.webauthnReady = "1";  // the button now asks the browser (before this, it sends no answer)
  });
})();
