// Warns before an idle session ends (the server signs the person out after the limit either way).
// A file, not an inline script, so the Content-Security-Policy needs no 'unsafe-inline'.
const body = document.body;
const timeout = Number(body.dataset.sessionTimeout);
const warning = Number(body.dataset.sessionWarning);
const banner = document.querySelector("[data-session-warning-banner]");

if (timeout > 0 && banner) {
  window.setTimeout(() => {
    banner.hidden = false;
  }, Math.max(timeout - warning, 0) * 1000);
  window.setTimeout(() => {
    window.location.assign(body.dataset.sessionExpiredUrl);
  }, (timeout + 5) * 1000);
}
