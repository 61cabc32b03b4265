// Grouped bar chart of budgets per unit; data from the json_script element, no inline code.
document.addEventListener("DOMContentLoaded", function () {
  var canvas = document.getElementById("budget-chart");
  var source = document.getElementById("budget-chart-data");
  if (!canvas || !source || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var colours = ["#4a4a4a", "#0b4f8a", "#b45309"];
  var money = new Intl.NumberFormat("nb-NO", { maximumFractionDigits: 0 });
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: data.series.map(function (series, i) {
        return { label: series.label, data: series.values, backgroundColor: colours[i % 3] };
      })
    },
    options: {
      animation: false,
      responsive: true,
      scales: { y: { ticks: { callback: function (v) { return money.format(v) + " kr"; } } } },
      plugins: { tooltip: { callbacks: { label: function (c) {
        return c.dataset.label + ": " + money.format(c.parsed.y) + " kr";
      } } } }
    }
  });
});
