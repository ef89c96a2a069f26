/* The demo shop's page script: the seed's Step 2, written against Dojo.js's documented API. */
(function () {
  "use strict";

  var payButton = document.getElementById("pay");
  var errors = document.getElementById("errors");
  var outcome = document.getElementById("outcome");
  var order = null, card = null;

  function post(url) {
    return fetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" })
      .then(function (response) {
        if (!response.ok) throw new Error("The shop could not start the payment.");
        return response.json();
      });
  }

  /* Step 2: a client instance with the payment details and the intent's client session secret. */
  function showCardForm(created) {
    order = created;
    if (card) card.destroy();
    card = new Dojo.Payment({
      containerId: "card-container",
      paymentDetails: { paymentToken: order.clientSessionSecret },
      onIframeLoaded: function () { payButton.disabled = false; }
    }, function displayErrors(list) {
      errors.textContent = list.map(function (e) { return e.message; }).join(". ");
    });
  }

  function confirm() {
    return fetch("/demo/api/orders/" + encodeURIComponent(order.id)).then(function (r) { return r.json(); });
  }

  function pay(event) {
    event.preventDefault();
    payButton.disabled = true;
    outcome.textContent = "";
    outcome.className = "outcome";
    card.executePayment().then(function (result) {
      // The shop's server re-reads the intent: the browser's word is not proof of payment.
      return confirm().then(function (status) {
        if (result.statusCode === 0) {
          outcome.textContent = "Order " + status.reference + " paid: payment " + status.status + ".";
          return;
        }
        outcome.className = "outcome failed";
        outcome.textContent = "Payment failed: " + result.message + " (status " + result.statusCode + "). Try again.";
        return post("/demo/api/orders/" + encodeURIComponent(order.id) + "/retry").then(showCardForm);
      });
    }, function (error) {
      errors.textContent = error.message;
      payButton.disabled = false;
    });
  }

  document.getElementById("pay-form").addEventListener("submit", pay);
  document.getElementById("hosted").addEventListener("click", function () {
    post("/demo/api/hosted-orders").then(function (created) {
      window.location.assign(created.paymentLink);
    });
  });
  // Step 1 happens on the shop's server when the customer opens the checkout.
  post("/demo/api/orders").then(showCardForm, function (error) { errors.textContent = error.message; });
})();
