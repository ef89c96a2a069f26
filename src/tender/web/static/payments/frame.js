/* What every Tender frame shares: the checked channel to the parent page and the gateway calls. */
var TenderFrame = (function () {
  "use strict";

  var params = new URLSearchParams(location.search);
  var parentOrigin = params.get("parent") || "";
  var ancestors = location.ancestorOrigins;
  // Only talk to the page that actually embeds us, and only under the origin it claims.
  var trusted = window.parent !== window && /^https?:\/\/[^/]+$/.test(parentOrigin) &&
    (!ancestors || !ancestors.length || ancestors[0] === parentOrigin);

  function post(message) {
    if (!trusted) return;
    message.source = "tender-frame";
    window.parent.postMessage(message, parentOrigin);
  }

  function listen(handler) {
    window.addEventListener("message", function (event) {
      if (!trusted || event.origin !== parentOrigin || event.source !== window.parent) return;
      if (!event.data || event.data.source !== "tender-parent") return;
      handler(event.data);
    });
  }

  function watchSize() {
    var last = 0;
    function report() {
      // The body's own height: the document's scrollHeight never drops below the frame's.
      var height = Math.ceil(document.body.getBoundingClientRect().height);
      if (height !== last) { last = height; post({ type: "resize", height: height }); }
    }
    if (window.ResizeObserver) new ResizeObserver(report).observe(document.body);
    report();
  }

  /* POST to Tender's gateway; always answers a Transaction Result, never throws. */
  function gateway(path, body) {
    return fetch("/api/payments/" + path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      credentials: "omit",
      cache: "no-store"
    }).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (data) {
        if (data && typeof data.statusCode === "number") return data;
        var code = response.status;
        var statusCode = code === 401 || code === 404 ? code : code >= 500 ? 500 : 400;
        var message = (data && (data.detail || data.title)) || "The payment could not be processed.";
        return { statusCode: statusCode, message: message };
      });
    }, function () {
      return { statusCode: 500, message: "The payment gateway could not be reached." };
    });
  }

  /* The saved-card options of the intent a token pays (offerSave, savedPaymentMethods). */
  function savedCards(token) {
    var none = { offerSave: false, savedPaymentMethods: [] };
    return fetch("/api/payments/" + encodeURIComponent(token) + "/saved-cards", {
      credentials: "omit", cache: "no-store"
    }).then(function (response) {
      return response.ok ? response.json() : none;
    }).catch(function () { return none; });
  }

  function result(data) {
    var out = { statusCode: data.statusCode, message: data.message || "" };
    if (data.authCode) out.authCode = data.authCode;
    return out;
  }

  /* Values for CSS properties from config.styles: plain values only, nothing that loads URLs. */
  function safeCss(props) {
    var out = [];
    Object.keys(props || {}).forEach(function (key) {
      var value = props[key];
      if (typeof value === "number") value = String(value);
      if (typeof value !== "string" || /[;{}<>\\]|url\(|expression|@import/i.test(value)) return;
      if (!/^[a-zA-Z-]+$/.test(key)) return;
      out.push(key.replace(/[A-Z]/g, function (c) { return "-" + c.toLowerCase(); }) + ":" + value);
    });
    return out.join(";");
  }

  function addFonts(urls) {
    (urls || []).forEach(function (url) {
      if (!/^https?:\/\//.test(String(url))) return;
      var link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = url;
      document.head.appendChild(link);
    });
  }

  return {
    trusted: trusted, post: post, listen: listen, watchSize: watchSize, gateway: gateway,
    savedCards: savedCards,
    result: result, safeCss: safeCss, addFonts: addFonts
  };
})();
