/* The overview's charts (Chart.js, served from Tender), from the figures in #overview-data. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("overview-data").textContent);
  var scale = Math.pow(10, data.exponent);
  var money = new Intl.NumberFormat("en-GB", { style: "currency", currency: data.currency });
  var asMoney = function (v) { return money.format(v / scale); };
  var labels = data.days.map(function (d) { return d.slice(5); });
  var reduced = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  Chart.defaults.animation = reduced ? false : { duration: 300 };
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.color = "#3d4554";
  Chart.defaults.font.family = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
  var moneyAxis = { beginAtZero: true, suggestedMax: scale, ticks: { callback: asMoney, maxTicksLimit: 5 } };
  var tooltipMoney = { callbacks: { label: function (c) {
    return c.dataset.label + ": " + (c.dataset.yAxisID === "count" ? c.raw : asMoney(c.raw));
  } } };

  new Chart(document.getElementById("volume-chart"), {
    data: {
      labels: labels,
      datasets: [
        { type: "bar", label: "Volume", data: data.volume, backgroundColor: "#3056d3", yAxisID: "y" },
        { type: "line", label: "Payments", data: data.payments, borderColor: "#b4461b",
          backgroundColor: "#b4461b", yAxisID: "count", tension: 0.2, pointRadius: 2 }
      ]
    },
    options: {
      interaction: { mode: "index", intersect: false },
      plugins: { tooltip: tooltipMoney },
      scales: {
        y: moneyAxis,
        count: { position: "right", beginAtZero: true, grid: { drawOnChartArea: false },
                 ticks: { precision: 0, maxTicksLimit: 5 } }
      }
    }
  });
  new Chart(document.getElementById("refunds-chart"), {
    type: "bar",
    data: { labels: labels, datasets: [
      { label: "Refunded", data: data.refunded, backgroundColor: "#7a4fbf", yAxisID: "y" }] },
    options: { plugins: { legend: { display: false }, tooltip: tooltipMoney }, scales: { y: moneyAxis } }
  });
  var declines = document.getElementById("declines-chart");
  if (declines) {
    new Chart(declines, {
      type: "bar",
      data: { labels: data.reasons, datasets: [
        { label: "Declined attempts", data: data.reasonCounts, backgroundColor: "#c0392b" }] },
      options: { indexAxis: "y", plugins: { legend: { display: false } },
                 scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } }
    });
  }
})();
