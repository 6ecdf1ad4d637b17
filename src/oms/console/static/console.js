// oms console: behaviour that needs a script, kept out of the pages (the CSP allows no inline
// script). Everything works without it, only less conveniently.
(function () {
  "use strict";

  // "/" focuses the page's search box (unless typing somewhere already).
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
    var search = document.querySelector("[data-search]");
    if (search) { event.preventDefault(); search.focus(); search.select && search.select(); }
  });

  // A <select data-autosubmit> submits its form when changed (the language switch).
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target && target.matches && target.matches("[data-autosubmit]") && target.form) target.form.submit();
  });

  // <button data-confirm="..."> asks before its form is sent (erasure, key revocation).
  document.addEventListener("click", function (event) {
    var button = event.target && event.target.closest && event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.getAttribute("data-confirm"))) event.preventDefault();
  });

  // <button data-print> prints the page (pick lists, labels).
  document.addEventListener("click", function (event) {
    var button = event.target && event.target.closest && event.target.closest("[data-print]");
    if (button) { event.preventDefault(); window.print(); }
  });

  // Charts: <canvas data-chart="bar|line|doughnut" data-chart-data='{"labels": [...], "datasets": [...]}'>
  function drawCharts(root) {
    if (typeof window.Chart === "undefined") return;
    root.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      if (canvas.dataset.drawn) return;
      canvas.dataset.drawn = "1";
      var data = JSON.parse(canvas.getAttribute("data-chart-data"));
      var kind = canvas.getAttribute("data-chart");
      new window.Chart(canvas, {
        type: kind,
        data: data,
        options: {
          responsive: true,
          maintainAspectRatio: false,
          animation: false,
          scales: kind === "doughnut" ? {} : { x: { stacked: !!data.stacked }, y: { stacked: !!data.stacked, beginAtZero: true } },
        },
      });
    });
  }

  function loadChartLibrary(then) {
    if (typeof window.Chart !== "undefined") return then();
    if (!document.querySelector("canvas[data-chart]")) return;
    var script = document.createElement("script");
    script.src = "/console/static/vendor/chart.umd.min.js";
    script.onload = then;
    document.head.appendChild(script);
  }

  document.addEventListener("DOMContentLoaded", function () { loadChartLibrary(function () { drawCharts(document); }); });
  document.addEventListener("htmx:afterSettle", function (event) { loadChartLibrary(function () { drawCharts(event.target); }); });
})();
