// Draws the feeling-better vs getting-better chart with Plotly from the page's JSON block
// (<script type="application/json" id="progress-data">): the CSP allows no inline script.
(function () {
  "use strict";
  var FEEL = "#1f77b4", GET = "#2ca02c";

  function band(half, colour) {
    return {type: "rect", xref: "paper", x0: 0, x1: 1, y0: -half, y1: half, fillcolor: colour,
            opacity: 0.10, line: {width: 0}, layer: "below"};
  }

  function draw() {
    var el = document.getElementById("progress-chart");
    var block = document.getElementById("progress-data");
    if (!el || !block || !window.Plotly) { return; }
    var p = JSON.parse(block.textContent);
    var sessions = p.sessions || [], bands = p.bands || {}, traces = [], shapes = [];
    [["feeling_better", FEEL, "feeling better (symptoms)", "linear"],
     ["getting_better", GET, "getting better (structure)", "hv"]].forEach(function (k) {
      var pts = sessions.filter(function (s) { return s[k[0]] !== null && s[k[0]] !== undefined; });
      if (pts.length) {
        traces.push({x: pts.map(function (s) { return s.number; }), y: pts.map(function (s) { return s[k[0]]; }),
                     name: k[2], mode: "lines+markers", line: {color: k[1], shape: k[3]}});
      }
      if (bands[k[0]]) { shapes.push(band(bands[k[0]], k[1])); }
    });
    var flagged = (p.flags || []).filter(function (f) { return f.session !== null && f.session !== undefined; });
    if (flagged.length) {
      traces.push({x: flagged.map(function (f) { return f.session; }), y: flagged.map(function () { return 0; }),
                   name: "safety flag (critical item)", mode: "markers", marker: {symbol: "x", size: 11, color: "#d62728"}});
    }
    if (!traces.length) { el.textContent = "No questionnaire scores yet."; return; }
    window.Plotly.newPlot(el, traces, {
      margin: {t: 10, r: 10, b: 40, l: 55}, shapes: shapes, hovermode: "x unified",
      xaxis: {title: {text: "session"}, dtick: 1},
      yaxis: {title: {text: "change from baseline (SD, + = better)"}, zeroline: true},
      legend: {orientation: "h", y: -0.25}
    }, {displaylogo: false, responsive: true});
  }

  // The session figures the analysers declare for the progress index (ODF, connecting share...), one line each:
  // levels on the left axis, 0-1 shares on the right (percent) axis.
  function drawPatterns() {
    var el = document.getElementById("patterns-chart");
    var block = document.getElementById("progress-data");
    if (!el || !block || !window.Plotly) { return; }
    var series = JSON.parse(block.textContent).series || [];
    if (!series.length) { el.remove(); return; }
    var colours = ["#6a3d9a", "#b15928", "#1f78b4", "#33a02c", "#e31a1c"];
    var traces = series.map(function (s, i) {
      return {x: s.points.map(function (p) { return p.number; }), y: s.points.map(function (p) { return p.value; }),
              name: s.label, mode: "lines+markers", yaxis: s.share ? "y2" : "y",
              line: {color: colours[i % colours.length], dash: s.share ? "dot" : "solid"}};
    });
    window.Plotly.newPlot(el, traces, {
      margin: {t: 10, r: 55, b: 40, l: 55}, hovermode: "x unified",
      xaxis: {title: {text: "session"}, dtick: 1},
      yaxis: {title: {text: "level"}},
      yaxis2: {title: {text: "share"}, overlaying: "y", side: "right", range: [0, 1], dtick: 0.25, tickformat: ".0%"},
      legend: {orientation: "h", y: -0.45}
    }, {displaylogo: false, responsive: true});
  }

  document.addEventListener("DOMContentLoaded", draw);
  document.addEventListener("DOMContentLoaded", drawPatterns);
}());
