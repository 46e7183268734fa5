// Pipeline-to-plan dashboard: reads the pipeline and incentives JSON APIs with the
// token the user pastes and draws its own SVG (no library, no CDN, works offline).
// Everything shown goes through textContent/setAttribute: API strings never become markup.
"use strict";

(() => {
  const CONFIG = JSON.parse(document.getElementById("dashboard-config").textContent);
  const SVG_NS = "http://www.w3.org/2000/svg";
  const STORE = { token: "dashboard.token", vendor: "dashboard.vendor", period: "dashboard.period" };
  const PAGE_LIMIT = 500;
  const MAX_PAGES = 1000;
  const REWARD_CONCURRENCY = 6;

  const state = {
    token: "",
    vendor: "",
    period: "",
    partners: [],
    territory: [],
    tier: [],
    threshold: 0.8,
    thresholdText: "0.80",
    reps: [],
    rewardsByPartner: new Map(),
    repsByPartner: new Map(),
    loading: 0,
    scorecards: [],
  };

  // ---------- small DOM helpers ----------

  function build(make, tag, attrs, children) {
    const node = make(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "text") node.textContent = String(value);
      else node.setAttribute(name, value === true ? "" : String(value));
    }
    for (const child of children || []) {
      if (child === null || child === undefined) continue;
      node.append(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
  }
  const h = (tag, attrs, ...children) => build((t) => document.createElement(t), tag, attrs, children);
  const s = (tag, attrs, ...children) => build((t) => document.createElementNS(SVG_NS, t), tag, attrs, children);
  const $ = (id) => document.getElementById(id);

  // ---------- money and ratios (exact cents with BigInt; floats only for drawing) ----------

  function cents(text) {
    if (text === null || text === undefined) return null;
    const negative = text.startsWith("-");
    const [whole, frac = ""] = text.replace(/^[-+]/, "").split(".");
    const value = BigInt(whole || "0") * 100n + BigInt((frac + "00").slice(0, 2));
    return negative ? -value : value;
  }

  function formatCents(value) {
    if (value === null || value === undefined) return "—";
    const negative = value < 0n;
    const abs = negative ? -value : value;
    const whole = (abs / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return `${negative ? "-" : ""}${whole}.${(abs % 100n).toString().padStart(2, "0")}`;
  }

  const money = (text) => formatCents(cents(text));
  const sumCents = (items, field) => items.reduce((acc, it) => acc + (cents(it[field]) ?? 0n), 0n);
  const num = (text) => (text === null || text === undefined ? 0 : Number(text));

  function percent(ratio) {
    if (ratio === null || ratio === undefined || Number.isNaN(Number(ratio))) return "—";
    return `${(Number(ratio) * 100).toFixed(1)} %`;
  }

  function compact(value) {
    const abs = Math.abs(value);
    if (abs >= 1e9) return `${+(value / 1e9).toFixed(1)}B`;
    if (abs >= 1e6) return `${+(value / 1e6).toFixed(1)}M`;
    if (abs >= 1e3) return `${+(value / 1e3).toFixed(1)}k`;
    return `${+value.toFixed(0)}`;
  }

  function niceMax(value) {
    if (!(value > 0)) return 1;
    const magnitude = 10 ** Math.floor(Math.log10(value));
    for (const step of [1, 2, 4, 6, 8, 10]) if (step * magnitude >= value) return step * magnitude;
    return 10 * magnitude;
  }

  // ---------- the APIs ----------

  class ApiError extends Error {
    constructor(status, detail, url) {
      super(detail || `HTTP ${status}`);
      this.status = status;
      this.url = url;
    }
  }

  async function api(base, path) {
    const url = base + path;
    let response;
    try {
      response = await fetch(url, {
        headers: { Authorization: `Bearer ${state.token}`, Accept: "application/json" },
        cache: "no-store",
        credentials: "omit",
        referrerPolicy: "no-referrer",
      });
    } catch (err) {
      throw new ApiError(0, `cannot reach ${base || "pipeline"} (${err.message})`, url);
    }
    if (!response.ok) {
      let detail = "";
      try {
        const problem = await response.json();
        detail = problem.detail || problem.title || "";
      } catch (_) {
        /* not a problem document */
      }
      throw new ApiError(response.status, detail, url);
    }
    return response.json();
  }

  async function allPages(base, path) {
    const items = [];
    let cursor = null;
    for (let page = 0; page < MAX_PAGES; page += 1) {
      const sep = path.includes("?") ? "&" : "?";
      const body = await api(base, cursor ? `${path}${sep}cursor=${encodeURIComponent(cursor)}` : path);
      items.push(...body.items);
      cursor = body.next_cursor;
      if (!cursor) return items;
    }
    throw new ApiError(0, "too many pages", path);
  }

  function explain(err) {
    if (err.status === 401) return "The token was rejected (missing, malformed or expired). Paste a fresh one.";
    if (err.status === 403) return `This token may not see vendor ${state.vendor}'s figures: ${err.message}`;
    if (err.status === 422) return `The request was refused: ${err.message}`;
    return `Could not load: ${err.message}`;
  }

  // ---------- periods ----------

  function quarterBounds(period) {
    const year = Number(period.slice(0, 4));
    const q = Number(period.slice(5));
    return [Date.UTC(year, 3 * q - 3, 1), Date.UTC(year, 3 * q, 1)];
  }

  // ---------- status ----------

  function setStatus(text, isError) {
    const node = $("status");
    node.textContent = text;
    node.classList.toggle("error", Boolean(isError));
  }

  // ---------- at-risk ----------

  const isAtRisk = (item) => item.coverage !== null && item.coverage !== undefined && Number(item.coverage) < state.threshold;

  // ---------- charts ----------

  // Colours live in the stylesheet (CSP forbids inline styles): one class per series.
  const PALETTE = {
    plan: "s-plan",
    closed_won: "s-won",
    pipeline_total: "s-pipe",
    pipeline_target: "s-target",
    risk_adjusted_pipeline: "s-rapipe",
    risk_adjusted_target: "s-ratarget",
    earned: "s-won",
    paid: "s-plan",
    enrolled: "s-target",
    active: "s-pipe",
    producing: "s-won",
  };

  function seriesFor(basis) {
    return basis === "risk"
      ? [
          ["plan", "Plan"],
          ["closed_won", "Closed-won"],
          ["risk_adjusted_pipeline", "Risk-adjusted pipeline"],
          ["risk_adjusted_target", "Risk-adjusted target"],
        ]
      : [
          ["plan", "Plan"],
          ["closed_won", "Closed-won"],
          ["pipeline_total", "Pipeline"],
          ["pipeline_target", "Pipeline target"],
        ];
  }

  function legend(series, extra) {
    const node = h("ul", { class: "legend-list" });
    for (const [field, label] of series) {
      node.append(h("li", {}, h("span", { class: `swatch ${PALETTE[field]}` }), label));
    }
    if (extra) node.append(h("li", {}, h("span", { class: "swatch risk" }), extra));
    return node;
  }

  // Horizontal grouped bars: one group per row, one bar per series; a <title> per group for hover.
  function barChart({ rows, series, label, highlight, title, description, valueText, width = 760, labelWidth = 170 }) {
    const right = Math.round(width * 0.05);
    const labelChars = Math.floor((labelWidth - 16) / 6.4);
    const top = 22;
    const barHeight = 7;
    const groupGap = 9;
    const groupHeight = series.length * barHeight + groupGap;
    const height = top + Math.max(rows.length, 1) * groupHeight + 6;
    const max = niceMax(Math.max(0, ...rows.flatMap((r) => series.map(([f]) => num(r[f])))));
    const plotWidth = width - labelWidth - right;
    const x = (v) => labelWidth + (Math.max(0, v) / max) * plotWidth;
    const id = `t${Math.random().toString(36).slice(2)}`;
    const svg = s("svg", {
      viewBox: `0 0 ${width} ${height}`,
      role: "img",
      "aria-labelledby": `${id}-title ${id}-desc`,
      class: "bars",
      preserveAspectRatio: "xMinYMin meet",
    });
    svg.append(s("title", { id: `${id}-title`, text: title }), s("desc", { id: `${id}-desc`, text: description }));
    const grid = s("g", { class: "grid", "aria-hidden": "true" });
    for (let i = 0; i <= 4; i += 1) {
      const gx = x((max * i) / 4);
      grid.append(s("line", { x1: gx, x2: gx, y1: top - 4, y2: height - 4 }));
      grid.append(s("text", { x: gx, y: top - 8, "text-anchor": "middle", text: compact((max * i) / 4) }));
    }
    svg.append(grid);
    rows.forEach((row, index) => {
      const y0 = top + index * groupHeight;
      const risky = highlight ? highlight(row) : false;
      const group = s("g", { class: risky ? "row at-risk" : "row", "data-key": label(row) });
      const parts = series.map(([field, name]) => `${name} ${valueText(row[field])}`);
      group.append(s("title", { text: `${label(row)}${risky ? " (at risk)" : ""}: ${parts.join(", ")}` }));
      if (risky) group.append(s("rect", { class: "risk-band", x: 0, y: y0 - 2, width, height: groupHeight - groupGap + 4 }));
      group.append(
        s("text", {
          class: "row-label",
          x: labelWidth - 8,
          y: y0 + (series.length * barHeight) / 2 + 4,
          "text-anchor": "end",
          text: `${risky ? "⚠ " : ""}${truncate(label(row), labelChars - (risky ? 2 : 0))}`,
        }),
      );
      series.forEach(([field], i) => {
        const v = num(row[field]);
        group.append(
          s("rect", {
            x: labelWidth,
            y: y0 + i * barHeight,
            width: Math.max(0, x(v) - labelWidth),
            height: barHeight - 1,
            class: `bar ${PALETTE[field]}`,
            "data-field": field,
          }),
        );
      });
      svg.append(group);
    });
    if (!rows.length) svg.append(s("text", { x: labelWidth, y: top + 10, text: "Nothing to show." }));
    return svg;
  }

  function coverageChart(rows) {
    const width = 760;
    const labelWidth = 170;
    const right = 110;
    const top = 26;
    const rowHeight = 16;
    const height = top + Math.max(rows.length, 1) * rowHeight + 6;
    const max = Math.max(1.5, state.threshold * 1.25, ...rows.map((r) => num(r.coverage)));
    const plotWidth = width - labelWidth - right;
    const x = (v) => labelWidth + (Math.min(Math.max(0, v), max) / max) * plotWidth;
    const atRisk = rows.filter(isAtRisk).length;
    const svg = s("svg", {
      viewBox: `0 0 ${width} ${height}`,
      role: "img",
      "aria-label": `Coverage per partner; ${atRisk} of ${rows.length} shown are below the at-risk threshold of ${percent(state.threshold)}.`,
      class: "bars",
    });
    rows.forEach((row, index) => {
      const y = top + index * rowHeight;
      const risky = isAtRisk(row);
      const g = s("g", { class: risky ? "row at-risk" : "row", "data-key": row.key ?? "" });
      g.append(s("title", { text: `${row.key}: coverage ${percent(row.coverage)}${risky ? ", at risk" : ""}` }));
      g.append(
        s("text", { class: "row-label", x: labelWidth - 8, y: y + 10, "text-anchor": "end", text: `${risky ? "⚠ " : ""}${truncate(keyText(row.key), 22)}` }),
      );
      if (row.coverage === null || row.coverage === undefined) {
        g.append(s("text", { class: "muted-text", x: labelWidth + 4, y: y + 10, text: "no target" }));
      } else {
        const end = x(num(row.coverage));
        g.append(s("rect", { x: labelWidth, y: y + 2, width: Math.max(1, end - labelWidth), height: rowHeight - 5, class: risky ? "bar-risk" : "bar-ok" }));
        g.append(s("text", { x: end + 5, y: y + 10, class: risky ? "risk-text" : "", text: `${percent(row.coverage)}${risky ? " at risk" : ""}` }));
      }
      svg.append(g);
    });
    const tx = x(state.threshold);
    svg.append(s("line", { class: "threshold", x1: tx, x2: tx, y1: top - 6, y2: height - 4 }));
    svg.append(s("text", { class: "threshold-label", x: tx, y: top - 10, "text-anchor": "middle", text: `at-risk threshold ${percent(state.threshold)}` }));
    return svg;
  }

  const truncate = (text, n) => (text.length > n ? `${text.slice(0, n - 1)}…` : text);
  const keyText = (key) => (key === null || key === undefined ? "(unknown)" : String(key));

  // ---------- tables ----------

  const FIGURE_COLUMNS = [
    ["plan", "Plan", money],
    ["closed_won", "Closed-won", money],
    ["performance_to_plan", "Performance to plan", percent],
    ["pipeline_total", "Pipeline", money],
    ["pipeline_target", "Pipeline target", money],
    ["risk_adjusted_pipeline", "Risk-adjusted pipeline", money],
    ["risk_adjusted_target", "Risk-adjusted target", money],
    ["coverage", "Coverage", percent],
    ["open_deals", "Open deals", (v) => String(v ?? 0)],
    ["win_rate", "Win rate", percent],
  ];

  function figuresTable({ rows, caption, keyHeader, withStatus, id }) {
    const table = h("table", { class: "figures", id });
    table.append(h("caption", { text: caption }));
    const head = h("tr", {}, h("th", { scope: "col", text: keyHeader }));
    for (const [, label] of FIGURE_COLUMNS) head.append(h("th", { scope: "col", class: "num", text: label }));
    if (withStatus) head.append(h("th", { scope: "col", text: "Status" }));
    table.append(h("thead", {}, head));
    const body = h("tbody");
    for (const row of rows) {
      const risky = isAtRisk(row);
      const tr = h("tr", { "data-key": keyText(row.key), class: risky ? "at-risk" : null });
      tr.append(h("th", { scope: "row", text: keyText(row.key) }));
      for (const [field, , format] of FIGURE_COLUMNS) {
        const raw = row[field];
        tr.append(h("td", { class: "num", "data-field": field, "data-value": raw ?? "", text: format(raw) }));
      }
      if (withStatus) tr.append(h("td", { "data-field": "status", text: risky ? "At risk" : row.coverage == null ? "No target" : "On track" }));
      body.append(tr);
    }
    table.append(body);
    return table;
  }

  // ---------- rendering ----------

  function sortedPartners() {
    const sort = $("sort").value;
    const onlyRisk = $("only-risk").checked;
    const rows = state.partners.filter((r) => !onlyRisk || isAtRisk(r));
    const byKey = (a, b) => keyText(a.key).localeCompare(keyText(b.key));
    const desc = (field) => (a, b) => num(b[field]) - num(a[field]) || byKey(a, b);
    const comparators = {
      key: byKey,
      plan: desc("plan"),
      closed: desc("closed_won"),
      // Partners without a target go last: there is no coverage to worry about.
      coverage: (a, b) => (a.coverage == null) - (b.coverage == null) || num(a.coverage) - num(b.coverage) || byKey(a, b),
    };
    rows.sort(comparators[sort] || byKey);
    const limit = $("rows").value;
    return { shown: limit === "all" ? rows : rows.slice(0, Number(limit)), total: rows.length };
  }

  function renderSummary() {
    const p = state.partners;
    const plan = sumCents(p, "plan");
    const won = sumCents(p, "closed_won");
    const raPipe = sumCents(p, "risk_adjusted_pipeline");
    const raTarget = sumCents(p, "risk_adjusted_target");
    const atRisk = p.filter(isAtRisk).length;
    const items = [
      ["Partners", String(p.length), "partners"],
      ["Plan", formatCents(plan), "plan"],
      ["Closed-won", formatCents(won), "closed_won"],
      ["Performance to plan", plan > 0n ? percent(Number(won) / Number(plan)) : "—", "performance_to_plan"],
      ["Pipeline", formatCents(sumCents(p, "pipeline_total")), "pipeline_total"],
      ["Pipeline target", formatCents(sumCents(p, "pipeline_target")), "pipeline_target"],
      ["Risk-adjusted pipeline", formatCents(raPipe), "risk_adjusted_pipeline"],
      ["Coverage", raTarget > 0n ? percent(Number(raPipe) / Number(raTarget)) : "—", "coverage"],
      ["At risk", `${atRisk} of ${p.length}`, "at_risk"],
    ];
    const dl = $("summary");
    dl.replaceChildren();
    for (const [label, value, field] of items) {
      dl.append(h("div", { class: field === "at_risk" && atRisk ? "kpi risk" : "kpi" }, h("dt", { text: label }), h("dd", { "data-field": field, text: value })));
    }
    $("summary-scope").textContent = `${state.vendor} · ${state.period}`;
  }

  function renderPartners() {
    const basis = document.querySelector('input[name="basis"]:checked').value;
    const series = seriesFor(basis);
    const { shown, total } = sortedPartners();
    $("partners-legend").replaceChildren(legend(series, "At risk"));
    $("partners-chart").replaceChildren(
      barChart({
        rows: shown,
        series,
        label: (r) => keyText(r.key),
        highlight: isAtRisk,
        title: `Plan, closed-won and ${basis === "risk" ? "risk-adjusted " : ""}pipeline per partner`,
        description: `${shown.length} of ${total} partners; the table below has every figure.`,
        valueText: money,
      }),
    );
    $("partners-table").replaceChildren(
      figuresTable({
        rows: shown,
        caption: `Partners of ${state.vendor}, ${state.period} (${shown.length} of ${total} shown)`,
        keyHeader: "Partner",
        withStatus: true,
        id: "partners-figures",
      }),
    );
    $("coverage-chart").replaceChildren(coverageChart(shown));
    $("coverage-note").textContent = `Partners below ${percent(state.threshold)} coverage are at risk (marked ⚠ and in red). Same order and filter as above.`;
  }

  function renderGroup(kind, rows, keyHeader) {
    const series = seriesFor("total");
    $(`${kind}-chart`).replaceChildren(
      legend(series),
      barChart({
        rows,
        series,
        label: (r) => (kind === "tier" && r.key != null ? `Tier ${r.key}` : keyText(r.key)),
        highlight: isAtRisk,
        title: `Plan, closed-won and pipeline by ${kind}`,
        width: 440,
        labelWidth: 90,
        description: `${rows.length} groups; the table has every figure.`,
        valueText: money,
      }),
    );
    $(`${kind}-table`).replaceChildren(figuresTable({ rows, caption: `By ${kind}`, keyHeader, withStatus: false, id: `${kind}-figures` }));
  }

  function renderAll() {
    renderSummary();
    renderPartners();
    renderGroup("territory", state.territory, "Territory");
    renderGroup("tier", state.tier, "Tier");
    $("main").hidden = false;
  }

  // ---------- rewards (incentives) ----------

  const REWARD_COLUMNS = [
    ["earned", "Earned"],
    ["clawed_back", "Clawed back"],
    ["net", "Net"],
    ["paid", "Paid"],
    ["unpaid", "Unpaid"],
  ];

  async function loadRewards(generation) {
    const status = $("rewards-status");
    status.textContent = "Loading rewards from incentives…";
    $("rewards-table").replaceChildren();
    $("rewards-chart").replaceChildren();
    const [from, until] = quarterBounds(state.period);
    let entries;
    try {
      entries = await allPages(CONFIG.incentivesUrl, `/v1/ledger?limit=${PAGE_LIMIT}`);
    } catch (err) {
      if (generation === state.loading) status.textContent = `Rewards unavailable (incentives at ${CONFIG.incentivesUrl}): ${err.message}`;
      return;
    }
    const mine = entries.filter((e) => {
      const at = Date.parse(e.created_at);
      return (e.vendor_id === undefined || e.vendor_id === state.vendor) && at >= from && at < until;
    });
    const repPartners = new Map();
    state.rewardsByPartner = new Map();
    for (const e of mine) {
      if (!repPartners.has(e.rep_id)) repPartners.set(e.rep_id, new Set());
      repPartners.get(e.rep_id).add(e.partner_id);
      state.rewardsByPartner.set(e.partner_id, (state.rewardsByPartner.get(e.partner_id) ?? 0n) + cents(e.amount));
    }
    const reps = [...repPartners.keys()].sort();
    const results = new Array(reps.length);
    let next = 0;
    let done = 0;
    const worker = async () => {
      while (next < reps.length) {
        const i = next;
        next += 1;
        try {
          results[i] = await api(CONFIG.incentivesUrl, `/v1/reps/${encodeURIComponent(reps[i])}/earnings?period=${encodeURIComponent(state.period)}`);
        } catch (err) {
          results[i] = { rep_id: reps[i], error: err.message };
        }
        done += 1;
        if (generation === state.loading) status.textContent = `Loading rewards… ${done} of ${reps.length} reps`;
      }
    };
    await Promise.all(Array.from({ length: Math.min(REWARD_CONCURRENCY, reps.length) }, worker));
    if (generation !== state.loading) return;
    state.reps = results.map((r) => ({ ...r, partners: [...(repPartners.get(r.rep_id) || [])].sort() }));
    state.repsByPartner = new Map();
    for (const r of state.reps) for (const p of r.partners) state.repsByPartner.set(p, [...(state.repsByPartner.get(p) || []), r]);
    renderRewards();
    status.textContent = reps.length
      ? `${reps.length} reps with rewards in ${state.period}.`
      : `No rewards recorded for ${state.vendor} in ${state.period}.`;
    $("rewards-table").dataset.state = "ready";
  }

  function renderRewards() {
    const reps = [...state.reps].sort((a, b) => num(b.earned) - num(a.earned) || a.rep_id.localeCompare(b.rep_id));
    const chartRows = reps.filter((r) => !r.error).slice(0, 25);
    const series = [
      ["earned", "Earned"],
      ["paid", "Paid"],
    ];
    $("rewards-chart").replaceChildren(
      legend(series),
      barChart({
        rows: chartRows,
        series,
        label: (r) => r.rep_id,
        title: "Rewards earned and paid per rep",
        description: `${chartRows.length} reps with the most earned; the table lists all ${reps.length}.`,
        valueText: money,
      }),
    );
    const table = h("table", { class: "figures", id: "rewards-figures" }, h("caption", { text: `Rep rewards, ${state.vendor}, ${state.period}` }));
    const head = h("tr", {}, h("th", { scope: "col", text: "Rep" }), h("th", { scope: "col", text: "Partner" }));
    for (const [, label] of REWARD_COLUMNS) head.append(h("th", { scope: "col", class: "num", text: label }));
    table.append(h("thead", {}, head));
    const body = h("tbody");
    for (const rep of reps) {
      const tr = h("tr", { "data-key": rep.rep_id }, h("th", { scope: "row", text: rep.rep_id }), h("td", { text: rep.partners.join(", ") }));
      if (rep.error) tr.append(h("td", { colspan: REWARD_COLUMNS.length, class: "error", text: rep.error }));
      else for (const [field] of REWARD_COLUMNS) tr.append(h("td", { class: "num", "data-field": field, "data-value": rep[field] ?? "", text: money(rep[field]) }));
      body.append(tr);
    }
    table.append(body);
    $("rewards-table").replaceChildren(table);
  }


  // ---------- scorecards (ranking, one partner vs the peer median, activity trend) ----------

  // [field, label, kind]: kind "count" | "rate" (shown as %) | "money" | "number" (as given).
  const SCORE_METRICS = [
    ["registrations", "Registrations", "count"],
    ["approved", "Approved", "count"],
    ["rejected", "Rejected", "count"],
    ["approval_rate", "Approval rate", "rate"],
    ["median_hours_to_decision", "Median hours to decision", "number"],
    ["sla_breaches", "SLA breaches", "count"],
    ["conflict_rate", "Conflict rate", "rate"],
    ["won", "Won", "count"],
    ["lost", "Lost", "count"],
    ["win_rate", "Win rate", "rate"],
    ["avg_deal_size", "Average deal size", "money"],
    ["avg_cycle_days", "Average cycle (days)", "number"],
    ["sales_velocity", "Sales velocity (per day)", "money"],
    ["coverage", "Coverage", "rate"],
    ["performance_to_plan", "Performance to plan", "rate"],
    ["rewards_net", "Net rewards", "money"],
  ];
  const RANKING_COLUMNS = ["registrations", "approval_rate", "median_hours_to_decision", "win_rate", "avg_deal_size", "performance_to_plan", "rewards_net"];

  function metricText(kind, value) {
    if (value === null || value === undefined) return "—";
    if (kind === "rate") return percent(value);
    if (kind === "money") return money(String(value));
    return String(value);
  }
  const metricKind = (field) => (SCORE_METRICS.find(([f]) => f === field) || [field, field, "number"])[2];
  const metricLabel = (field) => (SCORE_METRICS.find(([f]) => f === field) || [field, field])[1];

  function scorecardRanking(cards) {
    const table = h("table", { class: "figures", id: "scorecards-figures" });
    table.append(h("caption", { text: `Partners of ${state.vendor}, ${state.period}, ranked by score (best first)` }));
    const head = h("tr", {}, h("th", { scope: "col", text: "#" }), h("th", { scope: "col", text: "Partner" }), h("th", { scope: "col", class: "num", text: "Score" }));
    for (const field of RANKING_COLUMNS) head.append(h("th", { scope: "col", class: "num", text: metricLabel(field) }));
    head.append(h("th", { scope: "col", text: "Active" }));
    table.append(h("thead", {}, head));
    const body = h("tbody");
    cards.forEach((card, i) => {
      const tr = h("tr", { "data-key": card.partner_id });
      tr.append(h("td", { class: "num", text: String(i + 1) }), h("th", { scope: "row", text: card.partner_id }));
      tr.append(h("td", { class: "num", "data-field": "score", "data-value": card.score, text: card.score }));
      for (const field of RANKING_COLUMNS) {
        const raw = card[field];
        tr.append(h("td", { class: "num", "data-field": field, "data-value": raw ?? "", text: metricText(metricKind(field), raw) }));
      }
      tr.append(h("td", { "data-field": "active", "data-value": String(card.active), text: card.active ? "Yes" : "No" }));
      body.append(tr);
    });
    table.append(body);
    return table;
  }

  function scorecardTable(card, id) {
    const table = h("table", { class: "figures scorecard", id });
    table.append(h("caption", { text: `${card.partner_id}: score ${card.score} of 100 (${card.currency || "no currency"})` }));
    table.append(h("thead", {}, h("tr", {}, ...["Metric", "Partner", "Peer median", "Percentile"].map((x) => h("th", { scope: "col", text: x })))));
    const body = h("tbody");
    for (const [field, label, kind] of SCORE_METRICS) {
      const peer = card.peer[field] || {};
      const better = peer.percentile !== null && peer.percentile !== undefined && Number(peer.percentile) >= 50;
      const tr = h("tr", { "data-key": field, class: peer.percentile == null ? null : better ? "above" : "below" });
      tr.append(
        h("th", { scope: "row", text: label }),
        h("td", { class: "num", "data-field": "value", "data-value": card[field] ?? "", text: metricText(kind, card[field]) }),
        h("td", { class: "num", "data-field": "median", "data-value": peer.median ?? "", text: metricText(kind === "count" ? "number" : kind, peer.median) }),
        h("td", { class: "num", "data-field": "percentile", "data-value": peer.percentile ?? "", text: peer.percentile ?? "—" }),
      );
      body.append(tr);
    }
    table.append(body);
    return table;
  }

  function renderScorecard() {
    const id = $("scorecard-partner").value;
    const card = state.scorecards.find((c) => c.partner_id === id);
    $("scorecard-card").replaceChildren(card ? scorecardTable(card, "scorecard-figures") : h("p", { class: "muted", text: "No partner." }));
  }

  function activityChart(trend) {
    const width = 420, height = 160, bar = 22, max = Math.max(1, ...trend.map((t) => t.enrolled));
    const svg = s("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-labelledby": "activity-h" });
    trend.forEach((t, i) => {
      const x = 30 + i * 100;
      const g = s("g", { class: "activity", "data-key": t.period });
      ["enrolled", "active", "producing"].forEach((field, j) => {
        const tall = Math.round((t[field] / max) * 110);
        g.append(s("rect", { class: `bar ${PALETTE[field]}`, "data-field": field, x: x + j * bar, y: 125 - tall, width: bar - 4, height: tall }, s("title", { text: `${t.period} ${field}: ${t[field]}` })));
      });
      g.append(s("text", { x: x + bar * 1.5, y: 145, "text-anchor": "middle", text: t.period }));
      svg.append(g);
    });
    return svg;
  }

  function activityTable(trend) {
    const cols = [["enrolled", "Enrolled"], ["active", "Active"], ["producing", "Producing"], ["newly_active", "Newly active"], ["lapsed", "Lapsed"], ["attrition_rate", "Attrition"]];
    const table = h("table", { class: "figures", id: "activity-figures" }, h("caption", { text: "Partner activity" }));
    table.append(h("thead", {}, h("tr", {}, h("th", { scope: "col", text: "Quarter" }), ...cols.map(([, l]) => h("th", { scope: "col", class: "num", text: l })))));
    const body = h("tbody");
    for (const t of trend) {
      const tr = h("tr", { "data-key": t.period }, h("th", { scope: "row", text: t.period }));
      for (const [field] of cols) tr.append(h("td", { class: "num", "data-field": field, "data-value": t[field] ?? "", text: field === "attrition_rate" ? percent(t[field]) : String(t[field]) }));
      body.append(tr);
    }
    table.append(body);
    return table;
  }

  async function loadScorecards(generation) {
    const status = $("scorecards-status");
    status.textContent = "Loading scorecards…";
    delete $("scorecards").dataset.state;
    const q = `vendor_id=${encodeURIComponent(state.vendor)}&period=${encodeURIComponent(state.period)}`;
    try {
      const [cards, activity] = await Promise.all([
        allPages(CONFIG.pipelineUrl, `/v1/scorecards?${q}&sort=score&limit=${PAGE_LIMIT}`),
        api(CONFIG.pipelineUrl, `/v1/vendors/${encodeURIComponent(state.vendor)}/partner-activity?period=${encodeURIComponent(state.period)}`),
      ]);
      if (generation !== state.loading) return;
      state.scorecards = cards;
      $("scorecards-table").replaceChildren(scorecardRanking(cards));
      const select = $("scorecard-partner");
      select.replaceChildren(...cards.map((c) => h("option", { value: c.partner_id, text: `${c.partner_id} (${c.score})` })));
      renderScorecard();
      $("activity-chart").replaceChildren(legend([["enrolled", "Enrolled"], ["active", "Active"], ["producing", "Producing"]]), activityChart(activity.trend));
      $("activity-table").replaceChildren(activityTable(activity.trend));
      status.textContent = `${cards.length} partners; ${activity.active} active, ${activity.producing} producing, ${activity.lapsed} lapsed this quarter.`;
      $("scorecards").dataset.state = "ready";
    } catch (err) {
      if (generation !== state.loading) return;
      status.textContent = explain(err);
    }
  }

  // ---------- QBR export: one printed page per partner ----------

  function qbrPage(row) {
    const risky = isAtRisk(row);
    const page = h("section", { class: "qbr-page", "data-key": keyText(row.key) });
    page.append(h("h1", { text: `Quarterly business review: ${keyText(row.key)}` }));
    page.append(h("p", { class: "muted", text: `Vendor ${state.vendor} · ${state.period} · figures as of ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC` }));
    const dl = h("dl", { class: "qbr-figures" });
    const add = (label, value) => dl.append(h("div", {}, h("dt", { text: label }), h("dd", { text: value })));
    add("Plan", money(row.plan));
    add("Closed-won", money(row.closed_won));
    add("Performance to plan", percent(row.performance_to_plan));
    add("Pipeline / target", `${money(row.pipeline_total)} / ${money(row.pipeline_target)}`);
    add("Risk-adjusted pipeline / target", `${money(row.risk_adjusted_pipeline)} / ${money(row.risk_adjusted_target)}`);
    add("Coverage", `${percent(row.coverage)}${risky ? " (at risk)" : ""}`);
    add("Deals open / won / lost", `${row.open_deals ?? 0} / ${row.won_deals ?? 0} / ${row.lost_deals ?? 0}`);
    add("Win rate", percent(row.win_rate));
    add("Rewards (net, this quarter)", formatCents(state.rewardsByPartner.get(row.key) ?? 0n));
    page.append(dl);
    const series = [...seriesFor("total"), ...seriesFor("risk").slice(2)];
    page.append(
      legend(series),
      barChart({
        rows: [row],
        series,
        label: (r) => keyText(r.key),
        title: "Plan, performance and pipeline",
        description: "Plan, closed-won, pipeline, pipeline target, risk-adjusted pipeline and target.",
        valueText: money,
      }),
    );
    const reps = state.repsByPartner.get(row.key) || [];
    if (reps.length) {
      const t = h("table", { class: "figures" }, h("caption", { text: "Rep rewards" }));
      t.append(h("thead", {}, h("tr", {}, ...["Rep", "Earned", "Paid", "Unpaid"].map((x) => h("th", { scope: "col", text: x })))));
      const tb = h("tbody");
      for (const r of reps) tb.append(h("tr", {}, h("th", { scope: "row", text: r.rep_id }), h("td", { text: money(r.earned) }), h("td", { text: money(r.paid) }), h("td", { text: money(r.unpaid) })));
      t.append(tb);
      page.append(t);
    }
    return page;
  }

  // The partner's scorecard on a page of its own, after its summary (none while scorecards are not loaded).
  function qbrScorecardPage(row) {
    const card = state.scorecards.find((c) => c.partner_id === row.key);
    if (!card) return null;
    const page = h("section", { class: "qbr-page qbr-scorecard", "data-key": keyText(row.key) });
    page.append(h("h1", { text: `Scorecard: ${keyText(row.key)}` }));
    page.append(h("p", { class: "muted", text: `Vendor ${state.vendor} · ${state.period} · against the peer median of the vendor's partners (percentile 100: best)` }));
    page.append(scorecardTable(card, null));
    return page;
  }

  function exportQbr() {
    const rows = [...state.partners].sort((a, b) => keyText(a.key).localeCompare(keyText(b.key)));
    const pages = rows.flatMap((row) => [qbrPage(row), qbrScorecardPage(row)].filter(Boolean));
    $("qbr").replaceChildren(...pages);
    $("qbr").dataset.pages = String(pages.length);
    window.print();
  }

  // ---------- loading ----------

  async function load() {
    state.loading += 1;
    const generation = state.loading;
    const started = performance.now();
    $("main").setAttribute("aria-busy", "true");
    setStatus(`Loading ${state.vendor} ${state.period}…`);
    const q = `vendor_id=${encodeURIComponent(state.vendor)}&period=${encodeURIComponent(state.period)}&limit=${PAGE_LIMIT}`;
    try {
      const [partners, territory, tier, policy] = await Promise.all([
        allPages(CONFIG.pipelineUrl, `/v1/rollups?${q}&by=partner`),
        allPages(CONFIG.pipelineUrl, `/v1/rollups?${q}&by=territory`),
        allPages(CONFIG.pipelineUrl, `/v1/rollups?${q}&by=tier`),
        api(CONFIG.pipelineUrl, `/v1/vendors/${encodeURIComponent(state.vendor)}/pipeline-policy`).catch(() => null),
      ]);
      if (generation !== state.loading) return;
      const fetched = performance.now();
      Object.assign(state, { partners, territory, tier });
      state.thresholdText = policy?.at_risk_threshold ?? "0.80";
      state.threshold = Number(state.thresholdText);
      renderAll();
      const rendered = performance.now();
      window.dashboardTimings = {
        sincePageStartMs: Math.round(rendered),
        fetchMs: Math.round(fetched - started),
        renderMs: Math.round(rendered - fetched),
        totalMs: Math.round(rendered - started),
        partners: partners.length,
      };
      $("main").removeAttribute("aria-busy");
      $("main").dataset.state = "ready";
      $("export").disabled = false;
      setStatus(`${partners.length} partners, ${partners.filter(isAtRisk).length} at risk · loaded in ${Math.round(rendered - started)} ms`);
    } catch (err) {
      if (generation !== state.loading) return;
      $("main").removeAttribute("aria-busy");
      // Never leave another token's (or vendor's) figures on screen under an error.
      $("main").hidden = true;
      delete $("main").dataset.state;
      $("export").disabled = true;
      setStatus(explain(err), true);
      return;
    }
    loadRewards(generation);
    loadScorecards(generation);
  }

  function jwtClaims(token) {
    try {
      const part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
      return JSON.parse(atob(part.padEnd(part.length + ((4 - (part.length % 4)) % 4), "=")));
    } catch (_) {
      return {};
    }
  }

  function start() {
    const token = sessionStorage.getItem(STORE.token) || "";
    $("token").value = token;
    $("vendor").value = sessionStorage.getItem(STORE.vendor) || jwtClaims(token).vendor_id || "";
    $("period").value = sessionStorage.getItem(STORE.period) || CONFIG.defaultPeriod;
    // A vendor token names its vendor: offer it while the field is still empty.
    $("token").addEventListener("input", () => {
      const vendor = jwtClaims($("token").value.trim()).vendor_id;
      if (vendor && !$("vendor").value) $("vendor").value = vendor;
    });
    $("connect").addEventListener("submit", (event) => {
      event.preventDefault();
      state.token = $("token").value.trim();
      state.vendor = $("vendor").value.trim();
      state.period = $("period").value.trim().toUpperCase();
      sessionStorage.setItem(STORE.token, state.token);
      sessionStorage.setItem(STORE.vendor, state.vendor);
      sessionStorage.setItem(STORE.period, state.period);
      load();
    });
    $("forget").addEventListener("click", () => {
      sessionStorage.removeItem(STORE.token);
      $("token").value = "";
      state.token = "";
      setStatus("Token forgotten.");
      $("token").focus();
    });
    $("export").addEventListener("click", exportQbr);
    $("scorecard-partner").addEventListener("change", renderScorecard);
    for (const id of ["sort", "rows", "only-risk"]) $(id).addEventListener("change", renderPartners);
    for (const radio of document.querySelectorAll('input[name="basis"]')) radio.addEventListener("change", renderPartners);
    if (token && $("vendor").value && $("period").checkValidity()) $("connect").requestSubmit();
    else setStatus("Paste a token, choose a vendor and a quarter, then press Show.");
  }

  start();
})();
