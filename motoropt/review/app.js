/* motoropt run review: the page's behaviour. The plots are plotly.js (inlined above this script);
   the data is the JSON object in <script id="motoropt-data"> (layout: motoropt/review/data.py).
   Front: every evaluated design (infeasible, feasible, front), axes and colour chosen by the user;
   hover shows the design, click opens it, shift+click adds it to the comparison (up to 3).
   Parallel coordinates: brushing an axis filters the front. */
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("motoropt-data").textContent);
  var N = D.designs.id.length;
  var ROW = {};
  D.designs.id.forEach(function (id, i) { ROW[id] = i; });
  var MAX_COMPARE = 3;
  var LETTERS = ["A", "B", "C"];
  var COMPARE_COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c"];
  var CONFIG = {responsive: true, displaylogo: false};
  var state = {x: null, y: null, colour: "generation", selected: null, compare: [], filter: null};

  // --- helpers -------------------------------------------------------------------------------
  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") e.textContent = attrs[k];
      else if (k === "cls") e.className = attrs[k];
      else e.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { e.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return e;
  }
  function fmt(v) {
    if (v === null || v === undefined || (typeof v === "number" && !isFinite(v))) return "–";
    if (typeof v !== "number") return String(v);
    var a = Math.abs(v);
    if (a === 0) return "0";
    if (a >= 1e-3 && a < 1e5) return String(Number(v.toPrecision(4)));
    return v.toExponential(3);
  }
  function fmtBound(v) { return (typeof v === "number" && isFinite(v)) ? String(Number(v.toPrecision(8))) : fmt(v); }
  function withTemplate(layout) {
    var l = Object.assign({}, layout || {});
    l.template = D.template;
    return l;
  }
  function clear(box) {  // release the plots (and their WebGL contexts) before their divs go
    Array.prototype.forEach.call(box.querySelectorAll(".js-plotly-plot"), function (d) { Plotly.purge(d); });
    box.innerHTML = "";
  }
  function plot(div, fig) {
    return Plotly.react(div, fig.data, withTemplate(fig.layout), CONFIG);
  }
  function isFront(i) { return D.designs.front[i] === 1; }
  function isFeasible(i) { return D.designs.feasible[i] === 1; }
  function status(i) { return isFront(i) ? "on the front" : (isFeasible(i) ? "feasible" : "infeasible"); }

  // columns: "obj:<kpi>", "kpi:<name>", "x:<variable>", "generation", "violation", "status"
  function column(key) {
    var d = D.designs;
    if (key === "generation") return d.generation;
    if (key === "violation") return d.violation;
    if (key === "status") return d.id.map(function (_, i) { return isFront(i) ? 2 : (isFeasible(i) ? 1 : 0); });
    var p = key.indexOf(":"), kind = key.slice(0, p), name = key.slice(p + 1);
    if (kind === "obj") return d.objectives[name];
    if (kind === "kpi") return d.kpis[name];
    if (kind === "x") return d.x[name];
    return d.generation;
  }
  function columnLabel(key) {
    if (key === "status") return "infeasible / feasible / front";
    var p = key.indexOf(":");
    if (p < 0) return key;
    var kind = key.slice(0, p), name = key.slice(p + 1);
    if (kind === "obj") {
      var o = D.objectives.filter(function (o) { return o.kpi === name; })[0];
      return name + (o ? " (" + o.sense + ")" : "");
    }
    return kind === "x" ? name + " (variable)" : name;
  }
  function kpiValue(i, name) {
    var c = D.designs.kpis[name];
    return c ? c[i] : null;
  }

  // --- the front -------------------------------------------------------------------------------
  function hoverText(i) {
    var lines = ["<b>design " + D.designs.id[i] + "</b> (generation " + D.designs.generation[i] + ", " + status(i) + ")"];
    D.objectives.forEach(function (o) { lines.push(o.kpi + " (" + o.sense + "): " + fmt(D.designs.objectives[o.kpi][i])); });
    var objKpis = D.objectives.map(function (o) { return o.kpi; });
    D.key_kpis.filter(function (k) { return objKpis.indexOf(k) < 0; }).slice(0, 8).forEach(function (k) {
      lines.push(k + ": " + fmt(kpiValue(i, k)));
    });
    if (D.designs.error[i]) lines.push("error: " + D.designs.error[i].slice(0, 80));
    return lines.join("<br>");
  }
  var HOVER = D.designs.id.map(function (_, i) { return hoverText(i); });

  function frontTraces() {
    var X = column(state.x), Y = column(state.y), C = column(state.colour);
    var groups = {infeasible: [], feasible: [], front: []};
    for (var i = 0; i < N; i++) {
      if (X[i] === null || Y[i] === null) continue;
      if (state.filter && !state.filter[i]) continue;
      groups[isFront(i) ? "front" : (isFeasible(i) ? "feasible" : "infeasible")].push(i);
    }
    function pick(arr, rows) { return rows.map(function (i) { return arr[i]; }); }
    var frontRows = groups.front.slice().sort(function (a, b) { return X[a] - X[b]; });
    var feasibleRows = groups.feasible.concat(frontRows);
    var cvals = pick(C, feasibleRows);
    var traces = [
      {type: "scatter", mode: "markers", name: "infeasible", x: pick(X, groups.infeasible), y: pick(Y, groups.infeasible),
       customdata: pick(D.designs.id, groups.infeasible), text: pick(HOVER, groups.infeasible),
       hovertemplate: "%{text}<extra></extra>", marker: {symbol: "x", size: 6, color: "#b0b0b0"}},
      {type: "scatter", mode: "markers", name: "feasible (colour: " + columnLabel(state.colour) + ")",
       x: pick(X, feasibleRows), y: pick(Y, feasibleRows), customdata: pick(D.designs.id, feasibleRows),
       text: pick(HOVER, feasibleRows), hovertemplate: "%{text}<extra></extra>",
       marker: {size: 8, color: cvals, colorscale: "Viridis", showscale: true,
                colorbar: {title: {text: columnLabel(state.colour).slice(0, 40), side: "right"}, thickness: 12}}},
      {type: "scatter", mode: "lines+markers", name: "front", x: pick(X, frontRows), y: pick(Y, frontRows),
       customdata: pick(D.designs.id, frontRows), text: pick(HOVER, frontRows), hovertemplate: "%{text}<extra></extra>",
       line: {color: "#d62728", width: 1}, marker: {size: 13, color: "rgba(0,0,0,0)", line: {color: "#d62728", width: 2}}}
    ];
    var marked = [], labels = [];
    if (state.selected !== null && ROW[state.selected] !== undefined) { marked.push(ROW[state.selected]); labels.push(""); }
    state.compare.forEach(function (id, k) { marked.push(ROW[id]); labels.push(LETTERS[k]); });
    marked = marked.filter(function (i) { return X[i] !== null && Y[i] !== null; });
    traces.push({type: "scatter", mode: "markers+text", name: "selected", x: pick(X, marked), y: pick(Y, marked),
                 text: labels, textposition: "top right", customdata: pick(D.designs.id, marked),
                 hovertext: pick(HOVER, marked), hovertemplate: "%{hovertext}<extra></extra>",
                 marker: {size: 18, symbol: "circle-open", color: "black", line: {width: 3}}});
    return traces;
  }
  function drawFront() {
    var layout = {title: {text: "Designs of the run: " + N + " evaluated"}, height: 520, hovermode: "closest",
                  xaxis: {title: {text: columnLabel(state.x)}}, yaxis: {title: {text: columnLabel(state.y)}},
                  legend: {orientation: "h", y: -0.15}, margin: {l: 70, r: 20, t: 40, b: 60}};
    return Plotly.react("front", frontTraces(), withTemplate(layout), CONFIG);
  }
  function fillSelect(id, options, value) {
    var s = document.getElementById(id);
    options.forEach(function (o) { s.appendChild(el("option", {value: o[0], text: o[1]})); });
    s.value = value;
    s.addEventListener("change", function () { state[s.dataset.key] = s.value; drawFront(); });
  }
  function axisOptions() {
    var opts = D.objectives.map(function (o) { return ["obj:" + o.kpi, o.kpi + " (" + o.sense + ", objective)"]; });
    var objKpis = D.objectives.map(function (o) { return o.kpi; });
    D.key_kpis.concat(Object.keys(D.designs.kpis)).forEach(function (k) {
      if (objKpis.indexOf(k) < 0 && !opts.some(function (o) { return o[0] === "kpi:" + k; })) opts.push(["kpi:" + k, k]);
    });
    D.variables.forEach(function (v) { opts.push(["x:" + v.name, v.name + " (variable)"]); });
    return opts;
  }

  // --- parallel coordinates --------------------------------------------------------------------
  var PC = {keys: [], rows: []};
  function parcoordsDims() {
    var keys = D.variables.map(function (v) { return "x:" + v.name; });
    D.objectives.forEach(function (o) { keys.push("obj:" + o.kpi); });
    var seen = {};
    D.constraints.forEach(function (c) {
      if (!seen[c.kpi] && D.designs.kpis[c.kpi] && D.objectives.every(function (o) { return o.kpi !== c.kpi; })) {
        seen[c.kpi] = 1; keys.push("kpi:" + c.kpi);
      }
    });
    PC.keys = keys;
    var cols = keys.map(column);
    PC.rows = [];
    for (var i = 0; i < N; i++) {
      if (D.designs.error[i]) continue;
      if (cols.every(function (c) { return c[i] !== null && isFinite(c[i]); })) PC.rows.push(i);
    }
    return keys.map(function (k, j) {
      var name = k.slice(k.indexOf(":") + 1).split(".");
      var dim = {label: (name.length > 2 ? name.slice(-2).join(".") : name[name.length - 1]).slice(0, 30),
                 values: PC.rows.map(function (i) { return cols[j][i]; })};
      var v = D.variables.filter(function (v) { return "x:" + v.name === k; })[0];
      if (v && v.kind === "choice") {
        dim.tickvals = v.choices.map(function (_, n) { return n; });
        dim.ticktext = v.choices;
        dim.range = [-0.5, v.choices.length - 0.5];
      }
      return dim;
    });
  }
  function drawParcoords() {
    var dims = parcoordsDims();
    var colour = PC.rows.map(function (i) { return isFront(i) ? 2 : (isFeasible(i) ? 1 : 0); });
    var trace = {type: "parcoords", dimensions: dims,
                 line: {color: colour, cmin: 0, cmax: 2, showscale: false,
                        colorscale: [[0, "#d0d0d0"], [0.5, "#6a9fd4"], [1, "#d62728"]]}};
    trace.labelangle = -20;
    trace.labelfont = {size: 10};
    var layout = {height: 440, margin: {l: 60, r: 80, t: 90, b: 30}};
    document.getElementById("parcoords-info").textContent = "grey: infeasible, blue: feasible, red: on the front (" +
      PC.rows.length + " designs that evaluated). Drag along an axis to brush a range; click the range to remove it.";
    return Plotly.react("parcoords", [trace], withTemplate(layout), CONFIG);
  }
  function inRange(v, cr) {
    if (!cr || !cr.length) return true;
    var ranges = Array.isArray(cr[0]) ? cr : [cr];
    return ranges.some(function (r) { return v >= Math.min(r[0], r[1]) && v <= Math.max(r[0], r[1]); });
  }
  function onBrush() {
    var gd = document.getElementById("parcoords");
    var dims = gd.data[0].dimensions;
    var active = dims.filter(function (d) { return d.constraintrange && d.constraintrange.length; });
    if (!active.length) {
      state.filter = null;
    } else {
      state.filter = new Array(N).fill(false);
      PC.rows.forEach(function (i, r) {
        state.filter[i] = dims.every(function (d) { return inRange(d.values[r], d.constraintrange); });
      });
    }
    var n = state.filter ? state.filter.filter(Boolean).length : N;
    var nf = 0;
    for (var i = 0; i < N; i++) if (isFront(i) && (!state.filter || state.filter[i])) nf++;
    document.getElementById("brush-info").textContent = state.filter
      ? "brushed: " + n + " of " + N + " designs shown (" + nf + " on the front)" : "";
    document.getElementById("reset-brush").disabled = !state.filter;
    drawFront();
  }

  // --- one design ------------------------------------------------------------------------------
  function kpiTable(i, detail) {
    var t = el("table", {cls: "kpis"});
    t.appendChild(el("tr", {}, [el("th", {text: "KPI"}), el("th", {text: "value"}), el("th", {text: "bound"}),
                                el("th", {text: "margin"}), el("th", {text: "g"}), el("th", {text: ""})]));
    D.objectives.forEach(function (o) {
      t.appendChild(el("tr", {cls: "objective"}, [el("td", {text: o.kpi}), el("td", {text: fmt(D.designs.objectives[o.kpi][i])}),
        el("td", {text: "objective (" + o.sense + ")"}), el("td"), el("td"), el("td")]));
    });
    D.constraints.forEach(function (c) {
      var v = kpiValue(i, c.kpi), g = D.designs.g[c.label][i];
      var margin = (v === null) ? null : (c.kind === "min" ? v - c.bound : c.bound - v);
      var ok = g !== null && g <= 0;
      t.appendChild(el("tr", {cls: "constraint " + (ok ? "met" : "violated")}, [
        el("td", {text: c.kpi}), el("td", {text: fmt(v)}), el("td", {text: (c.kind === "min" ? "≥ " : "≤ ") + fmtBound(c.bound)}),
        el("td", {text: fmt(margin)}), el("td", {text: fmt(g)}), el("td", {text: ok ? "met" : "violated"})]));
    });
    var shown = {};
    D.objectives.forEach(function (o) { shown[o.kpi] = 1; });
    D.constraints.forEach(function (c) { shown[c.kpi] = 1; });
    D.key_kpis.forEach(function (k) {
      if (shown[k]) return;
      shown[k] = 1;
      t.appendChild(el("tr", {}, [el("td", {text: k}), el("td", {text: fmt(kpiValue(i, k))}), el("td"), el("td"), el("td"), el("td")]));
    });
    var all = el("details", {}, [el("summary", {text: "all KPIs (" + Object.keys(D.designs.kpis).length + ")" +
      (detail && D.report.detail_grid === "case" ? ": stored by the run / re-evaluated on the case's grids" : "")})]);
    var ta = el("table", {cls: "kpis all"});
    Object.keys(D.designs.kpis).forEach(function (k) {
      var cells = [el("td", {text: k}), el("td", {text: fmt(kpiValue(i, k))})];
      if (detail && D.report.detail_grid === "case") cells.push(el("td", {text: fmt(detail.kpis[k])}));
      ta.appendChild(el("tr", {}, cells));
    });
    all.appendChild(ta);
    return el("div", {}, [t, all]);
  }
  function variableTable(i) {
    var t = el("table", {cls: "vars"});
    t.appendChild(el("tr", {}, [el("th", {text: "variable"}), el("th", {text: "value"}), el("th", {text: "range"})]));
    D.variables.forEach(function (v) {
      var x = D.designs.x[v.name][i];
      var val = v.kind === "choice" ? v.choices[Math.round(x)] : fmt(x);
      var rng = v.kind === "choice" ? v.choices.join(", ") : fmt(v.lo) + " … " + fmt(v.hi);
      t.appendChild(el("tr", {}, [el("td", {text: v.name}), el("td", {text: val}), el("td", {text: rng})]));
    });
    return t;
  }
  function figureBlock(detail, names, prefix) {
    var box = el("div", {cls: "figs"});
    var todo = [];
    names.forEach(function (name) {
      if (!detail.figures[name]) return;
      var div = el("div", {cls: "fig", id: prefix + name});
      box.appendChild(div);
      todo.push([div, detail.figures[name]]);
    });
    return {box: box, draw: function () { todo.forEach(function (t) { plot(t[0], t[1]); }); }};
  }
  function selectDesign(id, scroll) {
    var i = ROW[id];
    if (i === undefined) return;
    state.selected = id;
    var box = document.getElementById("design");
    clear(box);
    var detail = D.details[String(id)];
    document.getElementById("design-title").textContent = "design " + id;
    var add = el("button", {id: "add-compare", text: "add to comparison"});
    add.addEventListener("click", function () { addCompare(id); });
    add.disabled = state.compare.indexOf(id) >= 0 || state.compare.length >= MAX_COMPARE;
    box.appendChild(el("div", {cls: "design-head"}, [
      el("span", {text: "design " + id + ", generation " + D.designs.generation[i] + ", " + status(i) +
                        (D.designs.error[i] ? " (error: " + D.designs.error[i] + ")" : "")}), add]));
    box.appendChild(el("div", {cls: "cols"}, [kpiTable(i, detail), variableTable(i)]));
    if (detail) {
      var fb = figureBlock(detail, ["section", "map", "losses", "thermal"], "fig-");
      box.appendChild(fb.box);
      fb.draw();
    } else {
      box.appendChild(el("p", {cls: "note", text: "The report computed the details (cross-section, efficiency map, " +
        "losses, temperatures) for the front and the designs asked for. For this design: motoropt report " +
        D.run.file + " --html REPORT.html --designs " + id + "   or   motoropt show " + D.run.file + " --design " + id}));
    }
    drawFront();
    if (scroll) box.scrollIntoView({behavior: "smooth", block: "start"});
  }

  // --- comparison ------------------------------------------------------------------------------
  function addCompare(id) {
    if (state.compare.indexOf(id) >= 0) return;
    if (state.compare.length >= MAX_COMPARE) {
      document.getElementById("compare-info").textContent = "up to " + MAX_COMPARE + " designs: remove one first";
      return;
    }
    state.compare.push(id);
    drawCompare();
    drawFront();
    var b = document.getElementById("add-compare");
    if (b) b.disabled = true;
  }
  function removeCompare(id) {
    state.compare = state.compare.filter(function (x) { return x !== id; });
    drawCompare();
    drawFront();
  }
  function drawCompare() {
    var box = document.getElementById("compare");
    clear(box);
    var chips = el("div", {cls: "chips"});
    state.compare.forEach(function (id, k) {
      var b = el("button", {cls: "chip", text: LETTERS[k] + ": design " + id + "  ✕", title: "remove from the comparison"});
      b.addEventListener("click", function () { removeCompare(id); });
      chips.appendChild(b);
    });
    chips.appendChild(el("span", {id: "compare-info", cls: "note",
      text: state.compare.length ? "" : "no design: click a point, then 'add to comparison' (or shift+click)"}));
    box.appendChild(chips);
    if (!state.compare.length) return;
    var rows = state.compare.map(function (id) { return ROW[id]; });
    var t = el("table", {cls: "kpis compare"});
    var head = [el("th", {text: "KPI / variable"})];
    rows.forEach(function (_, k) {
      head.push(el("th", {text: LETTERS[k] + " (" + state.compare[k] + ")"}));
      if (k > 0) head.push(el("th", {text: LETTERS[k] + " − A"}));
    });
    t.appendChild(el("tr", {}, head));
    function addRow(label, vals, isText) {
      var cells = [el("td", {text: label})];
      vals.forEach(function (v, k) {
        cells.push(el("td", {text: isText ? String(v) : fmt(v)}));
        if (k > 0) cells.push(el("td", {cls: "diff", text: (isText || v === null || vals[0] === null) ? "" : fmt(v - vals[0])}));
      });
      t.appendChild(el("tr", {}, cells));
    }
    var names = D.objectives.map(function (o) { return o.kpi; });
    D.key_kpis.forEach(function (k) { if (names.indexOf(k) < 0) names.push(k); });
    names.forEach(function (k) { addRow(k, rows.map(function (i) { return kpiValue(i, k); })); });
    D.variables.forEach(function (v) {
      var vals = rows.map(function (i) { return D.designs.x[v.name][i]; });
      if (v.kind === "choice") addRow(v.name, vals.map(function (x) { return v.choices[Math.round(x)]; }), true);
      else addRow(v.name, vals);
    });
    box.appendChild(t);
    // overlays: torque envelopes (from the details) and the cycle losses (stored KPIs)
    var env = [];
    state.compare.forEach(function (id, k) {
      var d = D.details[String(id)];
      if (!d) return;
      var name = LETTERS[k] + " (" + id + ")";
      var colour = COMPARE_COLOURS[k];
      env.push({type: "scatter", mode: "lines", name: name, legendgroup: name, x: d.envelope.speed_rpm, y: d.envelope.motoring_nm,
                line: {color: colour}});
      env.push({type: "scatter", mode: "lines", name: name, legendgroup: name, showlegend: false, x: d.envelope.speed_rpm,
                y: d.envelope.generating_nm.map(function (v) { return v === null ? null : -v; }), line: {color: colour, dash: "dot"}});
    });
    var cycles = Object.keys(D.designs.kpis).filter(function (k) { return /^cycles\.[^.]+\.loss_wh$/.test(k); })
      .map(function (k) { return k.split(".")[1]; });
    var bars = state.compare.map(function (id, k) {
      var i = ROW[id];
      return {type: "bar", name: LETTERS[k] + " (" + id + ")", x: cycles, marker: {color: COMPARE_COLOURS[k]},
              y: cycles.map(function (c) { return kpiValue(i, "cycles." + c + ".loss_wh"); })};
    });
    var over = el("div", {cls: "figs"});
    var envDiv = el("div", {cls: "fig", id: "compare-envelopes"}), lossDiv = el("div", {cls: "fig", id: "compare-losses"});
    if (env.length) over.appendChild(envDiv);
    over.appendChild(lossDiv);
    box.appendChild(over);
    if (env.length) {
      Plotly.react(envDiv, env, withTemplate({title: {text: "torque envelopes (dotted: generating)"}, height: 360,
        xaxis: {title: {text: "speed (rpm)"}}, yaxis: {title: {text: "torque (N m)"}}}), CONFIG);
    }
    Plotly.react(lossDiv, bars, withTemplate({title: {text: "motor loss over each cycle (Wh)"}, barmode: "group", height: 360,
      yaxis: {title: {text: "Wh"}}}), CONFIG);
    // side by side: each design's own figures in a column
    var grid = el("div", {cls: "side-by-side n" + state.compare.length});
    var draws = [];
    state.compare.forEach(function (id, k) {
      var col = el("div", {cls: "side"}, [el("h3", {text: LETTERS[k] + ": design " + id})]);
      var d = D.details[String(id)];
      if (d) {
        var fb = figureBlock(d, ["section", "map", "losses", "thermal"], "cmp-" + k + "-");
        col.appendChild(fb.box);
        draws.push(fb.draw);
      } else {
        col.appendChild(el("p", {cls: "note", text: "no details computed for this design (report --designs " + id + ")"}));
      }
      grid.appendChild(col);
    });
    box.appendChild(grid);
    draws.forEach(function (f) { f(); });
  }

  // --- run metadata --------------------------------------------------------------------------
  function drawRun() {
    var r = D.run, box = document.getElementById("run");
    var t = el("table", {cls: "meta"});
    [["run file", r.path], ["case", r.case_name + " (" + r.case_path + ")"], ["algorithm", r.algorithm],
     ["seed", r.seed], ["budget", r.pop + " designs × " + r.generations + " generations = " + r.budget +
       " (done: " + r.generations_done + " generations" + (r.complete ? ", complete" : ", incomplete") + ")"],
     ["designs evaluated", r.evaluated + " (" + r.feasible + " feasible, " + r.failed + " failed to evaluate, " +
       D.front.length + " on the front)"],
     ["map grids during the run", JSON.stringify(r.map_overrides)],
     ["code version", "motoropt " + r.motoropt_version + " (run), " + D.report.motoropt_version + " (report)"],
     ["created", r.created_utc + " (run), " + D.report.created_utc + " (report)"],
     ["design details", Object.keys(D.details).length + " designs, evaluated on the " +
       (D.report.detail_grid === "case" ? "case's own grids" : "run's grids (as the run computed them)")]
    ].forEach(function (row) { t.appendChild(el("tr", {}, [el("th", {text: row[0]}), el("td", {text: String(row[1])})])); });
    box.appendChild(t);
    box.appendChild(el("h3", {text: "Objectives"}));
    var to = el("table", {cls: "meta"});
    D.objectives.forEach(function (o) { to.appendChild(el("tr", {}, [el("td", {text: o.sense}), el("td", {text: o.kpi})])); });
    box.appendChild(to);
    box.appendChild(el("h3", {text: "Constraints"}));
    var tc = el("table", {cls: "meta constraints"});
    tc.appendChild(el("tr", {}, [el("th", {text: "constraint"}), el("th", {text: "KPI"}), el("th", {text: "bound"}),
                                 el("th", {text: "designs meeting it"})]));
    D.constraints.forEach(function (c) {
      var g = D.designs.g[c.label], met = g.filter(function (v) { return v !== null && v <= 0; }).length;
      tc.appendChild(el("tr", {}, [el("td", {text: c.label}), el("td", {text: c.kpi}),
        el("td", {text: (c.kind === "min" ? "≥ " : "≤ ") + fmtBound(c.bound)}), el("td", {text: met + " of " + N})]));
    });
    box.appendChild(tc);
    box.appendChild(el("h3", {text: "Variables"}));
    var tv = el("table", {cls: "meta"});
    D.variables.forEach(function (v) {
      tv.appendChild(el("tr", {}, [el("td", {text: v.name}), el("td", {text: v.kind}),
        el("td", {text: v.kind === "choice" ? v.choices.join(", ") : fmt(v.lo) + " … " + fmt(v.hi)})]));
    });
    box.appendChild(tv);
    box.appendChild(el("details", {}, [el("summary", {text: "case file"}), el("pre", {text: r.case_toml})]));
  }

  // --- start ---------------------------------------------------------------------------------
  function start() {
    var r = D.run;
    document.getElementById("summary").textContent = r.evaluated + " designs of " + r.case_name + " (" + r.algorithm +
      ", seed " + r.seed + "): " + r.feasible + " feasible, " + D.front.length + " on the front";
    var objs = D.objectives.map(function (o) { return "obj:" + o.kpi; });
    state.x = objs[0];
    state.y = objs.length > 1 ? objs[1] : (D.key_kpis.length > 1 ? "kpi:" + D.key_kpis[1] : "generation");
    var opts = axisOptions();
    fillSelect("x-axis", opts, state.x);
    fillSelect("y-axis", opts, state.y);
    fillSelect("colour-by", [["generation", "generation"], ["status", "infeasible / feasible / front"],
                             ["violation", "constraint violation"]].concat(opts), state.colour);
    var front = document.getElementById("front");
    drawFront().then(function () {
      front.on("plotly_click", function (ev) {
        if (!ev || !ev.points || !ev.points.length) return;
        var id = ev.points[0].customdata;
        if (id === undefined || id === null) return;
        if (ev.event && ev.event.shiftKey) addCompare(id);
        else selectDesign(id, false);
      });
    });
    if (PC_ENABLED()) {
      drawParcoords().then(function () {
        document.getElementById("parcoords").on("plotly_restyle", onBrush);
      });
    }
    document.getElementById("reset-brush").addEventListener("click", function () {
      drawParcoordsFresh();
    });
    document.getElementById("reset-brush").disabled = true;
    drawRun();
    var hash = readHash();
    state.compare = (hash.compare ? hash.compare.split(",").map(Number) : D.selected)
      .filter(function (id) { return ROW[id] !== undefined; }).slice(0, MAX_COMPARE);
    drawCompare();
    var first = hash.design !== undefined && ROW[Number(hash.design)] !== undefined ? Number(hash.design)
      : (D.selected.length ? D.selected[D.selected.length - 1] : (N ? D.designs.id[0] : null));
    if (first !== null) selectDesign(first, hash.design !== undefined);
  }
  // the address's #design=ID[&compare=A,B,C] opens a design (also when it changes later)
  function readHash() {
    var hash = {};
    (window.location.hash || "").replace(/^#/, "").split("&").forEach(function (kv) {
      var p = kv.split("="); if (p.length === 2) hash[p[0]] = decodeURIComponent(p[1]);
    });
    return hash;
  }
  window.addEventListener("hashchange", function () {
    var hash = readHash();
    if (hash.design !== undefined && ROW[Number(hash.design)] !== undefined) selectDesign(Number(hash.design), true);
  });
  function PC_ENABLED() { return N > 0 && D.variables.length > 0; }
  function drawParcoordsFresh() {
    Plotly.purge("parcoords");
    drawParcoords().then(function () {
      document.getElementById("parcoords").on("plotly_restyle", onBrush);
      onBrush();
    });
  }
  window.motoropt = {data: D, state: state, selectDesign: selectDesign, addCompare: addCompare,
                     removeCompare: removeCompare};
  start();
})();
