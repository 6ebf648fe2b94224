// Source page: upload a file with a progress bar, then follow the server's loading progress.
// A static file because the CSP forbids inline script; without JavaScript the form posts normally.
(function () {
  "use strict";
  const form = document.querySelector("form[data-ingest-form]");
  if (!form) return;
  const box = form.querySelector("[data-ingest-progress]");
  const bar = box.querySelector("progress");
  const label = form.querySelector("[data-ingest-label]");

  function token() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return String(Date.now()) + Math.random().toString(16).slice(2);
  }

  form.addEventListener("submit", function (event) {
    if (!window.FormData || !window.XMLHttpRequest) return;
    event.preventDefault();
    const id = token();
    form.querySelector("input[name=progress_token]").value = id;
    const xhr = new XMLHttpRequest();
    let polling = null;
    box.hidden = false;
    form.querySelector("button[type=submit]").disabled = true;
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) {
        bar.value = Math.round((e.loaded / e.total) * 50);
        label.textContent = "Uploading… " + Math.round((e.loaded / e.total) * 100) + "%";
      }
    });
    xhr.upload.addEventListener("load", function () {
      label.textContent = "Loading…";
      polling = setInterval(function () {
        fetch("/api/v1/customers/progress/" + encodeURIComponent(id), { credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.json() : null; })
          .then(function (state) {
            if (!state || !state.total) return;
            bar.value = 50 + Math.round((state.done / state.total) * 50);
            label.textContent = "Loading… " + Number(state.rows).toLocaleString() + " rows";
          })
          .catch(function () {});
      }, 500);
    });
    xhr.addEventListener("loadend", function () {
      if (polling) clearInterval(polling);
      bar.value = 100;
      window.location.assign(xhr.responseURL || window.location.href);
    });
    xhr.open("POST", form.action);
    xhr.send(new FormData(form));
  });
})();
