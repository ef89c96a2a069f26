/* Card rules shared by the card frame: brands, Luhn, expiry, CVV, and the error texts Dojo names. */
var TenderCards = (function () {
  "use strict";

  var BRANDS = [
    { name: "amex", label: "AMEX", pattern: /^3[47]/, lengths: [15], cvv: 4, groups: [4, 6, 5] },
    { name: "diners", label: "DINERS", pattern: /^3(0[0-5]|[689])/, lengths: [14, 15, 16], cvv: 3 },
    { name: "visa", label: "VISA", pattern: /^4/, lengths: [13, 16, 19], cvv: 3 },
    { name: "mastercard", label: "MC", pattern: /^(5[1-5]|2(2[2-9]|[3-6]|7[01]|720))/, lengths: [16], cvv: 3 },
    { name: "discover", label: "DISC", pattern: /^(6011|65|64[4-9])/, lengths: [16, 17, 18, 19], cvv: 3 },
    { name: "maestro", label: "MAESTRO", pattern: /^(5[06-9]|6)/, lengths: [12, 13, 14, 15, 16, 17, 18, 19], cvv: 3 }
  ];
  var UNKNOWN = { name: "unknown", label: "", lengths: [12, 13, 14, 15, 16, 17, 18, 19], cvv: 3 };

  var MESSAGES = {
    cardNumberRequired: "Enter your card number",
    cardNumberInvalid: "Enter a valid card number",
    cardNameRequired: "Enter the name on your card",
    cardNameInvalid: "Enter the name as it appears on your card",
    expiryDateRequired: "Enter the card's expiry date",
    expiryDateInvalid: "Enter the expiry date as MM / YY",
    expiryDateMustBeInFuture: "The card has expired: check the expiry date",
    cv2Required: "Enter the security code",
    cv2Invalid: "Enter the 3-digit security code (4 digits for American Express)"
  };

  function digits(value) { return String(value || "").replace(/\D/g, ""); }

  function brandOf(number) {
    var d = digits(number);
    if (!d) return UNKNOWN;
    for (var i = 0; i < BRANDS.length; i++) if (BRANDS[i].pattern.test(d)) return BRANDS[i];
    return UNKNOWN;
  }

  function luhn(number) {
    var d = digits(number), sum = 0, double = false;
    for (var i = d.length - 1; i >= 0; i--) {
      var n = d.charCodeAt(i) - 48;
      if (double) { n *= 2; if (n > 9) n -= 9; }
      sum += n;
      double = !double;
    }
    return d.length > 0 && sum % 10 === 0;
  }

  function formatNumber(value) {
    var d = digits(value).slice(0, 19);
    var groups = brandOf(d).groups || [4, 4, 4, 4, 3];
    var out = [], at = 0;
    for (var i = 0; i < groups.length && at < d.length; i++) {
      out.push(d.slice(at, at + groups[i]));
      at += groups[i];
    }
    return out.join(" ");
  }

  function formatExpiry(value) {
    var d = digits(value).slice(0, 4);
    if (d.length === 1 && d > "1") d = "0" + d;
    return d.length > 2 ? d.slice(0, 2) + " / " + d.slice(2) : d;
  }

  /* Each check answers the errorType that applies, or null when the value is valid. */
  function checkNumber(value) {
    var d = digits(value);
    if (!d) return "cardNumberRequired";
    if (/[^\d ]/.test(value) || brandOf(d).lengths.indexOf(d.length) < 0 || !luhn(d)) {
      return "cardNumberInvalid";
    }
    return null;
  }

  function checkName(value) {
    var v = String(value || "").trim();
    if (!v) return "cardNameRequired";
    if (v.length < 2 || /[0-9<>{}\[\]@#$%^*=_|\\\/]/.test(v)) return "cardNameInvalid";
    return null;
  }

  function checkExpiry(value, now) {
    var v = String(value || "").trim();
    if (!v) return "expiryDateRequired";
    var m = /^(\d{2})\s*\/\s*(\d{2})$/.exec(v);
    if (!m) return "expiryDateInvalid";
    var month = parseInt(m[1], 10), year = 2000 + parseInt(m[2], 10);
    if (month < 1 || month > 12) return "expiryDateInvalid";
    now = now || new Date();
    var thisYear = now.getFullYear(), thisMonth = now.getMonth() + 1;
    if (year < thisYear || (year === thisYear && month < thisMonth)) return "expiryDateMustBeInFuture";
    if (year > thisYear + 20) return "expiryDateInvalid";
    return null;
  }

  function checkCvv(value, number) {
    var v = String(value || "").trim();
    if (!v) return "cv2Required";
    if (!/^\d+$/.test(v) || v.length !== brandOf(number).cvv) return "cv2Invalid";
    return null;
  }

  return {
    MESSAGES: MESSAGES, brandOf: brandOf, luhn: luhn, digits: digits,
    formatNumber: formatNumber, formatExpiry: formatExpiry,
    checkNumber: checkNumber, checkName: checkName, checkExpiry: checkExpiry, checkCvv: checkCvv
  };
})();
