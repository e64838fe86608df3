// tibox pages: warn when this device's clock and the box's differ by more than the bound, so a
// cashier notices before a receipt or a ticket carries a wrong time.
(function () {
  "use strict";
  function checkSkew() {
    var body = document.body;
    var serverMs = Number(body.getAttribute("data-server-time-ms"));
    var boundMs = Number(body.getAttribute("data-skew-ms"));
    if (!serverMs || !boundMs) return;
    var banner = document.getElementById("clock-skew");
    if (banner) banner.hidden = Math.abs(Date.now() - serverMs) <= boundMs;
  }
  document.addEventListener("DOMContentLoaded", checkSkew);
  document.addEventListener("htmx:afterSettle", checkSkew);
})();

// Destructive forms (refund, cancel, revoke, delete) carry data-confirm: the browser asks first, and
// "Cancel" sends nothing. Without JavaScript the form posts as before.
(function () {
  "use strict";
  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      if (!(form instanceof HTMLFormElement)) return;
      var question = form.getAttribute("data-confirm");
      if (question && !window.confirm(question)) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    },
    true,
  );
})();

// A "print this page" button (data-print): tablets and phones have no Ctrl+P.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (target && target.closest && target.closest("[data-print]")) window.print();
  });
})();
