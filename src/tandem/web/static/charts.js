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

  // Data-driven extras (JSON carries no functions): quarter labels on an axis of quarter-years,
  // and arrows between bars ("links": [[from, to], ...] by bar index) for dependencies.
  function quarterTicks(config, axis) {
    var scale = config.options.scales && config.options.scales[axis];
    if (!scale) return;
    scale.ticks = scale.ticks || {};
    scale.ticks.callback = function (value) {
      var year = Math.floor(value + 1e-9), q = Math.round((value - year) * 4) + 1;
      return q === 1 ? year + "" : "Q" + q;
    };
  }

  var linksPlugin = {
    id: "tandemLinks",
    afterDatasetsDraw: function (chart) {
      var links = chart.config._config.tandem && chart.config._config.tandem.links;
      if (!links || !links.length) return;
      var bars = chart.getDatasetMeta(0).data, ctx = chart.ctx;
      ctx.save();
      ctx.strokeStyle = "#111827"; ctx.fillStyle = "#111827"; ctx.lineWidth = 1.5;
      links.forEach(function (link) {
        var from = bars[link[0]], to = bars[link[1]];
        if (!from || !to) return;
        var x1 = Math.max(from.x, from.base), y1 = from.y, x2 = Math.min(to.x, to.base), y2 = to.y;
        var bend = Math.max(x1 + 6, x2 - 8);
        ctx.beginPath(); ctx.moveTo(x1, y1); ctx.lineTo(bend, y1); ctx.lineTo(bend, y2); ctx.lineTo(x2 - 1, y2);
        ctx.stroke();
        ctx.beginPath(); ctx.moveTo(x2, y2); ctx.lineTo(x2 - 6, y2 - 4); ctx.lineTo(x2 - 6, y2 + 4);
        ctx.closePath(); ctx.fill();
      });
      ctx.restore();
    }
  };

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
    if (config.tandem && config.tandem.quarterAxis) quarterTicks(config, config.tandem.quarterAxis);
    config.plugins = (config.plugins || []).concat(config.tandem ? [linksPlugin] : []);
    canvas.chart = new window.Chart(canvas, config);
    canvas.dataset.drawn = "1";
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("canvas[data-chart]").forEach(draw);
  });
})();
