// Tandem's only script: live activity over server-sent events and small page helpers.
// Served from the app itself (no CDN), loaded with `defer`, no inline script anywhere.
(function () {
  "use strict";

  function setLive(state, text) {
    document.querySelectorAll("[data-live-status]").forEach(function (el) {
      el.classList.toggle("on", state);
      el.textContent = text;
    });
  }

  function setUnread(count) {
    var badge = document.getElementById("unread-count");
    if (!badge) return;
    badge.textContent = String(count);
    badge.hidden = count === 0;
    var bell = badge.closest("a");
    if (bell) bell.setAttribute("aria-label", "Notifications, " + count + " unread");
  }

  function startLiveFeed() {
    if (!document.body.dataset.signedIn || !window.EventSource) return;
    var feed = document.querySelector("[data-live-feed]");
    var after = feed ? feed.dataset.after || "0" : "";
    var query = feed && feed.dataset.query ? "&" + feed.dataset.query : "";
    // Without a feed on the page we only want the unread count, so start from "now".
    var url = "/activity/stream?" + (feed ? "after=" + after : "after=999999999") + query;
    var source = new EventSource(url);
    source.onopen = function () { setLive(true, "live"); };
    source.onerror = function () { setLive(false, "reconnecting…"); };
    source.addEventListener("unread", function (e) { setUnread(parseInt(e.data, 10) || 0); });
    if (!feed) return;
    source.addEventListener("activity", function (e) {
      var data = JSON.parse(e.data);
      if (feed.querySelector('[data-event-id="' + data.id + '"]')) return;
      var holder = document.createElement("ul");
      holder.innerHTML = data.html; // rendered and escaped by the server's templates
      var item = holder.firstElementChild;
      if (!item) return;
      item.classList.add("is-new");
      feed.insertBefore(item, feed.firstChild);
      var empty = feed.parentElement.querySelector("[data-empty]");
      if (empty) empty.remove();
      var limit = parseInt(feed.dataset.limit || "0", 10);
      while (limit && feed.children.length > limit) feed.removeChild(feed.lastElementChild);
    });
  }

  function progressBars() {
    document.querySelectorAll("[data-width]").forEach(function (el) {
      el.style.width = Math.max(0, Math.min(100, parseFloat(el.dataset.width) || 0)) + "%";
    });
  }

  function backLinks() {
    document.querySelectorAll("[data-back]").forEach(function (el) {
      el.addEventListener("click", function (e) {
        if (history.length > 1) { e.preventDefault(); history.back(); }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    progressBars();
    backLinks();
    startLiveFeed();
  });
})();
