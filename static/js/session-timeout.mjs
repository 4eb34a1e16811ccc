// Warns before an idle session ends, the GOV.UK timeout-warning way: a modal dialog that takes focus
// wherever the person is on the page; "Stay signed in" resets the server's idle clock without leaving
// the page. On a page whose form carries data-save-on-timeout (the scoring form), what was typed is
// saved as a draft just before the limit (the form is posted with action=timeout; the server saves,
// signs out and says so), so answers survive the sign-out.
// The server signs the person out after the limit either way (SessionIdleTimeoutMiddleware).
// A file, not an inline script, so the Content-Security-Policy needs no 'unsafe-inline'.
const body = document.body;
const timeout = Number(body.dataset.sessionTimeout) * 1000;
const warning = Number(body.dataset.sessionWarning) * 1000;
const expiredUrl = body.dataset.sessionExpiredUrl;
const dialog = document.querySelector("[data-session-timeout-dialog]");
const saveForm = document.querySelector("form[data-save-on-timeout]");
const SHARED_KEY = "yos-audit-last-activity"; // a time only: other tabs of the service keep the session alive too

function sharedActivity() {
  try {
    return Number(window.localStorage.getItem(SHARED_KEY)) || 0;
  } catch {
    return 0;
  }
}

function inWords(milliseconds) {
  const seconds = Math.max(Math.ceil(milliseconds / 1000), 0);
  if (seconds >= 60) {
    const minutes = Math.ceil(seconds / 60);
    return `${minutes} minute${minutes === 1 ? "" : "s"}`;
  }
  return `${seconds} second${seconds === 1 ? "" : "s"}`;
}

if (timeout > 0 && dialog && typeof dialog.showModal === "function") {
  const countdown = dialog.querySelector("[data-session-countdown]");
  const stayForm = dialog.querySelector("[data-session-stay]");
  // Save early enough that the request arrives before the server's limit.
  const saveAhead = Math.min(30000, warning / 2);
  const end = saveForm ? timeout - saveAhead : timeout;
  let lastActivity = 0;
  let timer = null;
  let returnFocus = null;
  let leaving = false;

  const record = (when) => {
    lastActivity = Math.max(lastActivity, when);
    try {
      window.localStorage.setItem(SHARED_KEY, String(lastActivity));
    } catch {
      // storage switched off: this tab alone decides
    }
  };

  const closeDialog = () => {
    if (dialog.open) {
      dialog.close();
      if (returnFocus && document.contains(returnFocus)) returnFocus.focus();
    }
  };

  const check = () => {
    window.clearTimeout(timer);
    if (leaving) return;
    lastActivity = Math.max(lastActivity, sharedActivity());
    const idle = Date.now() - lastActivity;
    if (idle < timeout - warning) {
      closeDialog();
      timer = window.setTimeout(check, timeout - warning - idle);
      return;
    }
    if (idle >= end) {
      leaving = true;
      if (saveForm) {
        const action = document.createElement("input");
        action.type = "hidden";
        action.name = "action";
        action.value = "timeout";
        saveForm.append(action);
        saveForm.submit();
      } else {
        window.location.assign(expiredUrl);
      }
      return;
    }
    countdown.textContent = inWords(end - idle);
    if (!dialog.open) {
      returnFocus = document.activeElement;
      dialog.showModal();
      stayForm.querySelector("button").focus();
    }
    timer = window.setTimeout(check, 1000);
  };

  const stay = async () => {
    try {
      const response = await fetch(stayForm.action, {
        method: "POST",
        body: new FormData(stayForm),
        headers: { "X-Requested-With": "fetch" },
        credentials: "same-origin",
      });
      if (response.status !== 204) {
        window.location.assign(expiredUrl);
        return;
      }
    } catch {
      stayForm.submit(); // the network failed: the ordinary form post comes back to this page
      return;
    }
    record(Date.now());
    check();
  };

  stayForm.addEventListener("submit", (event) => {
    event.preventDefault();
    stay();
  });
  // Escape means "stay signed in", as in the pattern.
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    stay();
  });
  window.addEventListener("storage", (event) => {
    if (event.key === SHARED_KEY) check();
  });

  record(Date.now());
  check();
} else if (timeout > 0) {
  window.setTimeout(() => window.location.assign(expiredUrl), timeout + 5000);
}
