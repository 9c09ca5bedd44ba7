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

  // Defensive functioning (ODF, 1-7) and the share of connecting blocks of the therapeutic cycle, per session.
  function drawPatterns() {
    var el = document.getElementById("patterns-chart");
    var block = document.getElementById("progress-data");
    if (!el || !block || !window.Plotly) { return; }
    var rows = JSON.parse(block.textContent).patterns || [];
    var odf = rows.filter(function (r) { return r.odf !== null && r.odf !== undefined; });
    var conn = rows.filter(function (r) { return r.cycles && r.cycles.connecting !== undefined; });
    if (!odf.length && !conn.length) { el.remove(); return; }
    window.Plotly.newPlot(el, [
      {x: odf.map(function (r) { return r.number; }), y: odf.map(function (r) { return r.odf; }),
       name: "ODF (defensive functioning)", mode: "lines+markers", line: {color: "#6a3d9a"}},
      {x: conn.map(function (r) { return r.number; }), y: conn.map(function (r) { return r.cycles.connecting; }),
       name: "connecting share (cycle)", mode: "lines+markers", yaxis: "y2", line: {color: "#b15928", dash: "dot"}}
    ], {
      margin: {t: 10, r: 55, b: 40, l: 55}, hovermode: "x unified",
      xaxis: {title: {text: "session"}, dtick: 1},
      yaxis: {title: {text: "ODF"}, range: [1, 7]},
      yaxis2: {title: {text: "connecting share"}, overlaying: "y", side: "right", range: [0, 1], dtick: 0.25, tickformat: ".0%"},
      legend: {orientation: "h", y: -0.3}
    }, {displaylogo: false, responsive: true});
  }

  document.addEventListener("DOMContentLoaded", draw);
  document.addEventListener("DOMContentLoaded", drawPatterns);
}());
