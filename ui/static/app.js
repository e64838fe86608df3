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
