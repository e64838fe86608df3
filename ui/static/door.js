// tibox door page: the ticket scanner and the answer panel.
//
// USB and Bluetooth scanners are keyboards: they type the QR code's text, then Enter. Keys are
// decoded from KeyboardEvent.code (the physical key, named as on a US keyboard) and shiftKey,
// not from `key`: a scanner set to a US layout sends KeyQ for "Q" and Digit2 for "2", which an
// AZERTY machine turns into "A" and "é". The ticket's alphabet is base32 (A-Z, 2-7, "="), so
// letters, digits and a few symbols are enough; a key `code` cannot name falls back to `key`.
// Every scan gets a new nonce (the box records each scan once under it); the search's
// "check in" buttons get theirs from the box, and a new one after each use.
(function () {
  "use strict";

  var form = document.getElementById("door-scan-form");
  var input = document.getElementById("door-scan");
  var result = document.getElementById("door-result");

  function newNonce() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    var hex = "";
    for (var i = 0; i < bytes.length; i++) hex += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16);
    return "door-" + hex;
  }

  var SYMBOLS = { Equal: ["=", "+"], Minus: ["-", "_"], Period: [".", ">"], Slash: ["/", "?"], Space: [" ", " "] };

  /** The character a US-layout keyboard types for this key, or null. */
  function charOf(event) {
    var code = event.code || "";
    var letter = /^Key([A-Z])$/.exec(code);
    if (letter) return event.shiftKey ? letter[1] : letter[1].toLowerCase();
    var digit = /^(?:Digit|Numpad)([0-9])$/.exec(code);
    if (digit && !(event.shiftKey && code.indexOf("Digit") === 0)) return digit[1];
    if (SYMBOLS[code]) return SYMBOLS[code][event.shiftKey ? 1 : 0];
    return event.key && event.key.length === 1 ? event.key : null;
  }

  function closePanel() {
    if (result) result.innerHTML = "";
  }

  function scanning() {
    return input && (document.activeElement === input || document.activeElement === document.body || document.activeElement === null || (result && result.contains(document.activeElement)));
  }

  function submitScan() {
    var nonce = form.querySelector("[data-door-nonce]");
    nonce.value = newNonce();
    if (form.requestSubmit) form.requestSubmit();
    else form.dispatchEvent(new Event("submit", { cancelable: true, bubbles: true }));
  }

  // The camera scanner (door-camera.js) hands each decoded text here: the same form, nonce and
  // answer panel as a scanner's Enter. False when the page has no scan form (no event).
  // answerShown() tells it whether an answer panel (the box's, or the offline door's, which
  // door-offline.ts draws in the same place) is on screen: the camera sends nothing then.
  window.tiboxDoor = {
    scan: function (text) {
      if (!form || !input || typeof text !== "string" || text.trim() === "") return false;
      input.value = text.trim();
      submitScan();
      return true;
    },
    answerShown: function () {
      return !!(result && result.querySelector(".door-panel"));
    },
  };

  window.addEventListener(
    "keydown",
    function (event) {
      if (!form || !input || event.ctrlKey || event.altKey || event.metaKey || event.isComposing) return;
      if (!scanning()) return;
      if (event.key === "Enter" || event.code === "Enter" || event.code === "NumpadEnter") {
        event.preventDefault();
        if (input.value.trim() !== "") submitScan();
        // Nothing typed: Enter on the answer (its "next" button has the focus) closes it, as a tap does.
        else if (result && result.firstElementChild) {
          closePanel();
          input.focus();
        }
        return;
      }
      if (event.code === "Backspace" || event.code === "Tab" || event.code === "Escape") {
        if (event.code === "Escape") closePanel();
        return;
      }
      var char = charOf(event);
      if (char === null) return;
      event.preventDefault();
      // A new scan closes the last answer.
      if (result && result.firstElementChild) closePanel();
      input.value += char;
      input.focus();
    },
    true
  );

  if (form) {
    form.addEventListener("submit", function () {
      var nonce = form.querySelector("[data-door-nonce]");
      if (!nonce.value) nonce.value = newNonce();
    });
  }

  document.addEventListener("htmx:afterRequest", function (event) {
    var source = event.detail && event.detail.elt;
    if (!source || source.tagName !== "FORM") return;
    if (source === form) {
      input.value = "";
      form.querySelector("[data-door-nonce]").value = "";
    } else if (source.classList.contains("door-checkin-form")) {
      // This nonce is spent: the next check-in from this button is a new scan.
      source.querySelector("[data-door-nonce]").value = newNonce();
    }
  });

  document.addEventListener("htmx:afterSwap", function () {
    var next = result && result.querySelector("[data-door-next]");
    if (next) next.focus();
  });

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (target && target.closest && target.closest("[data-door-next]")) {
      closePanel();
      if (input) input.focus();
    }
  });
})();
