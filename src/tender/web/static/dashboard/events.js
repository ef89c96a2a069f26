/* The live event stream: polls the account's events after the last cursor and shows each one
   as it arrives (newest first). */
(function () {
  "use strict";
  var list = document.getElementById("events");
  var state = document.getElementById("stream-state");
  var empty = document.getElementById("no-events");
  var cursor = Number(list.getAttribute("data-cursor")) || 0;
  var feed = list.getAttribute("data-feed");
  var every = Number(document.body.getAttribute("data-poll-ms")) || 1500;

  function item(entry) {
    var e = entry.event, data = e.data || {};
    var li = document.createElement("li");
    li.className = "fresh";
    var details = document.createElement("details");
    var summary = document.createElement("summary");
    var code = document.createElement("code");
    code.textContent = e.event;
    summary.appendChild(code);
    summary.appendChild(document.createTextNode(" · " + (data.paymentStatus || "") + " · "));
    var when = document.createElement("span");
    when.className = "note";
    when.textContent = (e.createdAt || "").replace("T", " ").slice(0, 19);
    summary.appendChild(when);
    if (data.paymentIntentId) summary.appendChild(document.createTextNode(" · " + data.paymentIntentId));
    var pre = document.createElement("pre");
    pre.className = "code";
    pre.textContent = JSON.stringify(e, null, 2);
    details.appendChild(summary);
    details.appendChild(pre);
    li.appendChild(details);
    return li;
  }

  function poll() {
    fetch(feed + "?after=" + cursor, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (response.redirected || !response.ok) throw new Error("signed out");
        return response.json();
      })
      .then(function (body) {
        body.data.forEach(function (entry) { list.insertBefore(item(entry), list.firstChild); });
        if (body.data.length) empty.hidden = true;
        cursor = body.cursor;
        list.setAttribute("data-cursor", String(cursor));
        state.textContent = "Live: following new events.";
        setTimeout(poll, every);
      })
      .catch(function () {
        state.textContent = "Stopped: reload the page to follow events again.";
      });
  }
  poll();
})();
