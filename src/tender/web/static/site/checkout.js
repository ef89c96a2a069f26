/* The hosted checkout page: Tender's own client.js, used exactly as a merchant would use it. */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("checkout-data").textContent);
  var form = document.getElementById("checkout-form");
  var payButton = document.getElementById("pay-button");
  var errorBox = document.getElementById("checkout-error");
  var card = null, wallet = null, saved = null, busy = false;
  var savedSection = document.getElementById("saved-section");
  var savedButton = document.getElementById("pay-saved");
  var FAILURES = {
    3: "Your bank's verification was not completed. Please try again.",
    4: "Your bank referred this payment. Contact your bank or use another card.",
    5: "Your card was declined. Please use another card.",
    20: "This looks like a duplicate payment; it was not taken again.",
    30: "The payment failed. Please try again or use another card.",
    400: "The payment request was invalid. Please check your details.",
    401: "This payment session has expired. Please try again.",
    404: "This payment session is not valid. Please reload the page.",
    500: "Something went wrong. Please reload the page before trying again."
  };

  function showError(message) { errorBox.textContent = message || ""; }

  function value(id) {
    var el = document.getElementById(id);
    return el ? el.value.trim() : "";
  }

  function address(prefix) {
    var a = { address1: value(prefix + "-address1"), city: value(prefix + "-city"),
              postcode: value(prefix + "-postcode"), countryCode: value(prefix + "-country") };
    if (value(prefix + "-address2")) a.address2 = value(prefix + "-address2");
    return a;
  }

  /* E-mail, billing and shipping, when the intent's config asks for them. */
  function additionalInfo() {
    var info = {};
    if (document.getElementById("collect-email")) info.userEmailAddress = value("email");
    if (document.getElementById("collect-billing")) info.billingAddress = address("billing");
    if (document.getElementById("collect-shipping")) {
      info.shippingDetails = { name: value("shipping-name"), address: address("shipping") };
      if (value("shipping-notes")) info.shippingDetails.deliveryNotes = value("shipping-notes");
    }
    return info;
  }

  function extrasValid() {
    var fields = form.querySelectorAll("fieldset input, fieldset select");
    for (var i = 0; i < fields.length; i++) {
      if (!fields[i].checkValidity()) {
        fields[i].focus();
        showError("Please fill in " + fields[i].labels[0].textContent.replace(/\s*\(optional\)/, "") + ".");
        return false;
      }
    }
    return true;
  }

  function setBusy(value) {
    busy = value;
    payButton.disabled = value;
    if (savedButton) savedButton.disabled = value;
    payButton.setAttribute("aria-busy", value ? "true" : "false");
  }

  /* A used or failed secret cannot be retried: get a new one, then render the form afresh. */
  function renew() {
    // A setup intent's page names its own refresh path (refreshPath).
    var path = data.refreshPath || "/payment-intents/public/" + encodeURIComponent(data.id) +
               "/refresh-client-session-secret";
    return fetch(path, { method: "POST", headers: { version: "2024-02-05" } })
      .then(function (response) {
        if (!response.ok) throw new Error("refresh failed");
        return response.json();
      })
      .then(function (intent) {
        data.secret = intent.clientSessionSecret;
        mount();
      });
  }

  function finish(result) {
    if (result && result.statusCode === 0) {
      showError("");
      payButton.textContent = data.doneLabel || "Paid ✓";
      window.location.assign(data.redirectUrl);
      return;
    }
    var message = (result && FAILURES[result.statusCode]) || "The payment did not go through.";
    renew().then(function () { showError(message); setBusy(false); }, function () {
      // The intent may have been paid or canceled meanwhile: the page says what happened.
      window.location.reload();
    });
  }

  function mount() {
    if (card) card.destroy();
    if (wallet) wallet.destroy();
    if (saved) saved.destroy();
    card = wallet = saved = null;
    if (data.savedCards) {
      // The customer's saved cards; the section shows once the customer has at least one.
      saved = new Dojo.RecurringPayment({
        containerId: "saved",
        paymentDetails: { paymentToken: data.secret },
        callbacks: { onSavedCardsLoaded: function (count) { savedSection.hidden = !count; } }
      }, function (errors) { if (errors.length) showError(""); });
    }
    if (data.card) {
      payButton.disabled = true;
      card = new Dojo.Payment({
        containerId: "card",
        paymentDetails: { paymentToken: data.secret },
        onIframeLoaded: function () { payButton.disabled = busy; },
        onIframeLoadFailed: function () { showError("The card form could not be loaded."); }
      }, function (errors) { if (errors.length) showError(""); },
      function () { form.requestSubmit ? form.requestSubmit() : pay(); });
    } else {
      payButton.hidden = true;
    }
    if (data.wallet) {
      wallet = new Dojo.WalletPayment({
        containerId: "wallet",
        paymentDetails: { paymentToken: data.secret },
        emailRequired: !!document.getElementById("collect-email"),
        callbacks: {
          onPaymentInitiated: function () { showError(""); setBusy(true); },
          onPaymentCancelled: function () { setBusy(false); }
        }
      }, function () {}, finish);
    }
  }

  function pay() {
    if (busy || !card) return;
    showError("");
    if (!extrasValid()) return;
    setBusy(true);
    card.executePayment(additionalInfo()).then(finish, function (error) {
      setBusy(false);
      showError(error.message.replace(/^The card details are not valid: /, ""));
    });
  }

  function paySaved() {
    if (busy || !saved) return;
    showError("");
    if (!extrasValid()) return;
    setBusy(true);
    saved.executePayment(additionalInfo()).then(finish, function (error) {
      setBusy(false);
      showError(error.message);
    });
  }

  if (savedButton) savedButton.addEventListener("click", paySaved);
  form.addEventListener("submit", function (event) { event.preventDefault(); pay(); });
  mount();
})();
