// The journal page's two small helps for free association (no inline script: the CSP forbids it).
// An optional timer that only tells the time, and "just keep writing": what is written moves out of
// sight into the real field (the one autosave and the form send), so only the words being typed show.
(function () {
  "use strict";
  var form = document.getElementById("entry-form");
  var text = document.getElementById("f-text");
  var typing = document.getElementById("fa-typing");
  var keep = document.getElementById("fa-keep");
  if (!form || !text || !typing || !keep) { return; }

  function changed() {  // let htmx's "keyup changed delay:2s" autosave see the moved text
    text.dispatchEvent(new KeyboardEvent("keyup", { bubbles: true }));
  }

  function flush(all) {  // move finished words (or everything) from the typing box into the entry
    var value = typing.value;
    var cut = all ? value.length : Math.max(value.lastIndexOf(" "), value.lastIndexOf("\n")) + 1;
    if (cut <= 0) { return; }
    text.value += value.slice(0, cut);
    typing.value = value.slice(cut);
    changed();
  }

  keep.addEventListener("change", function () {
    if (keep.checked) {
      if (text.value && !/\s$/.test(text.value)) { text.value += " "; }
      text.classList.add("hidden");
      typing.classList.remove("hidden");
      typing.focus();
    } else {
      flush(true);
      typing.classList.add("hidden");
      text.classList.remove("hidden");
      text.focus();
    }
  });
  typing.addEventListener("input", function () { flush(false); });
  form.addEventListener("submit", function () { flush(true); });

  var timer = document.getElementById("fa-timer");
  var clock = document.getElementById("fa-clock");
  var handle = null;
  if (timer && clock) {
    timer.addEventListener("change", function () {
      if (handle) { clearInterval(handle); handle = null; }
      var end = Date.now() + Number(timer.value) * 60000;
      clock.textContent = "";
      if (!Number(timer.value)) { return; }
      handle = setInterval(function () {
        var left = Math.max(0, Math.round((end - Date.now()) / 1000));
        clock.textContent = left ? Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0") + " left"
          : "Time is up. Keep going if you like, or stop here.";
        if (!left) { clearInterval(handle); handle = null; }
      }, 1000);
    });
  }
}());
