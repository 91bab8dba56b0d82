// Progressive enhancement only: every form works without this file.
(function () {
  "use strict";
  var zone = "";
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { /* old browser */ }
  if (!zone) { return; }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  // Record new check-ins in the zone the phone is in now (travel). The server pre-filled the day and
  // time in the account's zone; when the phone's zone differs, show "now" in the phone's zone instead,
  // so the pair (day, time, zone) still means the moment the page was opened.
  document.querySelectorAll("input.js-browser-timezone").forEach(function (input) {
    if (input.value === zone) { return; }
    input.value = zone;
    var form = input.form;
    if (!form) { return; }
    var now = new Date();
    var day = form.querySelector("input[name=day]");
    var time = form.querySelector("input[name=time]");
    if (day) { day.value = now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate()); }
    if (time) { time.value = pad(now.getHours()) + ":" + pad(now.getMinutes()); }
  });
  // Sign-ups take the member's zone from the browser.
  document.querySelectorAll("form.js-timezone input[name=timezone]").forEach(function (input) { input.value = zone; });
})();
