// Progressive enhancement only: every form works without this file.
(function () {
  "use strict";
  var zone = "";
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { /* old browser */ }
  if (zone) {
    // Record check-ins in the zone the phone is in now (travel), and sign-ups in the member's zone.
    document.querySelectorAll("input.js-browser-timezone").forEach(function (input) { input.value = zone; });
    document.querySelectorAll("form.js-timezone input[name=timezone]").forEach(function (input) { input.value = zone; });
  }
})();
