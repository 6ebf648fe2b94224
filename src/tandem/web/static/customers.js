// The customers pages' script: follows an identity resolution started from the page. It polls the
// small progress endpoint (the run itself is a background thread on the server), moves the bar,
// and reloads the report once the new version is serving. Loaded with `defer`; no inline script.
(function () {
  "use strict";

  function follow(box) {
    var bar = box.querySelector(".progress > span");
    var meter = box.querySelector("[role=progressbar]");
    var phase = box.querySelector("[data-phase]");
    var message = box.querySelector("[data-message]");

    function show(p) {
      var pct = Math.round((p.fraction || 0) * 100);
      bar.style.width = pct + "%";
      meter.setAttribute("aria-valuenow", String(pct));
      phase.textContent = (p.phase || "") + " · " + pct + "%";
    }

    function tick() {
      fetch(box.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
        .then(function (p) {
          show(p);
          if (p.state === "running") { window.setTimeout(tick, 700); return; }
          if (p.state === "done") {
            window.location.assign("/customers?resolved=" + encodeURIComponent(p.version || ""));
            return;
          }
          box.classList.add("is-failed");
          box.querySelector("[data-title]").textContent = "Identity resolution stopped";
          message.textContent = p.message || "Identity resolution stopped; the previous version is still serving.";
        })
        // A dropped request (server restarting, network) is not the end of the run: ask again later.
        .catch(function () { window.setTimeout(tick, 2000); });
    }
    window.setTimeout(tick, 300);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-resolve-progress]").forEach(follow);
  });
})();
