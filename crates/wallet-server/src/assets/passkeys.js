// The wallet pages' passkey ceremonies (DESIGN.md *Passkeys*, *The shopper's account*):
// adding a passkey (navigator.credentials.create(), W3C WebAuthn Level 3 §5.4) and
// confirming it is the shopper with one (navigator.credentials.get(), §5.5), as the
// button's data-ceremony says. The page embeds the server's options as JSON with binary
// fields in base64url; this script turns those into bytes, asks the device, and posts
// the answer (PublicKeyCredential JSON, §5.1) back as a form field. No password field is
// on the page, and it runs no other script.
(function () {
  'use strict';
  var button = document.getElementById('bc-passkey-continue');
  var status = document.getElementById('bc-passkey-status');
  var form = document.getElementById('bc-passkey-finish');
  if (!button || !status || !form) return;

  function decode(text) {
    var b64 = text.replace(/-/g, '+').replace(/_/g, '/');
    var bin = atob(b64 + '==='.slice((b64.length + 3) % 4));
    var bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return bytes;
  }
  function encode(buffer) {
    var bytes = new Uint8Array(buffer);
    var bin = '';
    for (var i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]);
    return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }
  function fail(message) {
    status.textContent = message;
    status.hidden = false;
    button.disabled = false;
  }

  if (!window.PublicKeyCredential || !navigator.credentials) {
    fail(button.dataset.unsupported);
    button.disabled = true;
    return;
  }
  function created(cred) {
    return {
      id: cred.id,
      rawId: encode(cred.rawId),
      type: cred.type,
      response: {
        attestationObject: encode(cred.response.attestationObject),
        clientDataJSON: encode(cred.response.clientDataJSON),
      },
      extensions: {},
    };
  }
  function asserted(cred) {
    var r = cred.response;
    return {
      id: cred.id,
      rawId: encode(cred.rawId),
      type: cred.type,
      response: {
        authenticatorData: encode(r.authenticatorData),
        clientDataJSON: encode(r.clientDataJSON),
        signature: encode(r.signature),
        userHandle: r.userHandle ? encode(r.userHandle) : null,
      },
      extensions: {},
    };
  }
  function options() {
    var o = JSON.parse(document.getElementById('bc-passkey-options').textContent).publicKey;
    o.challenge = decode(o.challenge);
    return o;
  }
  function get(mediation, signal) {
    var o = options();
    (o.allowCredentials || []).forEach(function (c) { c.id = decode(c.id); });
    var request = { publicKey: o, signal: signal };
    if (mediation) request.mediation = mediation;
    return navigator.credentials.get(request).then(asserted);
  }
  function create() {
    var o = options();
    o.user.id = decode(o.user.id);
    (o.excludeCredentials || []).forEach(function (c) { c.id = decode(c.id); });
    return navigator.credentials.create({ publicKey: o }).then(created);
  }
  function post(answer) {
    form.elements.credential.value = JSON.stringify(answer);
    form.submit();
  }

  // The sign-in page: the browser offers the device's passkeys in the account field's
  // autofill (conditional mediation, where it has it) until the button asks outright.
  var waiting = null;
  if (button.dataset.conditional && window.AbortController &&
      PublicKeyCredential.isConditionalMediationAvailable) {
    PublicKeyCredential.isConditionalMediationAvailable().then(function (available) {
      if (!available) return;
      waiting = new AbortController();
      get('conditional', waiting.signal).then(post, function () { /* aborted or dismissed */ });
    });
  }
  button.addEventListener('click', function () {
    button.disabled = true;
    status.hidden = true;
    if (waiting) waiting.abort();
    waiting = null;
    var asked = button.dataset.ceremony === 'get' ? get() : create();
    asked.then(post, function () {
      fail(button.dataset.failed);
    });
  });
})();
