// Key-figure charts: one per indicator, data from json_script elements, no inline code.
// Lines over time (one per group), or bars per group (stacked by category) for one period.
document.addEventListener("DOMContentLoaded", function () {
  if (typeof Chart === "undefined") { return; }
  var colours = ["#0b4f8a", "#b45309", "#2f7d32", "#7b1fa2", "#4a4a4a", "#c62828",
                 "#00838f", "#8d6e63", "#5c6bc0", "#9e9d24"];
  var decimal = new Intl.NumberFormat("nb-NO", { maximumFractionDigits: 1,
                                                 minimumFractionDigits: 1 });
  document.querySelectorAll("canvas.insight-chart").forEach(function (canvas) {
    var source = document.getElementById(canvas.dataset.source);
    if (!source) { return; }
    var data = JSON.parse(source.textContent);
    var line = data.type === "line";
    new Chart(canvas, {
      type: data.type,
      data: {
        labels: data.labels,
        datasets: data.datasets.map(function (set, i) {
          var colour = colours[i % colours.length];
          return { label: set.label, data: set.data, borderColor: colour,
                   backgroundColor: colour, spanGaps: false, tension: 0,
                   pointRadius: line ? 2 : undefined };
        })
      },
      options: {
        animation: false,
        responsive: true,
        scales: {
          x: { stacked: !!data.stacked },
          y: { stacked: !!data.stacked, beginAtZero: true,
               title: { display: true, text: data.unit },
               ticks: { callback: function (v) { return decimal.format(v); } } }
        },
        plugins: {
          title: { display: true, text: data.title },
          tooltip: { callbacks: { label: function (c) {
            var y = c.parsed.y;
            return c.dataset.label + ": " + (y === null ? "ingen tall" : decimal.format(y) +
                                             " " + data.unit);
          } } }
        }
      }
    });
  });
});
