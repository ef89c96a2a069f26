/*
 * Tender's browser library, compatible with Dojo.js (https://cdn.dojo.tech/payments/v1/client.js).
 *
 *   <script src="https://YOUR-TENDER/payments/v1/client.js"></script>
 *   var card = new Dojo.Payment({containerId: "card", paymentDetails: {paymentToken: secret}},
 *                               function (errors) { ... });
 *   card.executePayment().then(function (result) { result.statusCode === 0 ... });
 *   var saved = new Dojo.RecurringPayment({containerId: "saved", paymentDetails: {paymentToken: secret}});
 *   saved.executePayment().then(...);   // the chosen saved card and its CVV
 *
 * The card fields live in an iframe served by Tender (card-frame.html), so the merchant's page
 * never sees the card number: this file only talks to the frame with postMessage, checking the
 * origin of every message, and the frame posts the card to Tender's gateway same-origin.
 * 3-D Secure challenges run in an iframe of class "threeDs" that the merchant's CSS positions,
 * as with Dojo.js (with a centred default when the page has no CSS for it).
 * Plain ES5-friendly JavaScript, no build step; exposed as Dojo, Tender and Connect.
 */
(function (global) {
  "use strict";

  var script = document.currentScript;
  if (!script) {
    var all = document.getElementsByTagName("script");
    for (var i = all.length - 1; i >= 0; i--) {
      if (/\/payments\/v1\/client\.js(\?|$)/.test(all[i].src)) { script = all[i]; break; }
    }
  }
  var ORIGIN = script ? new URL(script.src, location.href).origin : location.origin;
  var BASE = ORIGIN + "/payments/v1";
  var LOAD_TIMEOUT_MS = 20000;
  var nextId = 0;

  function noop() {}

  function fn(value) { return typeof value === "function" ? value : noop; }

  function requireConfig(config) {
    if (!config || typeof config !== "object") throw new Error("Dojo: config is required");
    if (!config.containerId) throw new Error("Dojo: config.containerId is required");
    var details = config.paymentDetails || {};
    if (!details.paymentToken) {
      throw new Error("Dojo: config.paymentDetails.paymentToken is required");
    }
    var container = document.getElementById(config.containerId);
    if (!container) throw new Error("Dojo: no element with id " + config.containerId);
    return container;
  }

  function frameUrl(page) {
    return BASE + "/" + page + "?parent=" + encodeURIComponent(location.origin);
  }

  /* Something that owns an iframe served by Tender and exchanges checked messages with it. */
  function Channel(container, page, title, height, onMessage, onLoadFailed) {
    var self = this;
    this.frame = document.createElement("iframe");
    this.frame.src = frameUrl(page);
    this.frame.title = title;
    this.frame.setAttribute("allow", "payment");
    // Sized like its content from the start (the frame reports its real height once loaded).
    this.frame.style.cssText = "width:100%;border:0;display:block;overflow:hidden;height:" + height;
    this.ready = false;
    this.listener = function (event) {
      if (event.origin !== ORIGIN || event.source !== self.frame.contentWindow) return;
      var data = event.data;
      if (!data || data.source !== "tender-frame") return;
      if (data.type === "ready") self.ready = true;
      if (data.type === "resize") self.frame.style.height = Math.ceil(data.height) + "px";
      onMessage(data);
    };
    global.addEventListener("message", this.listener);
    this.timer = setTimeout(function () { if (!self.ready) onLoadFailed(); }, LOAD_TIMEOUT_MS);
    container.innerHTML = "";
    container.appendChild(this.frame);
  }

  Channel.prototype.post = function (message) {
    message.source = "tender-parent";
    this.frame.contentWindow.postMessage(message, ORIGIN);
  };

  Channel.prototype.loaded = function () { clearTimeout(this.timer); };

  Channel.prototype.destroy = function () {
    clearTimeout(this.timer);
    global.removeEventListener("message", this.listener);
    if (this.frame.parentNode) this.frame.parentNode.removeChild(this.frame);
  };

  /* The look of the challenge frame when the merchant's page gives it none (Dojo.js leaves
     iframe.threeDs to the page's CSS): a centred dialog over a dimmed page. */
  var DEFAULT_3DS_CSS =
    "iframe.threeDs.tender-3ds-default{position:fixed;top:50%;left:50%;" +
    "transform:translate(-50%,-50%);max-width:calc(100vw - 16px);" +
    "max-height:calc(100vh - 16px);border:0;border-radius:10px;background:#fff;" +
    "box-shadow:0 10px 40px rgba(0,0,0,.4);z-index:2147483647}" +
    // A size the page's own iframe.threeDs rule (if it has one without a position) overrides.
    ":where(iframe.threeDs.tender-3ds-default){width:420px;height:560px}" +
    ".tender-3ds-backdrop{position:fixed;inset:0;background:rgba(0,0,0,.55);" +
    "z-index:2147483646}";

  function addDefaultStyles() {
    if (document.getElementById("tender-3ds-default-css")) return;
    var style = document.createElement("style");
    style.id = "tender-3ds-default-css";
    style.textContent = DEFAULT_3DS_CSS;
    (document.head || document.documentElement).appendChild(style);
  }

  /* The 3-D Secure challenge, rendered as Dojo.js renders it: an iframe of class "threeDs",
     a direct child of <body>, that the merchant's CSS positions. Resolves true once the
     cardholder decided, false if they cancelled. */
  function runChallenge(stepUpUrl, md) {
    return new Promise(function (resolve) {
      var url = new URL(stepUpUrl, ORIGIN);
      if (url.origin !== ORIGIN) { resolve(false); return; }
      var frame = document.createElement("iframe");
      frame.className = "threeDs";
      frame.title = "3-D Secure verification by your bank";
      frame.setAttribute("role", "dialog");
      frame.setAttribute("aria-modal", "true");
      frame.src = url.href;
      document.body.appendChild(frame);
      var backdrop = null;
      var look = getComputedStyle(frame);
      if (look.position === "static") {  // the page has no CSS for iframe.threeDs
        addDefaultStyles();
        frame.classList.add("tender-3ds-default");
        backdrop = document.createElement("div");
        backdrop.className = "tender-3ds-backdrop";
        document.body.insertBefore(backdrop, frame);
      } else if (look.zIndex === "auto") {
        frame.style.zIndex = "2147483647";  // above the page's own fixed headers
      }
      frame.focus();

      function finish(decided) {
        global.removeEventListener("message", listener);
        [frame, backdrop].forEach(function (node) {
          if (node && node.parentNode) node.parentNode.removeChild(node);
        });
        resolve(decided);
      }
      function listener(event) {
        var data = event.data;
        if (event.origin !== ORIGIN || event.source !== frame.contentWindow) return;
        if (!data || data.source !== "tender-3ds" || data.attemptId !== md) return;
        finish(!data.cancelled);
      }
      global.addEventListener("message", listener);
    });
  }

  /* new Dojo.Payment(config, displayErrorsCallback, onSubmitTriggered, onBlur): the card form. */
  function Payment(config, displayErrorsCallback, onSubmitTriggered, onBlur) {
    attach(this, "card-frame.html", "Secure card payment form", "236px", config,
      displayErrorsCallback, onSubmitTriggered, onBlur);
  }

  /* A form in a Tender frame that pays through the gateway (the card form, the saved cards). */
  function attach(self, page, title, height, config, displayErrorsCallback, onSubmitTriggered, onBlur) {
    var container = requireConfig(config);
    var callbacks = config.callbacks || {};
    self.config = config;
    self.pending = {};
    self.channel = new Channel(container, page, title, height,
      function (data) { self.handle(data, displayErrorsCallback, onSubmitTriggered, onBlur, callbacks); },
      function () { fn(config.onIframeLoadFailed)(); });
  }

  Payment.prototype.handle = function (data, displayErrors, onSubmit, onBlur, callbacks) {
    var config = this.config;
    switch (data.type) {
      case "ready":
        this.channel.post({
          type: "init",
          paymentToken: config.paymentDetails.paymentToken,
          styles: config.styles || null,
          text: config.text || null,
          errorMessages: config.errorMessages || null,
          fontCss: config.fontCss || []
        });
        break;
      case "loaded":
        this.channel.loaded();
        fn(config.onIframeLoaded)();
        break;
      case "errors": fn(displayErrors)(data.errors); break;
      case "fieldValid": fn(callbacks.onFormFieldValid)(data.field); break;
      case "complete": fn(callbacks.onFormComplete)(); break;
      case "submit": fn(onSubmit)(); break;
      case "blur": fn(onBlur)(data.isValid); break;
      case "challenge": this.challenge(data); break;
      case "result": this.settle(data); break;
      case "cards": fn(callbacks.onSavedCardsLoaded)(data.count); break;
    }
  };

  Payment.prototype.challenge = function (data) {
    var channel = this.channel;
    runChallenge(data.stepUpUrl, data.md).then(function () {
      channel.post({ type: "complete3ds", id: data.id, md: data.md });
    });
  };

  Payment.prototype.settle = function (data) {
    var waiter = this.pending[data.id];
    if (!waiter) return;
    delete this.pending[data.id];
    if (data.error) waiter.reject(new Error(data.error));
    else waiter.resolve(data.result);
  };

  /* Resolves to {statusCode, authCode, message}; rejects when nothing could be sent. */
  Payment.prototype.executePayment = function (additionalInfo) {
    var self = this;
    return new Promise(function (resolve, reject) {
      if (!self.channel.ready) {
        reject(new Error("The payment form has not finished loading."));
        return;
      }
      var id = ++nextId;
      self.pending[id] = { resolve: resolve, reject: reject };
      self.channel.post({ type: "pay", id: id, additionalInfo: additionalInfo || {} });
    });
  };

  /* Not in Dojo's documented API; lets a page retry with a refreshed secret without re-rendering. */
  Payment.prototype.updatePaymentToken = function (paymentToken) {
    this.config.paymentDetails.paymentToken = paymentToken;
    this.channel.post({ type: "token", paymentToken: paymentToken });
  };

  Payment.prototype.destroy = function () { this.channel.destroy(); };

  /* new Dojo.RecurringPayment(config, displayErrorsCallback): pay with a card the customer saved
     (the intent must name the customer and offer SavedCard). The frame lists the customer's
     saved cards to pick from and asks for the CVV; executePayment(additionalInfo) pays with the
     chosen card, or with additionalInfo.paymentMethodId. callbacks.onSavedCardsLoaded(count) is
     Tender's addition: how many saved cards the customer has. */
  function RecurringPayment(config, displayErrorsCallback) {
    attach(this, "saved-frame.html", "Pay with a saved card", "150px", config,
      displayErrorsCallback, null, null);
  }

  RecurringPayment.prototype = Object.create(Payment.prototype);
  RecurringPayment.prototype.constructor = RecurringPayment;

  /* new Dojo.WalletPayment(config, displayErrorsCallback, paymentComplete): a simulated wallet. */
  function WalletPayment(config, displayErrorsCallback, paymentComplete) {
    var container = requireConfig(config);
    var callbacks = config.callbacks || {};
    var channel;
    channel = this.channel = new Channel(container, "wallet-frame.html", "Wallet payment button", "48px",
      function (data) {
        switch (data.type) {
          case "ready":
            channel.post({
              type: "init",
              paymentToken: config.paymentDetails.paymentToken,
              buttonConfig: config.buttonConfig || {},
              wallet: config.wallet || null,
              emailRequired: !!config.emailRequired,
              billingAddressRequired: !!config.billingAddressRequired,
              shippingAddressRequired: !!config.shippingAddressRequired
            });
            break;
          case "loaded": channel.loaded(); fn(config.onIframeLoaded)(); break;
          case "errors": fn(displayErrorsCallback)(data.errors); break;
          case "initiated": fn(callbacks.onPaymentInitiated)(); break;
          case "cancelled": fn(callbacks.onPaymentCancelled)(); break;
          case "result": fn(paymentComplete)(data.result); break;
        }
      },
      function () { fn(config.onIframeLoadFailed)(); });
  }

  WalletPayment.prototype.destroy = function () { this.channel.destroy(); };

  var api = {
    Payment: Payment, WalletPayment: WalletPayment, RecurringPayment: RecurringPayment,
    origin: ORIGIN, version: "1"
  };
  global.Dojo = api;
  global.Tender = api;
  global.Connect = { ConnectE: Payment, Wallet: WalletPayment };
})(window);
