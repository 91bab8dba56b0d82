// The member's new invitation: "Copy code" (the clipboard) and "Share link" (the Web Share API where the
// browser has it, else the link is copied). The buttons appear only where this runs; without JavaScript the
// code and the link sit in read-only fields to select by hand.
(function () {
  "use strict";
  var status = document.getElementById("share-status");

  function say(text) {
    if (status) { status.textContent = text; }
  }

  function copy(input) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(input.value);
    }
    return new Promise(function (resolve, reject) {
      input.select();
      try {
        if (document.execCommand("copy")) { resolve(); } else { reject(new Error("copy refused")); }
      } catch (error) { reject(error); }
    });
  }

  function copyAndSay(button, input) {
    copy(input).then(function () { say(button.dataset.done); }, function () {
      input.focus();
      input.select();
      say("Copying did not work here: the text is selected, copy it by hand.");
    });
  }

  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var input = document.getElementById(button.dataset.copy);
    if (!input) { return; }
    button.hidden = false;
    button.addEventListener("click", function () { copyAndSay(button, input); });
  });

  document.querySelectorAll("button[data-share]").forEach(function (button) {
    var input = document.getElementById(button.dataset.share);
    if (!input) { return; }
    var canShare = typeof navigator.share === "function";
    if (!canShare) { button.textContent = button.dataset.fallback; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var data = { title: button.dataset.title, text: button.dataset.text, url: input.value };
      if (canShare && (!navigator.canShare || navigator.canShare(data))) {
        navigator.share(data).then(function () { say("Shared."); }, function (error) {
          if (!error || error.name !== "AbortError") { copyAndSay(button, input); }
        });
      } else {
        copyAndSay(button, input);
      }
    });
  });
})();
