/* The card form inside Tender's iframe: validation, the merchant's look, and the gateway call. */
(function () {
  "use strict";

  var C = TenderCards, F = TenderFrame;
  var FIELDS = ["cardNumber", "cardName", "expiryDate", "cv2"];
  var STATES = ["default", "focus", "error", "valid", "errorFocus", "validFocus"];
  var PARTS = { container: "", label: " label", validationText: " .validation", validationIcon: " .validation-icon" };
  var form = document.getElementById("card-form");
  var saveBox = document.getElementById("save-card");
  var saveInput = document.getElementById("savePaymentMethod");
  var icon = document.getElementById("card-icon");
  var inputs = {}, touched = {}, focused = {}, valid = {}, showValidation = {};
  // "[]": the form reports errors only once there are some (Dojo.js calls the merchant's
  // errors callback on a change, not with an empty list when the form loads).
  var messages = {}, token = null, busy = false, complete = false, lastReport = "[]";
  FIELDS.forEach(function (name) { inputs[name] = document.getElementById(name); showValidation[name] = true; });

  function errorOf(name) {
    var v = inputs[name].value;
    if (name === "cardNumber") return C.checkNumber(v);
    if (name === "cardName") return C.checkName(v);
    if (name === "expiryDate") return C.checkExpiry(v);
    return C.checkCvv(v, inputs.cardNumber.value);
  }

  function text(errorType) { return messages[errorType] || C.MESSAGES[errorType]; }

  function render(name, error) {
    var field = inputs[name].closest(".field");
    var shown = touched[name] && error;
    var state = shown ? "error" : touched[name] && !error ? "valid" : "";
    state = focused[name] ? (state ? state + "Focus" : "focus") : state || "default";
    field.setAttribute("data-state", state);
    inputs[name].setAttribute("aria-invalid", shown ? "true" : "false");
    var message = shown && showValidation[name] ? text(error) : "";
    document.getElementById(name + "-error").textContent = message;
    field.querySelector(".validation").hidden = !message;
  }

  /* Re-check every field; tell the parent what changed (errors, newly valid fields, completion). */
  function update() {
    var errors = [], all = true;
    FIELDS.forEach(function (name) {
      var error = errorOf(name);
      render(name, error);
      if (error) all = false;
      if (error && touched[name]) errors.push({ errorType: error, message: text(error) });
      if (!error && !valid[name]) F.post({ type: "fieldValid", field: name });
      valid[name] = !error;
    });
    var brand = C.brandOf(inputs.cardNumber.value);
    icon.setAttribute("data-brand", brand.name);
    icon.textContent = brand.label;
    icon.setAttribute("aria-label", brand.label ? "Card type: " + brand.name : "");
    var report = JSON.stringify(errors);
    if (report !== lastReport) { lastReport = report; F.post({ type: "errors", errors: errors }); }
    if (all && !complete) F.post({ type: "complete" });
    complete = all;
    return errors;
  }

  inputs.cardNumber.addEventListener("input", function () {
    inputs.cardNumber.value = C.formatNumber(inputs.cardNumber.value);
    inputs.cv2.maxLength = C.brandOf(inputs.cardNumber.value).cvv;
    update();
  });
  inputs.expiryDate.addEventListener("input", function (event) {
    if (event.inputType && event.inputType.indexOf("delete") === 0) return update();
    inputs.expiryDate.value = C.formatExpiry(inputs.expiryDate.value);
    update();
  });
  inputs.cv2.addEventListener("input", function () {
    inputs.cv2.value = C.digits(inputs.cv2.value).slice(0, 4);
    update();
  });
  inputs.cardName.addEventListener("input", update);
  FIELDS.forEach(function (name) {
    inputs[name].addEventListener("focus", function () { focused[name] = true; update(); });
    inputs[name].addEventListener("blur", function () {
      focused[name] = false;
      touched[name] = true;
      if (name === "expiryDate") inputs.expiryDate.value = C.formatExpiry(inputs.expiryDate.value);
      update();
      F.post({ type: "blur", isValid: !errorOf(name), field: name });
    });
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    F.post({ type: "submit" });
  });

  function applyText(config) {
    FIELDS.forEach(function (name) {
      var t = (config || {})[name];
      if (!t) return;
      var label = document.querySelector('label[for="' + name + '"]');
      if (typeof t.label === "string") label.textContent = t.label;
      if (typeof t.placeholder === "string") inputs[name].placeholder = t.placeholder;
      if (t.showValidation === false) showValidation[name] = false;
    });
  }

  /* The field's own style overrides base property by property, state by state. */
  function deepMerge(target, source) {
    Object.keys(source || {}).forEach(function (key) {
      var value = source[key];
      if (value && typeof value === "object" && !Array.isArray(value)) {
        var into = target[key] && typeof target[key] === "object" ? target[key] : {};
        target[key] = deepMerge(deepMerge({}, into), value);
      } else {
        target[key] = value;
      }
    });
    return target;
  }

  function rules(selector, props) {
    var css = F.safeCss(props);
    return css ? selector + "{" + css + "}\n" : "";
  }

  /* Dojo's styles: base + per-field overrides. Plain values style the input; "container",
     "label", "validationText" and "validationIcon" style those parts (at the top of base or of a
     field, or inside a state); each state (default, focus, error, valid, errorFocus, validFocus)
     holds input properties and parts for that state. "form" and "cardIcon" style the form and
     the card brand icon. */
  function applyStyles(styles) {
    if (!styles) return;
    var css = "";
    FIELDS.forEach(function (name) {
      var merged = deepMerge(deepMerge({}, styles.base), styles[name]);
      var field = '.field[data-field="' + name + '"]';
      var plain = {};
      Object.keys(merged).forEach(function (key) {
        var value = merged[key];
        if (typeof value !== "object" || value === null) plain[key] = value;
        else if (key in PARTS) css += rules(field + PARTS[key], value);
      });
      css += rules(field + " input", plain);
      STATES.forEach(function (state) {
        var style = merged[state];
        if (!style || typeof style !== "object") return;
        var sel = field + (state === "default" ? "" : '[data-state="' + state + '"]');
        var props = {};
        Object.keys(style).forEach(function (key) {
          if (key in PARTS && typeof style[key] === "object") css += rules(sel + PARTS[key], style[key]);
          else props[key] = style[key];
        });
        css += rules(sel + " input", props);
      });
    });
    css += rules(".card-icon", styles.cardIcon);
    css += rules(".card-form", styles.form);
    var tag = document.createElement("style");
    tag.textContent = css;
    document.head.appendChild(tag);
  }

  function setBusy(value) {
    busy = value;
    FIELDS.forEach(function (name) { inputs[name].disabled = value; });
    form.setAttribute("aria-busy", value ? "true" : "false");
  }

  function pay(id, info) {
    if (busy) return F.post({ type: "result", id: id, error: "A payment is already in progress." });
    FIELDS.forEach(function (name) { touched[name] = true; });
    var errors = update();
    if (errors.length) {
      return F.post({ type: "result", id: id, error: "The card details are not valid: " + errors[0].message });
    }
    var body = {
      cardNumber: C.digits(inputs.cardNumber.value),
      cardName: inputs.cardName.value.trim(),
      expiryDate: C.formatExpiry(inputs.expiryDate.value),
      cV2: inputs.cv2.value
    };
    ["userEmailAddress", "userPhoneNumber", "billingAddress", "shippingDetails", "metaData",
     "savePaymentMethod"].forEach(function (key) {
      if (info && info[key] !== undefined && info[key] !== null) body[key] = info[key];
    });
    if (!saveBox.hidden && saveInput.checked) body.savePaymentMethod = true;
    setBusy(true);
    F.gateway(encodeURIComponent(token), body).then(function (data) {
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

  /* "Save this card" is offered only when the intent names a customer and offers SavedCard. */
  function offerSave() {
    saveBox.hidden = true;
    saveInput.checked = false;
    if (!token) return;
    F.savedCards(token).then(function (options) { saveBox.hidden = !options.offerSave; });
  }

  F.listen(function (data) {
    if (data.type === "init") {
      token = data.paymentToken;
      offerSave();
      messages = data.errorMessages || {};
      F.addFonts(data.fontCss);
      applyText(data.text);
      applyStyles(data.styles);
      update();
      F.post({ type: "loaded" });
      F.watchSize();
    } else if (data.type === "token") {
      token = data.paymentToken;
      offerSave();
    } else if (data.type === "pay") {
      pay(data.id, data.additionalInfo);
    } else if (data.type === "complete3ds") {
      completeChallenge(data.id, data.md);
    }
  });
  F.post({ type: "ready" });
})();
