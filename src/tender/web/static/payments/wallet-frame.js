/* A simulated Apple Pay / Google Pay button: a sandbox "sheet" picks a test card, then pays
   through the gateway's wallet endpoint. */
(function () {
  "use strict";

  var F = TenderFrame;
  var button = document.getElementById("wallet-button");
  var sheet = document.getElementById("sheet");
  var email = document.getElementById("wallet-email");
  var token = null, wallet = "google-pay", config = {};

  function detectWallet() {
    var ua = navigator.userAgent;
    return /Safari/.test(ua) && !/Chrome|Chromium|Android/.test(ua) ? "apple-pay" : "google-pay";
  }

  /* buttonConfig.type as Google Pay and Apple Pay name their buttons; "plain" has no words. */
  function label() {
    var name = wallet === "apple-pay" ? "Apple Pay" : "Google Pay";
    var type = config.buttonConfig.type;
    if (type === "plain") return name;
    var verb = { book: "Book with", buy: "Buy with", checkout: "Check out with",
                 donate: "Donate with", order: "Order with", subscribe: "Subscribe with" }[type];
    return (verb || "Pay with") + " " + name;
  }

  function open() {
    sheet.hidden = false;
    button.setAttribute("aria-expanded", "true");
    document.getElementById("wallet-card").focus();
    F.post({ type: "initiated" });
  }

  function cancel() {
    sheet.hidden = true;
    button.setAttribute("aria-expanded", "false");
    F.post({ type: "cancelled" });
  }

  function pay(event) {
    event.preventDefault();
    var body = { cardNumber: document.getElementById("wallet-card").value };
    if (config.emailRequired) {
      if (!email.checkValidity() || !email.value) {
        F.post({ type: "errors", errors: [{ errorType: "emailInvalid", message: "Enter a valid e-mail address" }] });
        email.focus();
        return;
      }
      body.userEmailAddress = email.value;
    }
    button.disabled = true;
    sheet.hidden = true;
    F.gateway(encodeURIComponent(token) + "/" + wallet, body).then(function (data) {
      button.disabled = false;
      F.post({ type: "result", result: F.result(data) });
    });
  }

  button.addEventListener("click", open);
  document.getElementById("wallet-cancel").addEventListener("click", cancel);
  sheet.addEventListener("submit", pay);

  F.listen(function (data) {
    if (data.type !== "init") return;
    config = data;
    config.buttonConfig = data.buttonConfig || {};
    token = data.paymentToken;
    wallet = data.wallet === "apple-pay" || data.wallet === "google-pay" ? data.wallet : detectWallet();
    document.getElementById("sheet-title").textContent = "Sandbox " + (wallet === "apple-pay" ? "Apple Pay" : "Google Pay");
    document.getElementById("email-row").hidden = !config.emailRequired;
    // Dojo documents both spellings.
    var colour = config.buttonConfig.color || config.buttonConfig.colour;
    if (colour === "white") button.classList.add("white");
    button.textContent = label();
    button.setAttribute("aria-haspopup", "dialog");
    button.disabled = false;
    F.post({ type: "loaded" });
    F.watchSize();
  });
  F.post({ type: "ready" });
})();
