// Charts drawn in the browser from data the server embeds as JSON (never executed, so the CSP
// holds): <script type="application/json" id="X">{chart.js config}</script> <canvas data-chart="X">.
// Chart.js is vendored under /static/vendor; nothing is fetched from a CDN.
(function () {
  "use strict";
  var palette = { marketing: "#7c3aed", technology: "#0f766e", executive: "#b45309", neutral: "#4f46e5",
                  ok: "#15803d", warn: "#b45309", bad: "#b91c1c", muted: "#9ca3af" };

  function resolveColours(value) {
    if (typeof value === "string" && palette[value]) return palette[value];
    if (Array.isArray(value)) return value.map(resolveColours);
    return value;
  }

  function draw(canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source || !window.Chart) return;
    var config = JSON.parse(source.textContent);
    (config.data && config.data.datasets || []).forEach(function (ds) {
      ["backgroundColor", "borderColor"].forEach(function (k) { if (ds[k]) ds[k] = resolveColours(ds[k]); });
    });
    config.options = config.options || {};
    config.options.responsive = true;
    config.options.maintainAspectRatio = false;
    config.options.animation = false;
    canvas.chart = new window.Chart(canvas, config);
    canvas.dataset.drawn = "1";
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("canvas[data-chart]").forEach(draw);
  });
})();
