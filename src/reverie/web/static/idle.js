// Inactivity log-off on screen: once the session's idle time has passed with no request from this page, the page
// leaves for the login page (the server ended the session by then). Each htmx request (the journal's autosave while
// someone writes) starts the wait again, so a client writing for a long time is never sent away mid-sentence.
(function () {
  "use strict";
  var seconds = Number(document.body.dataset.idleSeconds);
  if (!seconds) { return; }
  var timer = null;
  function wait() {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(function () { window.location.assign("/login"); }, seconds * 1000);
  }
  document.body.addEventListener("htmx:afterRequest", wait);
  wait();
}());
