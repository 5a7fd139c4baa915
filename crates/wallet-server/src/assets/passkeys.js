// Adds a passkey to the wallet (DESIGN.md *Passkeys*, "Enrolment"). The page embeds the
// server's options for navigator.credentials.create() (W3C WebAuthn Level 3 §5.4) as
// JSON with binary fields in base64url; this script turns those into bytes, asks the
// device, and posts the answer (PublicKeyCredential JSON, §5.1) back as a form field.
// No password field is on this page, and it runs no other script.
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
  button.addEventListener('click', function () {
    button.disabled = true;
    status.hidden = true;
    var options = JSON.parse(document.getElementById('bc-passkey-options').textContent).publicKey;
    options.challenge = decode(options.challenge);
    options.user.id = decode(options.user.id);
    (options.excludeCredentials || []).forEach(function (c) { c.id = decode(c.id); });
    navigator.credentials.create({ publicKey: options }).then(function (cred) {
      form.elements.credential.value = JSON.stringify({
        id: cred.id,
        rawId: encode(cred.rawId),
        type: cred.type,
        response: {
          attestationObject: encode(cred.response.attestationObject),
          clientDataJSON: encode(cred.response.clientDataJSON),
        },
        extensions: {},
      });
      form.submit();
    }, function () {
      fail(button.dataset.failed);
    });
  });
})();
