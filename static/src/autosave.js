// Autosave for application sections: saves while typing and keeps a copy in this browser,
// so an expired session or a lost connection never loses what was typed.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave-url]");
  if (!form) return;
  var status = form.querySelector("[data-autosave-status]");
  var key = "autosave:" + form.dataset.autosaveKey;
  var timer = null;

  function fields() {
    var data = {};
    new FormData(form).forEach(function (value, name) {
      if (name === "csrfmiddlewaretoken" || typeof value !== "string") return;
      (data[name] = data[name] || []).push(value);
    });
    return data;
  }

  function say(text) { if (status) status.textContent = text; }

  function keepLocally() {
    try { localStorage.setItem(key, JSON.stringify({ at: Date.now(), fields: fields() })); } catch (e) { /* storage full or off */ }
  }

  function save() {
    timer = null;
    var body = new FormData(form);
    fetch(form.dataset.autosaveUrl, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      redirect: "manual",
      headers: { "X-Requested-With": "fetch" }
    }).then(function (response) {
      if (!response.ok) throw new Error("not saved");
      return response.json();
    }).then(function (result) {
      try { localStorage.removeItem(key); } catch (e) { /* ignore */ }
      var problems = Object.keys(result.errors || {}).length;
      say(problems ? "Saved at " + result.saved_at + ", except answers that need fixing" : "Saved at " + result.saved_at);
    }).catch(function () {
      say("Not saved to our system yet: your text is kept in this browser. Sign in again if asked, then come back to this page.");
    });
  }

  function changed() {
    keepLocally();
    if (timer) clearTimeout(timer);
    timer = setTimeout(save, 1500);
  }

  // Restore text kept in this browser that the server never received.
  try {
    var kept = JSON.parse(localStorage.getItem(key) || "null");
    var savedAt = Date.parse(form.dataset.savedAt || "");
    if (kept && (!savedAt || kept.at > savedAt)) {
      Object.keys(kept.fields).forEach(function (name) {
        var inputs = form.querySelectorAll('[name="' + name + '"]');
        inputs.forEach(function (input) {
          if (input.type === "checkbox" || input.type === "radio") {
            input.checked = kept.fields[name].indexOf(input.value) !== -1;
          } else {
            input.value = kept.fields[name][0];
          }
        });
      });
      say("We restored text you typed that had not been saved. Check it, then save.");
    }
  } catch (e) { /* ignore */ }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", function () { if (timer) clearTimeout(timer); });
})();
