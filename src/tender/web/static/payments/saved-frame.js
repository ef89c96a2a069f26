/* Dojo.RecurringPayment's frame: the intent's customer's saved cards to pick from, the CVV,
   and the gateway call with the chosen paymentMethodId (never a card number). */
(function () {
  "use strict";

  var F = TenderFrame;
  var form = document.getElementById("saved-form");
  var list = document.getElementById("saved-cards");
  var empty = document.getElementById("saved-empty");
  var cvv = document.getElementById("cv2");
  var token = null, busy = false, messages = {};
  var NAMES = { VISA: "Visa", MASTERCARD: "Mastercard", AMEX: "Amex", DISCOVER: "Discover",
                DCI: "Diners Club", MAESTRO: "Maestro" };
  var TEXT = { cv2Required: "Enter the card's security code.",
               cv2Invalid: "The security code must be 3 or 4 digits.",
               paymentMethodRequired: "Choose a saved card." };

  function text(errorType) { return messages[errorType] || TEXT[errorType]; }

  function describe(method) {
    var card = method.cardDetails || {};
    var pan = String(card.pan || "");
    var expiry = String(card.expiryDate || "");
    var shown = expiry.length >= 7 ? expiry.slice(5, 7) + "/" + expiry.slice(2, 4) : expiry;
    return (NAMES[card.scheme] || "Card") + " •••• " + pan.slice(-4) + " (expires " + shown + ")";
  }

  function render(methods) {
    Array.prototype.slice.call(list.querySelectorAll(".saved-card")).forEach(function (node) {
      list.removeChild(node);
    });
    empty.textContent = methods.length ? "" : "You have no saved cards.";
    empty.hidden = !!methods.length;
    methods.forEach(function (method, index) {
      var label = document.createElement("label");
      label.className = "saved-card";
      var input = document.createElement("input");
      input.type = "radio";
      input.name = "paymentMethodId";
      input.value = method.id;
      input.checked = index === 0;
      label.appendChild(input);
      label.appendChild(document.createTextNode(describe(method)));
      list.appendChild(label);
    });
    F.post({ type: "cards", count: methods.length });
  }

  function load() {
    if (!token) return;
    F.savedCards(token).then(function (options) { render(options.savedPaymentMethods || []); });
  }

  function chosen() {
    var picked = list.querySelector("input[name=paymentMethodId]:checked");
    return picked ? picked.value : null;
  }

  function check() {
    var value = cvv.value;
    var error = !value ? "cv2Required" : /^\d{3,4}$/.test(value) ? null : "cv2Invalid";
    var field = cvv.closest(".field");
    field.setAttribute("data-state", error ? "error" : "valid");
    cvv.setAttribute("aria-invalid", error ? "true" : "false");
    document.getElementById("cv2-error").textContent = error ? text(error) : "";
    field.querySelector(".validation").hidden = !error;
    var errors = error ? [{ errorType: error, message: text(error) }] : [];
    F.post({ type: "errors", errors: errors });
    return errors;
  }

  function setBusy(value) {
    busy = value;
    cvv.disabled = value;
    form.setAttribute("aria-busy", value ? "true" : "false");
  }

  function pay(id, info) {
    if (busy) return F.post({ type: "result", id: id, error: "A payment is already in progress." });
    var methodId = (info && info.paymentMethodId) || chosen();
    if (!methodId) return F.post({ type: "result", id: id, error: text("paymentMethodRequired") });
    var errors = check();
    if (errors.length) return F.post({ type: "result", id: id, error: errors[0].message });
    var body = { paymentMethodId: methodId, cV2: cvv.value };
    ["userEmailAddress", "userPhoneNumber", "billingAddress", "shippingDetails", "metaData"]
      .forEach(function (key) {
        if (info && info[key] !== undefined && info[key] !== null) body[key] = info[key];
      });
    setBusy(true);
    F.gateway("recurring/" + encodeURIComponent(token), body).then(function (data) {
      if (data.statusCode === 3 && data.stepUpUrl && data.md) {
        F.post({ type: "challenge", id: id, stepUpUrl: data.stepUpUrl, md: data.md });
        return;
      }
      setBusy(false);
      F.post({ type: "result", id: id, result: F.result(data) });
    });
  }

  function completeChallenge(id, md) {
    F.gateway(encodeURIComponent(token) + "/three-ds-complete", { md: md }).then(function (data) {
      setBusy(false);
      F.post({ type: "result", id: id, result: F.result(data) });
    });
  }

  cvv.addEventListener("input", function () { cvv.value = cvv.value.replace(/\D/g, "").slice(0, 4); });
  cvv.addEventListener("blur", function () { F.post({ type: "blur", isValid: !check().length }); });
  form.addEventListener("submit", function (event) { event.preventDefault(); F.post({ type: "submit" }); });

  F.listen(function (data) {
    if (data.type === "init") {
      token = data.paymentToken;
      messages = data.errorMessages || {};
      F.addFonts(data.fontCss);
      load();
      F.post({ type: "loaded" });
      F.watchSize();
    } else if (data.type === "token") {
      token = data.paymentToken;
      load();
    } else if (data.type === "pay") {
      pay(data.id, data.additionalInfo);
    } else if (data.type === "complete3ds") {
      completeChallenge(data.id, data.md);
    }
  });
  F.post({ type: "ready" });
})();
