// The GOV.UK timeout warning: 2 minutes before the idle timeout a modal dialog offers
// "Stay signed in", which pings the keep-alive URL in the background, so nothing typed on
// the page is lost. Settings come from data- attributes on the dialog
// (templates/includes/timeout_warning.html); the server enforces the timeout itself
// (accounts.middleware.IdleTimeoutMiddleware). No inline script: the CSP forbids it.
(function () {
  "use strict";
  var dialog = document.getElementById("timeout-warning");
  if (!dialog || typeof dialog.showModal !== "function") return;
  var timeout = Number(dialog.dataset.idleTimeout) * 1000;
  var warning = Number(dialog.dataset.idleWarning) * 1000;
  if (!timeout || !warning) return;
  var countdown = dialog.querySelector("[data-timeout-countdown]");
  var announce = dialog.querySelector("[data-timeout-announce]");
  var stay = dialog.querySelector("[data-timeout-stay]");
  var lastActivity = Date.now();
  var warnTimer = null;
  var tick = null;
  var returnFocus = null;

  function words(ms) {
    var seconds = Math.max(0, Math.ceil(ms / 1000));
    if (seconds >= 60) {
      var minutes = Math.ceil(seconds / 60);
      return minutes + (minutes === 1 ? " minute" : " minutes");
    }
    return seconds + (seconds === 1 ? " second" : " seconds");
  }

  function schedule() {
    if (warnTimer) clearTimeout(warnTimer);
    warnTimer = setTimeout(warn, Math.max(0, timeout - warning - (Date.now() - lastActivity)));
  }

  function activity() {
    lastActivity = Date.now();
    if (!dialog.open) schedule();
  }

  function update() {
    var left = timeout - (Date.now() - lastActivity);
    if (left <= 0) {
      clearInterval(tick);
      // The server has signed this session out: reloading shows the sign-in page and says why.
      window.location.reload();
      return;
    }
    countdown.textContent = words(left);
    var seconds = Math.ceil(left / 1000);
    if (seconds % 30 === 0 || seconds === 10) {
      announce.textContent = "We will sign you out in " + words(left) + ".";
    }
  }

  function warn() {
    returnFocus = document.activeElement;
    dialog.showModal();
    stay.focus();
    announce.textContent = "For your security, we will sign you out in " + words(timeout - (Date.now() - lastActivity)) + ".";
    update();
    tick = setInterval(update, 1000);
  }

  function close() {
    clearInterval(tick);
    if (dialog.open) dialog.close();
    if (returnFocus && typeof returnFocus.focus === "function") returnFocus.focus();
  }

  function stayIn() {
    var body = new FormData();
    fetch(dialog.dataset.keepAliveUrl, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": dialog.dataset.csrfToken, "X-Requested-With": "fetch" }
    }).then(function (response) {
      if (!response.ok) throw new Error("signed out");
      close();
      activity();
    }).catch(function () {
      countdown.textContent = "0 seconds";
      announce.textContent = "You have been signed out. What you typed is still on this page: copy it before you sign in again.";
    });
  }

  stay.addEventListener("click", stayIn);
  // Escape means "stay signed in", not "ignore the warning".
  dialog.addEventListener("cancel", function (event) {
    event.preventDefault();
    stayIn();
  });

  // Requests this page makes in the background (autosave, htmx) count as activity too.
  if (window.fetch) {
    var realFetch = window.fetch;
    window.fetch = function () {
      return realFetch.apply(this, arguments).then(function (response) {
        if (response.ok && response.url.indexOf(window.location.origin) === 0) activity();
        return response;
      });
    };
  }
  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail && event.detail.successful) activity();
  });

  schedule();
})();
