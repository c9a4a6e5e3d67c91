// Switchboard chat UI: talks only to the gateway's public API (see /v1/switchboard/info, /v1/models,
// /v1/route, /v1/chat/completions, /v1/switchboard/stats). Markdown is always sanitised before it
// reaches the DOM; everything else is inserted as text.
import { marked } from '/webjars/marked/lib/marked.esm.js';

const KEY_STORAGE = 'switchboard.api-key';
const $ = (id) => document.getElementById(id);

const state = {
  info: null,
  models: [],
  busy: false,
  turns: 0,
};

// ---------- small DOM builder (text only; HTML goes through renderMarkdown) ----------
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'dataset') Object.assign(node.dataset, v);
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

// ---------- formatting ----------
const pct = (x) => (typeof x === 'number' ? `${Math.round(x * 100)}%` : '–');
const num2 = (x) => (typeof x === 'number' ? x.toFixed(2) : '–');
const signed = (x) => (typeof x === 'number' ? (x >= 0 ? '+' : '−') + Math.abs(x).toFixed(2) : '–');
function usd(x) {
  if (typeof x !== 'number') return '–';
  const a = Math.abs(x);
  if (a === 0) return '$0';
  if (a >= 1) return `$${x.toFixed(2)}`;
  if (a >= 0.01) return `$${x.toFixed(4).replace(/0{1,2}$/, '')}`;
  const small = String(Number(x.toPrecision(2)));
  return small.includes('e') ? `$${x.toExponential(1)}` : `$${small}`;
}
const ms = (x) => (typeof x === 'number' ? `${Math.round(x)} ms` : '–');
const typeLabel = (t) => (t || 'general').replaceAll('_', ' ');
const capitalise = (s) => s.charAt(0).toUpperCase() + s.slice(1);

// ---------- markdown ----------
marked.setOptions({ gfm: true, breaks: false });

function renderMarkdown(target, text) {
  const html = marked.parse(text || '');
  // DOMPurify and hljs are classic scripts loaded with defer, so they are ready before this module runs.
  target.innerHTML = window.DOMPurify.sanitize(html, { USE_PROFILES: { html: true } });
  if (window.hljs) {
    for (const block of target.querySelectorAll('pre code')) window.hljs.highlightElement(block);
  }
}

// ---------- API ----------
class ApiError extends Error {
  constructor(status, type, message, code) {
    super(message);
    this.status = status;
    this.type = type;
    this.code = code;
  }
}

function apiKey() {
  return sessionStorage.getItem(KEY_STORAGE);
}

function headers(json) {
  const h = {};
  if (json) h['Content-Type'] = 'application/json';
  const key = apiKey();
  if (key) h.Authorization = `Bearer ${key}`;
  return h;
}

async function errorFrom(response) {
  let body = null;
  try { body = await response.json(); } catch { /* not JSON */ }
  const e = body && body.error ? body.error : {};
  return new ApiError(response.status, e.type || `http_${response.status}`,
    e.message || `${response.status} ${response.statusText || 'error'}`, e.code);
}

/** fetch with the key; on 401 asks for a key once and retries. */
async function call(path, { method = 'GET', body, signal, requestId } = {}, retried = false) {
  const h = headers(body !== undefined);
  if (requestId) h['x-request-id'] = requestId;
  const response = await fetch(path, {
    method,
    headers: h,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal,
  });
  if (response.status === 401 && !retried) {
    const err = await errorFrom(response);
    sessionStorage.removeItem(KEY_STORAGE);
    await askForKey(err.message);
    return call(path, { method, body, signal, requestId }, true);
  }
  if (!response.ok) throw await errorFrom(response);
  return response;
}

const getJson = async (path) => (await call(path)).json();

// ---------- API key dialog ----------
let keyRequest = null;
function askForKey(reason) {
  if (keyRequest) return keyRequest;
  const dialog = $('key-dialog');
  $('key-error').textContent = reason && reason !== 'initial' ? reason : '';
  keyRequest = new Promise((resolve) => {
    const form = $('key-form');
    const submit = (event) => {
      event.preventDefault();
      const value = $('key-input').value.trim();
      if (!value) return;
      sessionStorage.setItem(KEY_STORAGE, value);
      form.removeEventListener('submit', submit);
      dialog.close();
      keyRequest = null;
      resolve(value);
    };
    form.addEventListener('submit', submit);
    dialog.addEventListener('cancel', (e) => e.preventDefault(), { once: true });
    $('key-input').value = '';
    dialog.showModal();
    $('key-input').focus();
  });
  return keyRequest;
}

// ---------- sidebar ----------
function renderInfo(info) {
  const r = info.routing || {};
  $('beta').textContent = num2(r.quality_weight);
  $('alpha').textContent = num2(r.cost_weight);
  $('default-threshold').textContent = num2(r.default_threshold);
  $('formula').replaceChildren(
    el('span', { class: 'var' }, 'U'), ' = ',
    el('strong', { title: 'β, quality weight' }, num2(r.quality_weight)), '·',
    el('span', { class: 'var' }, 'Q'), ' − ',
    el('strong', { title: 'α, cost weight' }, num2(r.cost_weight)), '·',
    el('span', { class: 'var' }, 'C'));
  $('formula').setAttribute('aria-label',
    `U equals ${num2(r.quality_weight)} times Q minus ${num2(r.cost_weight)} times C`);
  const rows = Object.entries(r.thresholds || {}).sort(([a], [b]) => a.localeCompare(b))
    .flatMap(([type, t]) => [el('dt', {}, typeLabel(type)), el('dd', {}, num2(t))]);
  $('thresholds').replaceChildren(...rows);
  $('version').textContent = info.version ? `Switchboard ${info.version}` : '';
}

function healthClass(h) {
  if (!h) return 'none';
  if (h === 'healthy') return 'ok';
  if (h === 'cooling-down' || h === 'half-open') return 'warn';
  return 'bad';
}

function renderModels(models) {
  // The registry lists models; names a router serves (switchboard/auto, chains, cascades) are not models.
  const chat = models.filter((m) => !m.switchboard || (m.switchboard.mode !== 'embedding' && m.switchboard.mode !== 'router'));
  chat.sort((a, b) => (a.switchboard?.tier ?? 99) - (b.switchboard?.tier ?? 99) || a.id.localeCompare(b.id));
  if (chat.length === 0) {
    $('registry').replaceChildren(el('li', { class: 'muted' }, 'No chat models configured.'));
    return;
  }
  $('registry').replaceChildren(...chat.map((m) => {
    const s = m.switchboard || {};
    const d = (s.deployments || [])[0] || {};
    const simulated = s.simulated || m.owned_by === 'switchboard-simulated';
    const health = s.health;
    return el('li', { class: 'model', dataset: { model: m.id } },
      el('div', { class: 'model-head' },
        s.tier !== undefined ? el('span', { class: 'tier', title: `Tier ${s.tier}` }, `T${s.tier}`) : null,
        el('span', { class: 'model-label' }, s.label || d.provider || m.owned_by),
        simulated ? el('span', { class: 'badge simulated', title: 'Answers come from a local simulation, not a real model' }, 'simulated') : null),
      el('div', { class: 'model-id' }, el('code', {}, m.id),
        d.provider ? el('span', { class: 'muted' }, ` · ${d.provider}`) : null),
      el('dl', { class: 'model-facts' },
        el('dt', {}, 'Price / 1M in · out'),
        el('dd', {}, s.price ? `${usd(s.price.input_per_million)} · ${usd(s.price.output_per_million)}` : '–'),
        el('dt', {}, 'Quality low · high'),
        el('dd', {}, s.quality ? `${pct(s.quality.low)} · ${pct(s.quality.high)}` : '–'),
        el('dt', {}, 'Health'),
        el('dd', {}, el('span', { class: `dot ${healthClass(health)}`, 'aria-hidden': 'true' }), ` ${health || 'not reported'}`)));
  }));
}

function renderStats(s) {
  $('stat-calls').textContent = String(s.calls ?? 0);
  $('stat-quality').textContent = typeof s.avg_quality === 'number'
    ? `${pct(s.avg_quality)}${s.rated ? ` (${s.rated} rated)` : ''}` : 'no ratings yet';
  $('stat-cost').textContent = usd(s.total_cost_usd ?? 0);
  const share = s.top_tier_cost_usd > 0 ? ` (${pct(s.savings_usd / s.top_tier_cost_usd)})` : '';
  $('stat-savings').textContent = `${usd(s.savings_usd ?? 0)}${share}`;
}

const STATS_POLL_MS = 10000;

async function refreshStats() {
  if (state.info && state.info.ledger === false) {
    $('stats-note').textContent = 'Stats come from the routing ledger, which is off (switchboard.ledger.store: none).';
    return;
  }
  try {
    renderStats(await getJson('/v1/switchboard/stats'));
    $('stats-note').textContent = '';
  } catch (e) {
    $('stats-note').textContent = `Stats unavailable: ${e.message}`;
  }
}

/** The ledger writes in batches, so a call shows up in the stats a moment after its answer. */
function refreshStatsSoon() {
  refreshStats();
  setTimeout(refreshStats, 1000);
}

async function refreshModels() {
  try {
    state.models = (await getJson('/v1/models')).data || [];
    renderModels(state.models);
  } catch (e) {
    $('registry').replaceChildren(el('li', { class: 'error-text' }, `Could not load models: ${e.message}`));
  }
}

function modelFor(part) {
  return state.models.find((m) => m.id === part.model)
    || state.models.find((m) => (m.switchboard?.deployments || [])
      .some((d) => d.id === part.deployment || d.model === part.model));
}

function tierOf(part) {
  const t = part.model_tier ?? modelFor(part)?.switchboard?.tier;
  return t === undefined ? null : `T${t}`;
}

// ---------- thread ----------
function scrollToEnd() {
  const thread = $('thread');
  thread.scrollTop = thread.scrollHeight;
}

function append(node) {
  $('empty')?.remove();
  $('thread').append(node);
  scrollToEnd();
  return node;
}

function errorCard(title, err) {
  const details = [];
  if (err instanceof ApiError) {
    details.push(el('p', {}, err.message));
    details.push(el('p', { class: 'muted' }, `HTTP ${err.status} · ${err.type}${err.code ? ` · ${err.code}` : ''}`));
  } else {
    details.push(el('p', {}, err && err.message ? err.message : String(err)));
  }
  return el('section', { class: 'card error-card', role: 'alert' },
    el('h3', {}, `⚠ ${title}`), ...details);
}

function routingCard(plan, { dryRun }) {
  const parts = plan.parts || [];
  const n = parts.length;
  const headline = n > 1 ? `${n} sub-tasks detected` : '1 task';
  const rows = parts.map((p) => {
    const tier = tierOf(p);
    const cands = (p.candidates || []).map((c) => el('tr', { class: c.chosen ? 'chosen' : '' },
      el('td', {}, el('code', {}, c.model), c.tier !== undefined ? ` T${c.tier}` : ''), el('td', {}, pct(c.quality)),
      el('td', {}, num2(c.cost)), el('td', {}, usd(c.expected_cost_usd)),
      el('td', {}, signed(c.utility)), el('td', {}, c.chosen ? 'chosen' : (c.reason || ''))));
    return el('li', { class: 'part', dataset: { partIndex: p.index } },
      el('details', {},
        el('summary', { title: p.reason || '' },
          el('span', { class: 'part-type' }, typeLabel(p.task_type)),
          tier ? el('span', { class: 'tier' }, tier) : null,
          el('code', { class: 'part-model' }, p.model || '–'),
          p.simulated ? el('span', { class: 'badge simulated' }, 'simulated') : null,
          el('span', { class: 'metrics' },
            el('span', { title: `complexity, tier ${p.tier || '–'}` },
              `complexity ${pct(p.complexity)}${p.tier ? ` (${String(p.tier).toLowerCase()})` : ''}`),
            el('span', { title: 'expected quality' }, `Q ${pct(p.quality)}`),
            el('span', { title: `normalised cost${p.cost_basis ? ` (${p.cost_basis})` : ''}` }, `C ${num2(p.cost)}`),
            el('span', { title: 'utility β·Q − α·C' }, `U ${signed(p.utility)}`),
            el('span', { title: 'quality threshold for this task type' }, `threshold ${num2(p.threshold)}`))),
        el('div', { class: 'part-body' },
          el('p', { class: 'part-text' }, el('span', { class: 'muted' }, 'Sub-task: '), p.text || ''),
          p.explanation ? el('p', { class: 'muted' }, `Split: ${p.explanation}`) : null,
          el('p', { class: 'reason' }, el('span', { class: 'muted' }, 'Why: '), p.reason || p.rationale || '–'),
          p.rationale && p.rationale !== p.reason ? el('p', { class: 'muted' }, p.rationale) : null,
          el('p', { class: 'muted' }, `Deployment ${p.deployment || '–'} · provider ${p.provider || '–'}`
            + ` · ~${p.token_estimate ?? '–'} tokens · est. ${usd(p.expected_cost_usd)}`
            + (p.depends_on !== null && p.depends_on !== undefined ? ` · depends on part ${p.depends_on + 1}` : '')),
          cands.length ? el('table', { class: 'candidates' },
            el('caption', { class: 'visually-hidden' }, 'Candidates considered'),
            el('thead', {}, el('tr', {}, ...['Model', 'Q', 'C', 'Est. cost', 'U', ''].map((h) => el('th', { scope: 'col' }, h)))),
            el('tbody', {}, ...cands)) : null)));
  });
  return el('section', { class: 'card routing-card', 'aria-label': 'Routing decision' },
    el('header', { class: 'card-head' },
      el('h3', {}, el('span', { class: 'subtask-count' }, headline)),
      el('span', { class: 'muted' }, plan.router ? `router: ${plan.router}` : ''),
      dryRun ? el('span', { class: 'badge dry' }, 'dry run — no model called') : null),
    plan.explanation ? el('p', { class: 'explanation' }, plan.explanation) : null,
    el('ol', { class: 'parts' }, ...rows));
}

function metaItem(name, value) {
  return el('span', { class: 'meta-item', dataset: { meta: name } }, el('span', { class: 'meta-label' }, `${name} `), value);
}

/** The response card: one tab per part plus a merged tab; text is streamed into it. */
class ResponseCard {
  constructor(plan, id, requestId) {
    this.id = id;
    this.requestId = requestId;
    this.plan = plan;
    this.parts = new Map(); // index -> {plan, text, result, tab, panel, body, meta}
    this.summary = null;
    this.tablist = el('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Answers' });
    this.panels = el('div', { class: 'panels' });
    this.node = el('section', { class: 'card response-card', 'aria-label': 'Response' }, this.tablist, this.panels);
    this.pending = false;
    this.panelOf = new Map(); // tab -> panel (the card may not be in the document yet)
    for (const p of plan.parts || []) this.ensurePart(p.index, p);
    this.merged = this.addTab('merged', 'Merged', true);
    this.select(this.tabs()[0]);
  }

  tabs() {
    return [...this.tablist.querySelectorAll('[role=tab]')];
  }

  addTab(key, label, isMerged = false) {
    const tabId = `${this.id}-tab-${key}`;
    const panelId = `${this.id}-panel-${key}`;
    const tab = el('button', {
      type: 'button', role: 'tab', id: tabId, 'aria-controls': panelId, 'aria-selected': 'false', tabindex: '-1',
      class: isMerged ? 'tab merged' : 'tab', dataset: { key },
      onclick: () => this.select(tab),
      onkeydown: (e) => this.onKey(e),
    }, label);
    const meta = el('p', { class: 'meta' }, el('span', { class: 'muted' }, 'waiting…'));
    const body = el('div', { class: 'markdown', 'aria-busy': 'true' });
    const panel = el('div', { role: 'tabpanel', id: panelId, 'aria-labelledby': tabId, class: 'panel', hidden: true, tabindex: '0' },
      meta, body);
    // keep the merged tab last
    const mergedTab = this.tablist.querySelector('.tab.merged');
    if (mergedTab && !isMerged) this.tablist.insertBefore(tab, mergedTab); else this.tablist.append(tab);
    this.panels.append(panel);
    this.panelOf.set(tab, panel);
    return { tab, panel, body, meta };
  }

  ensurePart(index, plan) {
    if (this.parts.has(index)) return this.parts.get(index);
    const p = plan || { index, task_type: 'answer' };
    const tier = tierOf(p);
    const label = `${tier ? `${tier} ` : ''}${typeLabel(p.task_type)}`;
    const entry = { plan: p, text: '', result: null, ...this.addTab(`part-${index}`, label) };
    this.parts.set(index, entry);
    return entry;
  }

  onKey(e) {
    const tabs = this.tabs();
    const i = tabs.indexOf(e.currentTarget);
    let next = null;
    if (e.key === 'ArrowRight') next = tabs[(i + 1) % tabs.length];
    else if (e.key === 'ArrowLeft') next = tabs[(i - 1 + tabs.length) % tabs.length];
    else if (e.key === 'Home') next = tabs[0];
    else if (e.key === 'End') next = tabs[tabs.length - 1];
    if (next) {
      e.preventDefault();
      this.select(next);
      next.focus();
    }
  }

  select(tab) {
    for (const t of this.tabs()) {
      const on = t === tab;
      t.setAttribute('aria-selected', String(on));
      t.tabIndex = on ? 0 : -1;
      this.panelOf.get(t).hidden = !on;
    }
  }

  delta(index, text) {
    const part = this.ensurePart(index);
    part.text += text;
    if (part.meta.querySelector('.muted')?.textContent === 'waiting…') part.meta.replaceChildren(el('span', { class: 'muted' }, 'streaming…'));
    this.schedule();
  }

  partDone(result) {
    const part = this.ensurePart(result.index, result);
    part.result = result;
    part.plan = { ...part.plan, ...result };
    part.tab.classList.toggle('failed', result.status === 'error');
    part.meta.replaceChildren(...this.metaFor(result));
    this.schedule();
  }

  textOf(index) {
    return this.parts.get(index)?.text ?? '';
  }

  failedParts() {
    return [...this.parts.values()].filter((p) => p.result?.status === 'error').map((p) => p.result);
  }

  finish(summary) {
    this.summary = summary || {};
    if (this.failedParts().length < this.parts.size) this.node.append(this.feedbackBar());
    this.schedule();
  }

  /** Ratings go to the ledger (POST /v1/feedback) and feed the average quality in the session stats. */
  feedbackBar() {
    const status = el('span', { class: 'muted', role: 'status' });
    const rate = async (thumbs, button) => {
      for (const b of bar.querySelectorAll('button')) { b.setAttribute('aria-pressed', String(b === button)); b.disabled = true; }
      try {
        await call('/v1/feedback', { method: 'POST', body: { request_id: this.requestId, thumbs } });
        status.textContent = 'Thanks — recorded.';
        refreshStatsSoon();
      } catch (e) {
        status.textContent = `Could not record the rating: ${e.message}`;
        for (const b of bar.querySelectorAll('button')) b.disabled = false;
      }
    };
    const up = el('button', { type: 'button', class: 'rate', 'aria-pressed': 'false', onclick: () => rate('up', up) }, 'Good answer');
    const down = el('button', { type: 'button', class: 'rate', 'aria-pressed': 'false', onclick: () => rate('down', down) }, 'Poor answer');
    const bar = el('div', { class: 'feedback', role: 'group', 'aria-label': 'Rate this answer' },
      el('span', { class: 'muted' }, 'Rate this answer:'), up, down, status);
    return bar;
  }

  metaFor(r) {
    const u = r.usage || {};
    const tokens = (u.prompt_tokens ?? null) !== null ? `${u.prompt_tokens} in → ${u.completion_tokens ?? 0} out` : null;
    const items = [
      ['provider', r.provider ? `${r.provider}${r.label ? ` · ${r.label}` : ''}${r.model ? ` · ${r.model}` : ''}` : null],
      ['latency', r.latency_ms !== undefined ? ms(r.latency_ms) : null],
      ['tokens', tokens],
      ['cost', r.cost_usd !== undefined ? usd(r.cost_usd) : null],
    ];
    const out = items.filter(([, v]) => v).map(([name, v]) => metaItem(name, v));
    if (r.fallbacks > 0 && r.answered_model) {
      out.push(metaItem('fallback', `answered by ${r.answered_model} after ${r.fallbacks} fallback${r.fallbacks === 1 ? '' : 's'}`));
    }
    if (r.status === 'error') out.push(el('span', { class: 'meta-item error-text' }, `failed: ${r.error?.type || 'error'}`));
    return out;
  }

  mergedText() {
    return [...this.parts.values()].sort((a, b) => a.plan.index - b.plan.index).map((p) => {
      const text = p.text.trim();
      if (this.parts.size === 1 || /^#{1,3} /.test(text)) return text;
      return `## ${capitalise(typeLabel(p.plan.task_type))} — ${p.plan.model || ''}\n\n${text}`;
    }).join('\n\n');
  }

  schedule() {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.render();
    });
  }

  render() {
    for (const p of this.parts.values()) {
      const failure = p.result?.status === 'error' ? `**This part failed:** ${p.result.error?.message || 'unknown error'}` : '';
      renderMarkdown(p.body, p.text || failure);
      p.body.setAttribute('aria-busy', String(!p.result));
    }
    renderMarkdown(this.merged.body, this.mergedText());
    if (this.summary) {
      this.merged.body.setAttribute('aria-busy', 'false');
      const tokens = [...this.parts.values()].reduce((sum, p) =>
        sum + (p.result?.usage?.prompt_tokens || 0) + (p.result?.usage?.completion_tokens || 0), 0);
      const s = this.summary;
      const saved = typeof s.top_tier_cost_usd === 'number' && typeof s.cost_usd === 'number'
        ? ` · top tier would cost ${usd(s.top_tier_cost_usd)}` : '';
      this.merged.meta.replaceChildren(
        metaItem('parts', String(this.parts.size)),
        metaItem('latency', ms(s.total_latency_ms)),
        metaItem('tokens', String(tokens)),
        metaItem('cost', `${usd(s.cost_usd)}${saved}`));
    }
    scrollToEnd();
  }
}

// ---------- SSE over fetch ----------
async function* sseEvents(response) {
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value.replaceAll('\r\n', '\n');
    let cut;
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const data = block.split('\n').filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).replace(/^ /, '')).join('\n');
      if (data) yield data;
    }
  }
}

// ---------- sending ----------
function setBusy(busy) {
  state.busy = busy;
  $('prompt').disabled = busy;
  $('send').disabled = busy;
  $('send').textContent = busy ? 'Working…' : 'Send';
  $('thread').setAttribute('aria-busy', String(busy));
  if (!busy) $('prompt').focus();
}

async function dryRun(prompt) {
  const plan = await (await call('/v1/route', { method: 'POST', body: { prompt } })).json();
  append(routingCard(plan, { dryRun: true }));
}

async function chat(prompt) {
  const model = state.info?.routing?.model || 'switchboard/auto';
  const requestId = crypto.randomUUID();
  const response = await call('/v1/chat/completions', {
    method: 'POST',
    requestId,
    body: { model, stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: prompt }] },
  });
  const turn = ++state.turns;
  let card = null;
  let done = false;
  const ensureCard = (plan) => {
    if (!card) {
      if (plan) append(routingCard(plan, { dryRun: false }));
      card = new ResponseCard(plan || { parts: [] }, `turn-${turn}`, requestId);
      append(card.node);
    }
    return card;
  };
  for await (const data of sseEvents(response)) {
    if (data === '[DONE]') { done = true; break; }
    let chunk;
    try { chunk = JSON.parse(data); } catch { continue; }
    if (chunk.error) {
      ensureCard(null);
      append(errorCard('The request failed while streaming', new ApiError(chunk.error.status || 502,
        chunk.error.type || 'api_error', chunk.error.message || 'upstream error', chunk.error.code)));
      return;
    }
    const ext = chunk.switchboard || {};
    if (ext.event === 'plan') ensureCard(ext);
    const c = ensureCard(null);
    // content chunks name their part; a part_done chunk may carry the part's last text (e.g. its failure note)
    const partIndex = ext.part ?? (ext.event === 'part_done' ? ext.index : undefined) ?? 0;
    for (const choice of chunk.choices || []) {
      const text = choice.delta?.content;
      if (!text) continue;
      // a closing note (e.g. "this part failed") starts its own paragraph even if the stream broke mid-line
      const cut = ext.event === 'part_done' && !/\n\n$|^$/.test(c.textOf(partIndex));
      c.delta(partIndex, cut && !text.startsWith('\n') ? `\n\n${text}` : text);
    }
    if (ext.event === 'part_done') c.partDone(ext);
    if (ext.event === 'summary') c.finish(ext);
  }
  if (!done) {
    append(errorCard('The answer stopped before it was complete', new Error('The stream ended without a final [DONE] event.')));
  } else if (card && !card.summary) {
    card.finish({});
  }
  const failed = card ? card.failedParts() : [];
  if (failed.length) {
    append(errorCard(`${failed.length} of ${card.parts.size} part${card.parts.size === 1 ? '' : 's'} failed`,
      new Error(failed.map((p) => `${capitalise(typeLabel(p.task_type))} (${p.model || 'no model'}): ${p.error?.message || 'failed'}`)
        .join(' — '))));
  }
}

async function send(prompt) {
  if (state.busy || !prompt.trim()) return;
  setBusy(true);
  append(el('div', { class: 'bubble user' }, el('span', { class: 'visually-hidden' }, 'You: '), prompt));
  const dry = $('dry-run').checked;
  try {
    if (dry) await dryRun(prompt); else await chat(prompt);
  } catch (err) {
    append(errorCard(dry ? 'Routing failed' : 'The request failed', err));
  } finally {
    setBusy(false);
    refreshStatsSoon();
    refreshModels();
  }
}

// ---------- wiring ----------
function wire() {
  const prompt = $('prompt');
  $('composer').addEventListener('submit', (e) => {
    e.preventDefault();
    const text = prompt.value;
    if (!text.trim()) return;
    prompt.value = '';
    send(text);
  });
  prompt.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      $('composer').requestSubmit();
    }
  });
  const toggle = $('sidebar-toggle');
  const setSidebar = (open) => {
    document.body.classList.toggle('sidebar-open', open);
    toggle.setAttribute('aria-expanded', String(open));
    if (open) $('sidebar-close').focus(); else toggle.focus();
  };
  toggle.addEventListener('click', () => setSidebar(true));
  $('sidebar-close').addEventListener('click', () => setSidebar(false));
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && document.body.classList.contains('sidebar-open')) setSidebar(false);
  });
}

async function start() {
  wire();
  try {
    const info = await (await fetch('/v1/switchboard/info')).json();
    state.info = info;
    renderInfo(info);
    if (info.auth_required && !apiKey()) await askForKey('initial');
  } catch (e) {
    append(errorCard('Could not read the gateway configuration', e));
  }
  await Promise.all([refreshModels(), refreshStats()]);
  setInterval(() => { if (!document.hidden && !state.busy) refreshStats(); }, STATS_POLL_MS);
  document.body.dataset.ready = 'true';
}

start();
