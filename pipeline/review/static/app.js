// cables review: the pages (list, queue, cable, agreement, retrain, export). Plain JS, no build step.
"use strict";
const TOKEN = document.querySelector('meta[name="review-token"]').content;
const REVIEWER = localStorage.getItem("reviewer") || document.querySelector('meta[name="reviewer"]').content;
const LEVELS = ["U", "SBU", "C", "S", "TS"];

function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v; else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const k of kids) if (k !== null && k !== undefined) e.append(k instanceof Node ? k : String(k));
  return e;
}
async function getJSON(url) {
  const r = await fetch(url, {headers: {"Accept": "application/json"}});
  if (!r.ok) throw new Error(url + ": " + r.status);
  return r.json();
}
function whoami() {
  const w = document.getElementById("who");
  w.append("Reviewer: ", el("input", {id: "reviewer", value: REVIEWER, size: 12,
    onchange: (e) => { localStorage.setItem("reviewer", e.target.value.trim()); location.reload(); }}));
}

// ---- cable list ----
async function listPage() {
  const meta = await getJSON("/api/meta");
  const sel = document.getElementById("f-label");
  for (const l of LEVELS.concat(meta.entity_labels)) sel.append(el("option", {}, l));
  for (const t of meta.tags) document.getElementById("tags").append(el("option", {value: t}));
  for (const o of meta.origins) document.getElementById("origins").append(el("option", {value: o}));
  const form = document.getElementById("filters");
  const params = new URLSearchParams(location.search);
  for (const [k, v] of params) { const i = form.elements[k]; if (i) { if (i.type === "checkbox") i.checked = true; else i.value = v; } }
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const p = new URLSearchParams();
    for (const [k, v] of new FormData(form)) if (v) p.set(k, v);
    history.replaceState(null, "", "?" + p); loadList(p);
  });
  loadList(params);
}
async function loadList(params) {
  params = new URLSearchParams(params); params.set("reviewer", REVIEWER);
  const data = await getJSON("/api/cables?" + params);
  document.getElementById("count").textContent = `${data.cables.length} of ${data.total} cables`;
  const tb = document.querySelector("#cables tbody"); tb.replaceChildren();
  for (const c of data.cables) {
    tb.append(el("tr", {"data-cable": c.cable_id},
      el("td", {}, el("a", {href: "/cable/" + encodeURIComponent(c.cable_id)}, c.cable_id)),
      el("td", {}, (c.date || "").slice(0, 10)), el("td", {}, c.origin || ""), el("td", {}, c.classification || ""),
      el("td", {}, c.tags.join(" ")), el("td", {}, c.subject || ""), el("td", {}, c.paragraphs), el("td", {}, c.entities),
      el("td", {}, c.commitment), el("td", {}, c.doubt), el("td", {}, c.low_confidence),
      el("td", {}, `${c.mismatch_above}/${c.mismatch_below}`), el("td", {}, `${c.reviewed}/${c.paragraphs}`)));
  }
}

// ---- queue ----
async function queuePage() {
  const data = await getJSON("/api/queue?limit=200&reviewer=" + encodeURIComponent(REVIEWER));
  document.getElementById("count").textContent = `${data.pending} paragraphs pending`;
  const tb = document.querySelector("#queue tbody");
  data.items.forEach((it, n) => {
    const t = it.by_task;
    tb.append(el("tr", {},
      el("td", {}, n + 1),
      el("td", {}, el("a", {href: `/cable/${encodeURIComponent(it.cable_id)}#p${it.index}`}, `${it.cable_id} ¶${it.number || it.index}`)),
      el("td", {}, it.uncertainty.toFixed(3)),
      el("td", {}, ["commitment", "doubt", "sensitivity"].map(k => t[k] === undefined ? "-" : t[k].toFixed(2)).join(" / ")),
      el("td", {}, it.decided.join(", ")), el("td", {}, it.text)));
  });
}

// ---- one cable ----
let CABLE = null, CUR = 0;
const DECISIONS = {};  // paragraph_id -> label -> decision

function highlighted(text, ents) {
  const box = el("div", {class: "text"}); let at = 0;
  for (const e of [...ents].sort((a, b) => a.start - b.start)) {
    if (e.start < at) continue;
    box.append(text.slice(at, e.start));
    box.append(el("mark", {class: "ent " + e.label, title: e.label}, text.slice(e.start, e.end), el("span", {class: "lbl"}, e.label)));
    at = e.end;
  }
  box.append(text.slice(at));
  return box;
}
function fmtPred(task, pr) {
  if (!pr) return "-";
  if (task === "sensitivity") {
    const s = pr.scores || {};
    return `${pr.label} (` + Object.keys(s).map(k => `${k} ${s[k].toFixed(2)}`).join(", ") + ")";
  }
  return `${pr.label ? 1 : 0} (p=${pr.score.toFixed(2)})`;
}
function predValue(task, pr) {
  if (!pr) return null;
  return task === "sensitivity" ? pr.label : (pr.label ? 1 : 0);
}
function renderDecision(p, task) {
  const box = document.querySelector(`[data-pid="${CSS.escape(p.id)}"] [data-dec="${task}"]`);
  const d = (DECISIONS[p.id] || {})[task];
  box.textContent = ""; box.className = "dec";
  if (!d) return;
  const pred = predValue(task, (p.predictions || {})[task]);
  const v = d.value === null ? "null" : d.value;
  box.textContent = task.endsWith("_holder") ? `✓ ${v}` : (d.value === pred ? `✓ accepted ${v}` : `✎ corrected → ${v}`);
  if (!task.endsWith("_holder") && d.value !== pred) box.classList.add("corrected");
}
function setStatus(msg) { document.getElementById("status").textContent = msg; }
async function decide(p, label, value) {
  const r = await fetch("/api/decisions", {
    method: "POST", headers: {"Content-Type": "application/json", "X-Review-Token": TOKEN},
    body: JSON.stringify({paragraph_id: p.id, label, value, reviewer: REVIEWER}),
  });
  if (!r.ok) { setStatus(`not saved: ${r.status} ${await r.text()}`); return; }
  const d = await r.json();
  (DECISIONS[p.id] = DECISIONS[p.id] || {})[label] = d;
  renderDecision(p, label);
  setStatus(`saved ${label}=${value} for ¶${p.number || p.index}`);
}
function predBox(p, task) {
  const pr = (p.predictions || {})[task];
  const btns = task === "sensitivity"
    ? LEVELS.map(l => el("button", {type: "button", onclick: () => decide(p, task, l)}, l))
    : [0, 1].map(v => el("button", {type: "button", onclick: () => decide(p, task, v)}, v));
  return el("div", {class: "pred", "data-task": task},
    el("b", {}, task), " ", fmtPred(task, pr), " ",
    el("button", {type: "button", title: "accept", onclick: () => decide(p, task, predValue(task, pr))}, "✓"), ...btns,
    " ", el("span", {class: "dec", "data-dec": task}));
}
function holderBox(p, label) {
  return el("div", {class: "pred"}, el("b", {}, label.replace("_", " ")), " ",
    el("button", {type: "button", onclick: () => askHolder(p, label)}, "set…"), " ", el("span", {class: "dec", "data-dec": label}));
}
function askHolder(p, label) {
  const cur = ((DECISIONS[p.id] || {})[label] || {}).value || "";
  const v = prompt(`${label} (empty for none)`, cur);
  if (v !== null) decide(p, label, v.trim() || null);
}
function renderHeader(rec) {
  const h = rec.header || {}, a = document.getElementById("header");
  const row = (k, v) => v ? a.append(el("div", {}, el("b", {}, k + ": "), Array.isArray(v) ? v.join(", ") : v)) : null;
  row("Cable", rec.cable_id); row("Date", h.date); row("DTG", h.dtg); row("Precedence", h.precedence);
  row("From", h.origin); row("To", h.to); row("Info", h.info);
  row("Classification", h.classification && (h.classification.raw || h.classification.level));
  row("TAGS", h.tags); row("E.O.", h.eo && h.eo.raw); row("Classified by", h.classified_by && h.classified_by.raw);
  row("Signer", h.signer); row("Model", Object.entries((rec.provenance || {}).models || {}).map(([k, m]) => `${k}: ${m.version}`));
}
function focusPara(i, scroll = true) {
  const ps = document.querySelectorAll(".para"); if (!ps.length) return;
  CUR = Math.max(0, Math.min(ps.length - 1, i));
  ps.forEach((e, n) => e.classList.toggle("current", n === CUR));
  if (scroll) ps[CUR].scrollIntoView({block: "nearest"});
}
async function cablePage() {
  const id = decodeURIComponent(location.pathname.split("/").pop());
  const data = await getJSON(`/api/cables/${encodeURIComponent(id)}?reviewer=${encodeURIComponent(REVIEWER)}`);
  CABLE = data.record; document.title = CABLE.cable_id + " · cables review";
  document.getElementById("subject").textContent = `${CABLE.cable_id}: ${(CABLE.header || {}).subject || ""}`;
  renderHeader(CABLE);
  for (const d of data.decisions) (DECISIONS[d.paragraph_id] = DECISIONS[d.paragraph_id] || {})[d.label] = d;
  const box = document.getElementById("paras");
  CABLE.paragraphs.forEach((p, n) => {
    const sc = data.scores[p.id] || {};
    const meta = el("div", {class: "meta"}, `¶${p.number || p.index}`,
      p.heading ? ` · heading: ${p.heading}` : "", ` · marking: ${p.marking || "none"}`,
      p.caveats && p.caveats.length ? ` (${p.caveats.join(", ")})` : "",
      sc.mismatch ? el("span", {class: "mismatch"}, ` · predicted ${sc.mismatch} marking`) : "");
    const div = el("div", {class: "para", id: "p" + p.index, "data-pid": p.id, onclick: () => focusPara(n, false)},
      meta, highlighted(p.text || "", p.entities || []),
      el("div", {class: "preds"}, ...["commitment", "doubt", "sensitivity"].map(t => predBox(p, t)),
        holderBox(p, "commitment_holder"), holderBox(p, "doubt_holder")));
    box.append(div);
    for (const t of ["commitment", "doubt", "sensitivity", "commitment_holder", "doubt_holder"]) renderDecision(p, t);
  });
  const m = /^#p(\d+)$/.exec(location.hash);
  focusPara(m ? CABLE.paragraphs.findIndex(p => String(p.index) === m[1]) : 0);
  document.addEventListener("keydown", onKey);
  document.body.dataset.ready = "1";
}
function onKey(e) {
  if (e.target.tagName === "INPUT" || e.ctrlKey || e.metaKey || e.altKey) return;
  const p = CABLE.paragraphs[CUR]; if (!p) return;
  const pr = p.predictions || {};
  const act = {
    j: () => focusPara(CUR + 1), k: () => focusPara(CUR - 1),
    a: () => ["commitment", "doubt", "sensitivity"].forEach(t => decide(p, t, predValue(t, pr[t]))),
    c: () => decide(p, "commitment", 1), x: () => decide(p, "commitment", 0),
    d: () => decide(p, "doubt", 1), f: () => decide(p, "doubt", 0),
    h: () => askHolder(p, "commitment_holder"), g: () => askHolder(p, "doubt_holder"),
  }[e.key];
  const lvl = "12345".indexOf(e.key);
  if (act) { e.preventDefault(); act(); }
  else if (lvl >= 0) { e.preventDefault(); decide(p, "sensitivity", LEVELS[lvl]); }
}

// ---- agreement between two reviewers ----
async function agreementPage() {
  const names = (await getJSON("/api/reviewers")).reviewers;
  const form = document.getElementById("pair");
  for (const s of form.querySelectorAll("select")) for (const n of names) s.append(el("option", {}, n));
  if (names.length > 1) form.elements.b.value = names[1];
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const a = form.elements.a.value, b = form.elements.b.value;
    const g = await getJSON(`/api/agreement?a=${encodeURIComponent(a)}&b=${encodeURIComponent(b)}`);
    const kt = document.querySelector("#kappa tbody"); kt.replaceChildren();
    for (const [lab, r] of Object.entries(g.labels))
      kt.append(el("tr", {}, el("td", {}, lab), el("td", {}, r.n), el("td", {}, r.agree), el("td", {}, r.kappa === null ? "-" : r.kappa.toFixed(3))));
    const dt = document.querySelector("#dis tbody"); dt.replaceChildren();
    for (const d of g.disagreements) {
      const idx = d.paragraph_id.split("/").pop();
      dt.append(el("tr", {}, el("td", {}, el("a", {href: `/cable/${encodeURIComponent(d.cable_id)}#p${idx}`}, d.paragraph_id)),
        el("td", {}, d.label), el("td", {}, String(d[a])), el("td", {}, String(d[b]))));
    }
  });
}

async function postJSON(url, body) {
  const r = await fetch(url, {method: "POST", body: JSON.stringify(body),
    headers: {"Content-Type": "application/json", "X-Review-Token": TOKEN}});
  const data = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error(data.detail || (url + ": " + r.status));
  return data;
}

// ---- retrain and promote ----
function f4(x) { return (x === null || x === undefined) ? "-" : Number(x).toFixed(3); }
function cmpTable(res) {
  const nw = (res.new.results || {}).ours || {}, cur = (res.current.results || {}).ours || {};
  const labels = Object.keys(nw.per_label || {});
  const t = el("table", {class: "cmp"}, el("thead", {}, el("tr", {}, el("th", {}, "label"),
    el("th", {class: "num"}, `F1 new ${res.version}`), el("th", {class: "num"}, `F1 current ${res.current_version || "-"}`),
    el("th", {class: "num"}, "support (new eval)"))));
  const body = el("tbody");
  const row = (name, a, b, n) => {
    const cls = (a !== undefined && b !== undefined && b !== null) ? (a > b ? "better" : a < b ? "worse" : "") : "";
    body.append(el("tr", {}, el("td", {}, name), el("td", {class: "num " + cls}, f4(a)), el("td", {class: "num"}, f4(b)), el("td", {class: "num"}, n ?? "")));
  };
  for (const l of labels) row(l, nw.per_label[l].f1, ((cur.per_label || {})[l] || {}).f1, nw.per_label[l].support);
  row("macro-F1", nw.macro_f1, cur.macro_f1, nw.n);
  t.append(body);
  return t;
}
function resultCard(job, res) {
  const p = res.promotion || {};
  const same = p.current === null || p.current === undefined ? "no current default"
    : `${p.metric} on the same ${p.n_dev} dev paragraphs: new ${f4(p.new)} vs current ${res.current_version} ${f4(p.current)}`;
  const card = el("div", {class: "card", "data-task": res.task},
    el("h3", {}, `${res.task}: new ${res.version}`),
    el("p", {class: res.recommended ? "better" : "worse"}, same, " — ", p.reason || ""),
    cmpTable(res),
    el("p", {class: "note"}, `New: ${res.new.eval_name || ""}. Current (from its model card): ${res.current.eval_name || "-"}. `,
      `${res.train_n ?? "?"} training paragraphs, ${res.train_seconds ?? "?"} s.`));
  if (res.promoted) card.append(el("p", {class: "better promoted"}, `${res.version} is now the default.`));
  else card.append(el("button", {class: "promote", onclick: async (e) => {
      const force = !res.recommended;
      if (force && !confirm(`${res.task} ${res.version} scores worse on dev than the default. Promote anyway?`)) return;
      e.target.disabled = true;
      try { await postJSON("/api/retrain/promote", {job: job.id, task: res.task, force}); }
      catch (err) { alert(err.message); }
      await showRetrain();
    }}, `Promote ${res.version} to default`));
  return card;
}
async function showRetrain() {
  const job = (await getJSON("/api/retrain")).job;
  const state = document.getElementById("state"), out = document.getElementById("results");
  document.getElementById("start").disabled = !!job && job.state === "running";
  if (!job) { state.textContent = "no retrain run yet"; return job; }
  state.textContent = `job ${job.id} (${job.tasks.join(", ")}): ${job.state}, ${job.elapsed_s} s` + (job.error ? ` — ${job.error}` : "");
  document.body.dataset.job = job.state;
  const d = job.data || {};
  document.getElementById("data").textContent = d.base_rows === undefined ? "" :
    `Training rows: ${d.base_rows} labelled, ${d.rows_added} reviewed paragraphs added, ${d.labels_corrected} labels corrected by reviews. ` +
    `Reviewed paragraphs by split: ${Object.entries(d.reviewed_by_split || {}).map(([k, v]) => `${k} ${v}`).join(", ")} ` +
    `(train: trained on; dev: scored on; test and none: not used).`;
  out.replaceChildren(...Object.values(job.results || {}).map(r => resultCard(job, r)));
  return job;
}
async function trainPage() {
  const form = document.getElementById("retrain");
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const tasks = [...form.querySelectorAll("input[name=task]:checked")].map(x => x.value);
    try { await postJSON("/api/retrain", {tasks}); } catch (err) { alert(err.message); }
    poll();
  });
  async function poll() {
    const job = await showRetrain();
    if (job && job.state === "running") setTimeout(poll, 2000);
  }
  await poll();
  document.body.dataset.ready = "1";
}

// ---- export and Label Studio import ----
async function exportPage() {
  const mine = document.getElementById("mine");
  const links = () => {
    for (const a of document.querySelectorAll("#formats a[data-fmt]"))
      a.href = `/api/export/${a.dataset.fmt}` + (mine.checked ? `?reviewer=${encodeURIComponent(REVIEWER)}` : "");
    document.getElementById("scope").textContent = mine.checked ? `reviewer ${REVIEWER}` : "all reviewers";
  };
  mine.addEventListener("change", links);
  document.getElementById("import").addEventListener("submit", async (e) => {
    e.preventDefault();
    const f = document.getElementById("lsfile").files[0];
    if (!f) return;
    const out = document.getElementById("imported");
    try {
      const r = await postJSON("/api/import/labelstudio", JSON.parse(await f.text()));
      out.textContent = `${r.added} decisions added` + (Object.keys(r.skipped).length ? `; skipped: ${JSON.stringify(r.skipped)}` : "");
    } catch (err) { out.textContent = "import failed: " + err.message; }
  });
  links();
  document.body.dataset.ready = "1";
}

whoami();
({list: listPage, queue: queuePage, cable: cablePage, agreement: agreementPage, train: trainPage, export: exportPage})[document.body.dataset.page]()
  .catch(err => { document.body.dataset.error = String(err); console.error(err); });
