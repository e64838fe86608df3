// tibox till: what the page does on its own, because the Wi-Fi of a bar drops.
//
// - It asks the box "are you there?" every second (GET /healthz, 1.5 s timeout). After two
//   failures in a row, or 2.5 s without an answer, it shows the banner; the next answer hides it.
// - It keeps the till's state (the cart, the payment under way) in sessionStorage after every
//   screen, and puts it back if the page is reloaded.
// - Money commands (the payment, a top-up...) are forms of class "till-command" carrying an
//   idempotency key made by the box when the screen opened. The page sends the form's body once,
//   keeps it (and the key) in sessionStorage, and sends the very same bytes again every second
//   while the box does not answer (a network error, or a 5xx while it restarts), up to an hour.
//   The box runs a key once and replays its first answer, so a payment sent twice is charged
//   once. Only the box's answer is ever shown: the page never says "paid" by itself.
(function () {
  "use strict";
  var PING_MS = 1000;
  var PING_TIMEOUT_MS = 1500;
  var SILENCE_MS = 2500;
  var RETRY_MS = 1000;
  var MAX_ATTEMPTS = 3600;
  var STATE_KEY = "tibox.till.state";
  var PENDING_KEY = "tibox.till.pending";

  var body = document.body;
  var sync = document.getElementById("till-sync");
  if (!sync) return;

  function csrfToken() {
    try {
      return JSON.parse(body.getAttribute("hx-headers") || "{}")["X-CSRF-Token"] || "";
    } catch (error) {
      return "";
    }
  }

  function read(key) {
    try {
      return JSON.parse(sessionStorage.getItem(key) || "null");
    } catch (error) {
      return null;
    }
  }

  function write(key, value) {
    try {
      if (value === null) sessionStorage.removeItem(key);
      else sessionStorage.setItem(key, JSON.stringify(value));
    } catch (error) {
      // Private mode or a full storage: the page still works, it only forgets on reload.
    }
  }

  // --- is the box there? --------------------------------------------------------------

  var failures = 0;
  var lastAnswerAt = Date.now();
  var banner = document.getElementById("till-offline");

  function showBanner(offline) {
    if (banner) banner.hidden = !offline;
  }

  function answered() {
    failures = 0;
    lastAnswerAt = Date.now();
    showBanner(false);
  }

  function unanswered() {
    failures += 1;
    if (failures >= 2 || Date.now() - lastAnswerAt > SILENCE_MS) showBanner(true);
  }

  function ping() {
    var controller = typeof AbortController === "function" ? new AbortController() : null;
    var timer = setTimeout(function () {
      if (controller) controller.abort();
    }, PING_TIMEOUT_MS);
    fetch("/healthz", { cache: "no-store", credentials: "same-origin", signal: controller ? controller.signal : undefined }).then(
      function (response) {
        clearTimeout(timer);
        if (response.ok) answered();
        else unanswered();
      },
      function () {
        clearTimeout(timer);
        unanswered();
      }
    );
  }

  setInterval(ping, PING_MS);
  setInterval(function () {
    if (Date.now() - lastAnswerAt > SILENCE_MS) showBanner(true);
  }, PING_MS / 2);

  // --- the state, kept across reloads --------------------------------------------------

  function currentState() {
    var input = document.getElementById("till-state");
    return input ? input.value : null;
  }

  function saveState() {
    var state = currentState();
    if (state !== null) write(STATE_KEY, { pos: sync.getAttribute("data-pos"), state: state });
  }

  function restoreState() {
    if (sync.getAttribute("data-section") !== "sale" || !window.htmx) return;
    var saved = read(STATE_KEY);
    if (!saved || saved.pos !== sync.getAttribute("data-pos") || saved.state === currentState()) return;
    var state;
    try {
      state = JSON.parse(saved.state);
    } catch (error) {
      return;
    }
    if (!state || !state.lines || state.lines.length === 0) return;
    window.htmx.ajax("POST", "/till/pay", { target: "#till-main", swap: "outerHTML", values: { op: "restore", state: saved.state } });
  }

  // --- money commands ------------------------------------------------------------------

  function statusOf(form) {
    return form ? form.querySelector(".command-pending") : null;
  }

  function say(form, text) {
    var status = statusOf(form);
    if (!status) return;
    status.hidden = !text;
    status.textContent = text || "";
  }

  function lock(locked) {
    var main = document.getElementById("till-main");
    if (main) main.inert = locked;
  }

  function targetOf(pending, form) {
    if (pending.target === "this") return form && form.isConnected ? form : null;
    return document.querySelector(pending.target || "#till-main");
  }

  function show(pending, form, response) {
    return response.text().then(function (html) {
      answered();
      write(PENDING_KEY, null);
      lock(false);
      var redirect = response.headers.get("hx-redirect");
      if (redirect) {
        window.location.href = redirect;
        return;
      }
      var target = targetOf(pending, form);
      if (!target) {
        window.location.reload();
        return;
      }
      if (window.htmx) window.htmx.swap(target, html, { swapStyle: "outerHTML" });
      else target.outerHTML = html;
      saveState();
    });
  }

  function send(pending, form, attempt) {
    say(form, attempt === 1 ? sync.getAttribute("data-msg-waiting") : (sync.getAttribute("data-msg-retrying") || "").replace("{attempt}", String(attempt)));
    fetch(pending.action, {
      method: "POST",
      credentials: "same-origin",
      cache: "no-store",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        "idempotency-key": pending.key,
        "x-csrf-token": csrfToken(),
        "hx-request": "true",
        accept: "text/html",
      },
      body: pending.body,
    })
      .then(function (response) {
        // 5xx: the box is restarting, or busy; the same request goes again.
        if (response.status >= 500) throw new Error("box answered " + response.status);
        return show(pending, form, response);
      })
      .catch(function () {
        unanswered();
        if (attempt >= MAX_ATTEMPTS) return;
        setTimeout(function () {
          send(pending, form && form.isConnected ? form : null, attempt + 1);
        }, RETRY_MS);
      });
  }

  function submitCommand(form) {
    if (form.getAttribute("data-sent")) return;
    form.setAttribute("data-sent", "true");
    var buttons = form.querySelectorAll("button");
    for (var i = 0; i < buttons.length; i++) buttons[i].disabled = true;
    var pending = {
      action: form.getAttribute("action"),
      key: form.getAttribute("data-key"),
      // The exact bytes, kept: every retry sends these, so the box can recognise them.
      body: new URLSearchParams(new FormData(form)).toString(),
      target: form.getAttribute("data-target") || "#till-main",
      path: window.location.pathname,
    };
    write(PENDING_KEY, pending);
    if (pending.target === "#till-main") lock(true);
    send(pending, form, 1);
  }

  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      if (!form || !form.classList || !form.classList.contains("till-command")) return;
      event.preventDefault();
      if (form.reportValidity && !form.reportValidity()) return;
      submitCommand(form);
    },
    true
  );

  function autoSubmit() {
    var forms = document.querySelectorAll('form.till-command[data-auto-submit="true"]:not([data-sent])');
    for (var i = 0; i < forms.length; i++) submitCommand(forms[i]);
  }

  function resumePending() {
    var pending = read(PENDING_KEY);
    if (!pending || pending.path !== window.location.pathname) return false;
    if (pending.target === "#till-main") lock(true);
    send(pending, null, 1);
    return true;
  }

  // --- the cash keypad, and taps already claimed ----------------------------------------

  document.addEventListener("click", function (event) {
    var key = event.target && event.target.closest ? event.target.closest("[data-keypad-for] button[data-key]") : null;
    if (!key) return;
    var input = document.getElementById(key.parentElement.getAttribute("data-keypad-for"));
    if (!input) return;
    var value = key.getAttribute("data-key");
    input.value = value === "⌫" ? input.value.slice(0, -1) : input.value + value;
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var elt = event.detail && event.detail.elt;
    if (elt && elt.classList && elt.classList.contains("till-tap") && elt.parentNode) elt.parentNode.removeChild(elt);
  });

  document.addEventListener("htmx:afterSettle", function () {
    saveState();
    autoSubmit();
  });

  function start() {
    if (!resumePending()) restoreState();
    saveState();
    autoSubmit();
  }

  // Deferred scripts run before DOMContentLoaded, and htmx starts on it: start after htmx.
  if (document.readyState === "complete") start();
  else document.addEventListener("DOMContentLoaded", start);
})();
