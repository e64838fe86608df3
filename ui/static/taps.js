// tibox till page: the card readers that live in the page itself.
//
// Keyboard readers ("wedge" readers) type a card's UID as fast keystrokes ending with Enter.
// A burst of 8, 14 or 20 hex digits, each key less than 50 ms after the previous one, then
// Enter, is a tap: it is posted to the box (POST /terminal/taps) and never reaches the page.
// Keys are decoded from KeyboardEvent.code (the physical key, named as on a US keyboard) and
// not from `key`: a reader set to a US layout sends Digit1 for "1", which an AZERTY machine
// turns into "&". When `code` names no hex key, `key` is used, so a reader set to AZERTY
// works too. Hex keystrokes are held back (not typed) while a burst may be starting; if the
// next key does not follow within 50 ms, they were a person typing, and are typed for real.
//
// Web NFC (Chrome on Android, over HTTPS): the "read with the phone" button appears only where
// NDEFReader exists in a secure context, and posts each card's serialNumber as a tap.
//
// Stale taps: a tap carries its expiry; a message that arrives after it (a phone waking up) is
// not shown.
(function () {
  "use strict";
  var GAP_MS = 50;
  var UID_DIGITS = [8, 14, 20];
  var MAX_DIGITS = 20;

  var body = document.body;
  var panel = document.getElementById("card-reader");
  var serverOffsetMs = Number(body.getAttribute("data-server-time-ms")) - Date.now() || 0;

  function csrfToken() {
    try {
      return JSON.parse(body.getAttribute("hx-headers") || "{}")["X-CSRF-Token"] || "";
    } catch (error) {
      return "";
    }
  }

  function say(text) {
    var status = document.getElementById("tap-status");
    if (status) status.textContent = text || "";
  }

  function postTap(uid, source) {
    return fetch("/terminal/taps", {
      method: "POST",
      credentials: "same-origin",
      headers: { "content-type": "application/json", accept: "application/json", "x-csrf-token": csrfToken() },
      body: JSON.stringify({ uid: uid, source: source }),
    }).then(
      function (response) {
        if (!response.ok) say(panel ? panel.getAttribute("data-msg-failed") : "");
      },
      function () {
        say(panel ? panel.getAttribute("data-msg-failed") : "");
      }
    );
  }

  // --- keyboard readers ---------------------------------------------------------------

  function hexFromCode(code) {
    var digit = /^(?:Digit|Numpad)([0-9])$/.exec(code);
    if (digit) return digit[1];
    var letter = /^Key([A-F])$/.exec(code);
    return letter ? letter[1] : null;
  }

  function hexOf(event) {
    var fromCode = hexFromCode(event.code || "");
    if (fromCode) return fromCode;
    return /^[0-9a-fA-F]$/.test(event.key || "") ? event.key.toUpperCase() : null;
  }

  function editable(element) {
    if (!element) return false;
    if (element.isContentEditable || element.tagName === "TEXTAREA") return true;
    return element.tagName === "INPUT" && !/^(button|submit|reset|checkbox|radio|hidden|file|image|range|color)$/i.test(element.type);
  }

  /** Types text into the element that had the focus, as the held keystrokes would have. */
  function typeInto(target, text) {
    if (!editable(target) || target.disabled || target.readOnly) return;
    if (document.activeElement === target && document.execCommand && document.execCommand("insertText", false, text)) return;
    try {
      target.setRangeText(text, target.selectionStart, target.selectionEnd, "end");
    } catch (error) {
      // Number and email inputs have no selection: append.
      target.value += text;
    }
    target.dispatchEvent(new Event("input", { bubbles: true }));
  }

  var held = [];
  var lastKeyAt = 0;
  var releaseTimer = null;

  /** The held keystrokes were a person typing: give them back, in order. */
  function release() {
    clearTimeout(releaseTimer);
    releaseTimer = null;
    var keys = held;
    held = [];
    for (var i = 0; i < keys.length; i++) typeInto(keys[i].target, keys[i].key);
  }

  function onKeyDown(event) {
    if (event.ctrlKey || event.altKey || event.metaKey || event.isComposing) {
      release();
      return;
    }
    var fast = held.length > 0 && event.timeStamp - lastKeyAt < GAP_MS;
    if (event.key === "Enter" || event.code === "Enter" || event.code === "NumpadEnter") {
      if (fast && UID_DIGITS.indexOf(held.length) >= 0) {
        event.preventDefault();
        event.stopImmediatePropagation();
        var uid = held.map(function (key) { return key.hex; }).join("");
        clearTimeout(releaseTimer);
        held = [];
        postTap(uid, "wedge");
        return;
      }
      release();
      return;
    }
    var hex = hexOf(event);
    if (hex === null || event.repeat) {
      release();
      return;
    }
    if (held.length > 0 && !fast) release();
    if (held.length >= MAX_DIGITS) {
      // Longer than any UID: a person, or a barcode scanner; let it all through.
      release();
      return;
    }
    event.preventDefault();
    event.stopImmediatePropagation();
    held.push({ hex: hex, key: event.key, target: event.target });
    lastKeyAt = event.timeStamp;
    clearTimeout(releaseTimer);
    releaseTimer = setTimeout(release, GAP_MS);
  }

  window.addEventListener("keydown", onKeyDown, true);

  // --- Web NFC ------------------------------------------------------------------------

  var button = document.getElementById("webnfc-button");
  if (button && "NDEFReader" in window && window.isSecureContext) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var reader = new window.NDEFReader();
      reader.onreading = function (event) {
        var uid = String(event.serialNumber || "").replace(/:/g, "").toUpperCase();
        if (uid) postTap(uid, "webnfc");
      };
      reader.onreadingerror = function () {
        say(panel.getAttribute("data-msg-failed"));
      };
      reader.scan().then(
        function () {
          say(panel.getAttribute("data-msg-listening"));
        },
        function () {
          say(panel.getAttribute("data-msg-failed"));
        }
      );
    });
  }

  // --- stale taps ---------------------------------------------------------------------

  document.addEventListener("htmx:sseBeforeMessage", function (event) {
    var data = (event.detail && event.detail.data) || "";
    var expiry = /data-expires-at-ms="(\d+)"/.exec(data);
    if (expiry && Number(expiry[1]) <= Date.now() + serverOffsetMs) event.preventDefault();
  });
})();
