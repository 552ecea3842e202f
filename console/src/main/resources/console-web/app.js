// Sluice console: plain DOM, no framework, nothing loaded from elsewhere. Text goes in as text nodes,
// never as HTML: event payloads are whatever clients sent.
'use strict';

const MAX_ROWS = 500;
const $ = (sel) => document.querySelector(sel);

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v; else if (k.startsWith('data-')) e.setAttribute(k, v); else e[k] = v;
  }
  for (const c of children) e.append(c == null ? '' : c);
  return e;
}

async function api(path) {
  const r = await fetch(path, { credentials: 'same-origin' });
  if (r.status === 401) { location.href = '/login'; throw new Error('not logged in'); }
  if (!r.ok && r.status !== 404) throw new Error(path + ': ' + r.status);
  return r.json();
}

async function post(path, body) {
  const r = await fetch(path, { method: 'POST', credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  if (r.status === 401) { location.href = '/login'; throw new Error('not logged in'); }
  const answer = await r.json();
  if (!r.ok) throw new Error(answer.message || (path + ': ' + r.status));
  return answer;
}

function ms(v) { return v == null ? '' : (v < 1000 ? v + ' ms' : (v / 1000).toFixed(1) + ' s'); }

// One event's status in one sink group, as a sentence.
function statusText(s) {
  const why = s.code ? ': ' + s.code + (s.reason ? ' (' + s.reason + ')' : '') : '';
  switch (s.outcome) {
    case 'delivered': return 'delivered at ' + time(s.at) + ' (latency ' + ms(s.latencyMs) + ')';
    case 'retrying': return 'retrying (attempts ' + s.attempts + ', next try ' + time(s.nextAttemptAt) + ')' + why;
    case 'parked': return 'parked (due ' + time(s.nextAttemptAt) + ', attempts ' + s.attempts + ')' + why;
    case 'discarded': return 'discarded' + why;
    case 'dead_lettered': return 'dead-lettered after ' + s.attempts + ' attempts' + why;
    default: return s.outcome + why;
  }
}

function time(iso) { return iso ? iso.replace('T', ' ').replace('Z', '') : ''; }

function eventRow(e) {
  const tr = el('tr', { class: e.status, 'data-id': e.id, 'data-message-id': e.messageId || '' },
    el('td', {}, time(e.time)), el('td', {}, e.status === 'rejected' ? 'rejected: ' + e.reasonCode : 'routed'),
    el('td', {}, e.projectId), el('td', {}, e.type), el('td', {}, e.name),
    el('td', {}, e.userId || e.anonymousId), el('td', {}, e.messageId));
  tr.addEventListener('click', () => showDetail(e.id));
  return tr;
}

// ---- Live -------------------------------------------------------------------------------------
const live = { source: null, paused: false, held: [], shown: new Set() };

function liveParams() {
  const p = new URLSearchParams();
  for (const [k, v] of new FormData($('#live-filter'))) if (v) p.set(k, v);
  return p;
}

function addLive(e, atTop) {
  if (live.shown.has(e.id)) return;
  live.shown.add(e.id);
  const body = $('#live-table tbody');
  const row = eventRow(e);
  if (atTop) body.prepend(row); else body.append(row);
  while (body.rows.length > MAX_ROWS) {
    live.shown.delete(body.lastElementChild.dataset.id);
    body.lastElementChild.remove();
  }
}

function setLiveStatus() {
  $('#live-status').textContent = live.paused
    ? 'paused' + (live.held.length ? ', ' + live.held.length + ' new' : '')
    : (live.source && live.source.readyState === EventSource.OPEN ? 'live' : 'connecting…');
  $('#pause').textContent = live.paused ? 'Resume' : 'Pause';
}

function startLive() {
  if (live.source) live.source.close();
  $('#live-table tbody').replaceChildren();
  live.shown.clear();
  live.held = [];
  const params = liveParams();
  let loaded = false;
  const early = [];
  live.source = new EventSource('/api/live?' + params);
  live.source.addEventListener('ready', async () => {
    setLiveStatus();
    if (loaded) return;
    params.set('limit', '200');
    const list = await api('/api/events?' + params);
    for (const e of list.events) addLive(e, false);
    loaded = true;
    for (const e of early) addLive(e, true);
    early.length = 0;
  });
  live.source.addEventListener('event', (m) => {
    const e = JSON.parse(m.data);
    if (!loaded) early.push(e);
    else if (live.paused) { live.held.push(e); if (live.held.length > MAX_ROWS) live.held.shift(); }
    else addLive(e, true);
    setLiveStatus();
  });
  live.source.addEventListener('error', setLiveStatus);
  setLiveStatus();
}

$('#live-filter').addEventListener('submit', (ev) => { ev.preventDefault(); startLive(); });
$('#pause').addEventListener('click', () => {
  live.paused = !live.paused;
  if (!live.paused) { for (const e of live.held) addLive(e, true); live.held = []; }
  setLiveStatus();
});

// ---- Detail -----------------------------------------------------------------------------------
// Renders JSON as text, wrapping the values at the given dotted paths in <span class="enriched">.
function renderJsonAt(v, path, indent, marked) {
  if (v === null || typeof v !== 'object') return document.createTextNode(JSON.stringify(v));
  const frag = document.createDocumentFragment();
  const isArray = Array.isArray(v);
  const keys = isArray ? v.map((_, i) => i) : Object.keys(v);
  if (!keys.length) { frag.append(isArray ? '[]' : '{}'); return frag; }
  frag.append(isArray ? '[\n' : '{\n');
  keys.forEach((k, i) => {
    const p = isArray ? null : (path ? path + '.' + k : String(k));
    frag.append(' '.repeat(indent + 2));
    const content = document.createDocumentFragment();
    if (!isArray) content.append(JSON.stringify(k) + ': ');
    content.append(renderJsonAt(v[k], p, indent + 2, marked));
    if (p && marked.includes(p)) {
      const s = el('span', { class: 'enriched', 'data-path': p });
      s.append(content);
      frag.append(s);
    } else {
      frag.append(content);
    }
    frag.append((i < keys.length - 1 ? ',' : '') + '\n');
  });
  frag.append(' '.repeat(indent) + (isArray ? ']' : '}'));
  return frag;
}

async function showDetail(id) {
  const d = await api('/api/event?id=' + encodeURIComponent(id));
  if (d.code === 'not_found') { alert(d.message); return; }
  $('#detail-title').textContent = (d.type || 'event') + (d.name ? ' "' + d.name + '"' : '') + ' · ' + d.status;
  $('#detail-where').textContent = d.topic + ' partition ' + d.partition + ' offset ' + d.offset + ' · ' + time(d.time)
    + (d.failure ? ' · rejected by ' + d.failure.stage + ': ' + d.failure.code + ' (' + d.failure.reason + ')' : '');
  $('#detail-path').href = '#event/' + encodeURIComponent(d.messageId || '');
  $('#detail-stored').replaceChildren(d.stored != null ? renderJsonAt(d.stored, '', 0, d.enriched) : (d.storedText || ''));
  if (d.received) {
    $('#detail-received-note').textContent = 'From ingest.raw partition ' + d.received.partition + ' offset '
      + d.received.offset + ', received ' + time(d.received.receivedAt) + '.';
    $('#detail-received').replaceChildren(renderJsonAt(d.received.event, '', 0, []));
    $('#detail-received').hidden = false;
  } else {
    $('#detail-received-note').textContent = 'Not in the console\u2019s recent index of ingest.raw (older than what it '
      + 'keeps, or read before the console started): only the stored form is shown. Highlighted are the fields the '
      + 'router always sets.';
    $('#detail-received').hidden = true;
  }
  $('#detail').hidden = false;
}
$('#detail-close').addEventListener('click', () => { $('#detail').hidden = true; });

// ---- Event ------------------------------------------------------------------------------------
function step(text, bad) { return el('li', { class: bad ? 'step-bad' : '' }, text); }

async function showPath(messageId) {
  $('#event-lookup').messageId.value = messageId;
  $('#user-events').hidden = true;
  const p = await api('/api/messages/' + encodeURIComponent(messageId));
  const box = el('div', { class: 'path', id: 'path-' + messageId });
  box.append(el('strong', {}, 'messageId ' + messageId));
  const steps = el('ol', {});
  if (!p.received.length && !p.routed.length && !p.rejected.length) {
    steps.append(step('Not in the console\u2019s recent index (it keeps the last events it read; Kafka keeps them all).'));
  }
  for (const r of p.received) {
    steps.append(step('Received ' + time(r.receivedAt) + ' for project ' + r.projectId + ' (' + r.topic + ' partition '
      + r.partition + ' offset ' + r.offset + ')'));
  }
  for (const e of p.routed) {
    const li = step('Routed to ' + e.topic + ' partition ' + e.partition + ' offset ' + e.offset + ' at ' + time(e.time) + ' ');
    li.append(el('a', { href: '#event/' + encodeURIComponent(messageId), onclick: (ev) => { ev.preventDefault(); showDetail(e.id); } }, 'show JSON'));
    li.classList.add('routed');
    steps.append(li);
  }
  for (const e of p.rejected) {
    const li = step('Rejected by ' + e.failure.stage + ': ' + e.failure.code + ': ' + (e.failure.reason || '') + ' ', true);
    li.append(el('a', { href: '#event/' + encodeURIComponent(messageId), onclick: (ev) => { ev.preventDefault(); showDetail(e.id); } }, 'show JSON'));
    li.classList.add('rejected');
    steps.append(li);
  }
  if (p.routed.length || p.deliveries.length) {
    const li = step(p.deliveries.length ? 'Destinations:' : 'Destinations: no sink group has logged this event yet '
      + '(or the console\u2019s delivery index no longer holds it).');
    const list = el('ul', { class: 'deliveries' });
    for (const s of p.deliveries) {
      list.append(el('li', { class: 'delivery', 'data-group': s.group, 'data-outcome': s.outcome },
        el('strong', {}, s.group), ' ', el('span', { class: 'outcome-' + s.outcome }, statusText(s))));
    }
    li.append(list);
    steps.append(li);
  }
  box.append(steps);
  $('#event-path').replaceChildren(box);
}

async function showUser(userId) {
  const list = await api('/api/events?limit=50&userId=' + encodeURIComponent(userId));
  $('#event-path').replaceChildren(el('p', { class: 'muted' }, list.events.length + ' recent events of ' + userId
    + ' (click one for its JSON, or its messageId for its path)'));
  const body = $('#user-events tbody');
  body.replaceChildren(...list.events.map(eventRow));
  $('#user-events').hidden = false;
}

$('#event-lookup').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const f = ev.target;
  if (f.messageId.value.trim()) location.hash = '#event/' + encodeURIComponent(f.messageId.value.trim());
  else if (f.userId.value.trim()) location.hash = '#user/' + encodeURIComponent(f.userId.value.trim());
});

// ---- Rejected ---------------------------------------------------------------------------------
async function showRejected(reason) {
  const r = await api('/api/rejected?limit=200' + (reason ? '&reason=' + encodeURIComponent(reason) : ''));
  const total = Object.values(r.reasons).reduce((a, b) => a + b, 0);
  const chips = [el('a', { class: 'reason' + (reason ? '' : ' active'), href: '#rejected' }, 'all (' + total + ')')];
  for (const [code, n] of Object.entries(r.reasons)) {
    chips.push(el('a', { class: 'reason' + (reason === code ? ' active' : ''), href: '#rejected/' + encodeURIComponent(code),
      'data-reason': code }, code + ' (' + n + ')'));
  }
  $('#reasons').replaceChildren(...chips);
  $('#rejected-table tbody').replaceChildren(...r.events.map((e) => {
    const tr = el('tr', { class: 'rejected', 'data-id': e.id, 'data-reason': e.reasonCode },
      el('td', {}, time(e.time)), el('td', {}, e.reasonCode), el('td', {}, e.stage), el('td', {}, e.projectId),
      el('td', {}, e.type), el('td', { title: e.reason || '' }, e.reason));
    tr.addEventListener('click', () => showDetail(e.id));
    return tr;
  }));
}

// ---- Destinations -----------------------------------------------------------------------------
let groupNames = [];

function rate(v) { return v == null ? '' : (Math.round(v * 10) / 10).toString(); }

async function showDestinations() {
  const d = await api('/api/destinations');
  groupNames = d.groups.map((g) => g.group);
  const errors = [];
  $('#destinations-note').textContent = (d.clusterError ? d.clusterError + '. ' : '') + 'Per sink group, from the '
    + 'delivery log (rates over the last five minutes, latency over the last fifteen) and the group\u2019s committed offsets.';
  $('#destinations-table tbody').replaceChildren(...d.groups.map((g) => {
    const pm = g.perMinute || {};
    for (const e of g.lastErrors || []) errors.push(Object.assign({ group: g.group }, e));
    const links = el('td', {});
    if (g.sink) {
      links.append(el('a', { href: '#dlq/' + encodeURIComponent(g.group) }, 'DLQ'), ' ',
        el('a', { href: '#replay/' + encodeURIComponent(g.group) }, 'Replay'));
    }
    return el('tr', { 'data-group': g.group },
      el('td', {}, g.group), el('td', {}, g.sink || '?'),
      el('td', { class: 'num' }, rate(pm.delivered)), el('td', { class: 'num' }, rate(pm.retrying)),
      el('td', { class: 'num' }, rate(pm.parked)), el('td', { class: 'num' }, rate(pm.dead_lettered)),
      el('td', { class: 'num' }, rate(pm.discarded)),
      el('td', { class: 'num', title: g.lagError || '' }, g.lagRecords == null ? (g.lagError ? 'error' : '') : g.lagRecords),
      el('td', { class: 'num' }, g.lagSeconds == null ? (g.lagRecords === 0 ? '0' : '') : g.lagSeconds),
      el('td', { class: 'num' }, g.parked == null ? '' : g.parked),
      el('td', { class: 'num' }, ms(g.p50Ms)), el('td', { class: 'num' }, ms(g.p95Ms)), links);
  }));
  errors.sort((a, b) => (a.at < b.at ? 1 : -1));
  $('#errors-table tbody').replaceChildren(...errors.slice(0, 30).map((e) => el('tr', {},
    el('td', {}, time(e.at)), el('td', {}, e.group), el('td', { class: 'outcome-' + e.outcome }, e.outcome),
    el('td', {}, e.code), el('td', { class: 'num' }, e.events), el('td', { title: e.reason || '' }, e.reason))));
  return d;
}

async function groupOptions(select, chosen) {
  if (!groupNames.length) {
    const d = await api('/api/destinations');
    groupNames = d.groups.filter((g) => g.sink).map((g) => g.group);
  }
  const names = groupNames.includes(chosen) || !chosen ? groupNames : groupNames.concat([chosen]);
  select.replaceChildren(el('option', { value: '' }, 'choose a group'), ...names.map((n) => el('option', { value: n }, n)));
  select.value = chosen || '';
}

// ---- DLQ --------------------------------------------------------------------------------------
const dlq = { group: '', reason: '' };

async function showDlq(group, reason) {
  dlq.group = group;
  dlq.reason = reason || '';
  await groupOptions($('#dlq-group'), group);
  if (!group) { $('#dlq-table tbody').replaceChildren(); $('#dlq-reasons').replaceChildren(); return; }
  const d = await api('/api/dlq/' + encodeURIComponent(group) + (reason ? '?reason=' + encodeURIComponent(reason) : ''));
  if (d.code) { $('#dlq-topic').textContent = d.message; return; }
  $('#dlq-topic').textContent = d.dlqTopic + ' \u2192 redrive into ' + d.retryTopic + ' (the newest '
    + d.shownPerPartition + ' records of each partition are shown)';
  const base = '#dlq/' + encodeURIComponent(group);
  const total = Object.values(d.reasons).reduce((a, b) => a + b, 0);
  const chips = [el('a', { class: 'reason' + (reason ? '' : ' active'), href: base }, 'all (' + total + ')')];
  for (const [code, n] of Object.entries(d.reasons)) {
    chips.push(el('a', { class: 'reason' + (reason === code ? ' active' : ''), href: base + '/' + encodeURIComponent(code),
      'data-reason': code }, code + ' (' + n + ')'));
  }
  $('#dlq-reasons').replaceChildren(...chips);
  const checked = new Set([...document.querySelectorAll('#dlq-table tbody input:checked')].map((c) => c.value));
  $('#dlq-table tbody').replaceChildren(...d.records.map((r) => {
    const box = el('input', { type: 'checkbox', value: r.id, checked: checked.has(r.id) });
    box.addEventListener('change', dlqSelection);
    return el('tr', { class: 'dead', 'data-id': r.id, 'data-message-id': r.messageId || '' },
      el('td', {}, box), el('td', {}, time(r.time)), el('td', {}, r.code), el('td', {}, r.projectId), el('td', {}, r.type),
      el('td', {}, el('a', { href: '#event/' + encodeURIComponent(r.messageId || '') }, r.messageId || '')),
      el('td', { class: 'num' }, r.attempts),
      el('td', { class: 'status outcome-' + (r.status ? r.status.outcome : '') }, r.status ? statusText(r.status) : ''),
      el('td', { title: r.reason || '' }, r.reason));
  }));
  const byReason = $('#redrive-reason');
  byReason.hidden = !reason;
  byReason.textContent = 'Redrive all ' + (d.reasons[reason] || 0) + ' with ' + reason;
  dlqSelection();
}

function dlqSelection() {
  const n = document.querySelectorAll('#dlq-table tbody input:checked').length;
  $('#redrive-selected').disabled = n === 0;
  $('#redrive-selected').textContent = 'Redrive selected' + (n ? ' (' + n + ')' : '');
}

async function redrive(body) {
  $('#redrive-status').textContent = 'redriving…';
  try {
    const r = await post('/api/dlq/' + encodeURIComponent(dlq.group) + '/redrive', body);
    $('#redrive-status').textContent = r.redriven + ' record(s) sent to ' + r.retryTopic
      + ': the column \u201cNow\u201d follows them from the delivery log.';
    for (const c of document.querySelectorAll('#dlq-table tbody input:checked')) c.checked = false;
    dlqSelection();
  } catch (e) {
    $('#redrive-status').textContent = 'redrive failed: ' + e.message;
  }
}

$('#dlq-group').addEventListener('change', (ev) => { location.hash = '#dlq/' + encodeURIComponent(ev.target.value); });
$('#dlq-all').addEventListener('change', (ev) => {
  for (const c of document.querySelectorAll('#dlq-table tbody input')) c.checked = ev.target.checked;
  dlqSelection();
});
$('#redrive-selected').addEventListener('click', () => redrive({
  ids: [...document.querySelectorAll('#dlq-table tbody input:checked')].map((c) => c.value) }));
$('#redrive-reason').addEventListener('click', () => redrive({ reason: dlq.reason }));

// ---- Replay -----------------------------------------------------------------------------------
const replay = { group: '' };

async function showReplay(group) {
  replay.group = group;
  await groupOptions($('#replay-group'), group);
  const box = $('#replay-progress');
  if (!group) { box.replaceChildren(el('p', { class: 'muted' }, 'Choose a group.')); return; }
  const r = await api('/api/replay/' + encodeURIComponent(group));
  $('#replay-cancel').hidden = !(r.state === 'counting' || r.state === 'copying');
  if (!r.state) { box.replaceChildren(el('p', { class: 'muted' }, 'No replay of ' + group + ' since the console started.')); return; }
  box.replaceChildren(
    el('p', { id: 'replay-state', 'data-state': r.state }, 'Replay of ' + group + ' from ' + time(r.from) + ' to ' + time(r.to)
      + ' (' + r.types.join(', ') + '): ' + r.state + (r.error ? ': ' + r.error : '')),
    el('p', {}, 'Copied ', el('strong', { id: 'replay-copied' }, String(r.copied)),
      r.state === 'done' ? ' of ' : ' of at most ',
      el('strong', { id: 'replay-total' }, String(r.total)), ' into ' + r.retryTopic + '; delivered since it started: ',
      el('strong', { id: 'replay-delivered' }, String(r.delivered)), '.'),
    el('progress', { max: Math.max(1, r.total), value: r.copied }));
}

$('#replay-group').addEventListener('change', (ev) => { location.hash = '#replay/' + encodeURIComponent(ev.target.value); });
$('#replay-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const f = ev.target;
  const types = f.types.value.split(',').map((t) => t.trim()).filter((t) => t && t !== 'all');
  try {
    await post('/api/replay/' + encodeURIComponent(f.group.value), { from: f.from.value.trim(), to: f.to.value.trim(), types });
  } catch (e) {
    alert('replay refused: ' + e.message);
  }
  showReplay(f.group.value);
});
$('#replay-cancel').addEventListener('click', async () => {
  await post('/api/replay/' + encodeURIComponent(replay.group) + '/cancel', {});
  showReplay(replay.group);
});

// ---- Delivery log updates, pushed -------------------------------------------------------------
let current = { name: 'live', value: '' };

function onDeliveries(m) {
  const u = JSON.parse(m.data);
  const concerns = (group) => u.groups.includes(group);
  if (current.name === 'event' && current.value && (u.truncated || u.messageIds.includes(current.value))) showPath(current.value);
  if (current.name === 'destinations') showDestinations();
  if (current.name === 'dlq' && dlq.group && concerns(dlq.group)) showDlq(dlq.group, dlq.reason);
  if (current.name === 'replay' && replay.group && concerns(replay.group)) showReplay(replay.group);
}
new EventSource('/api/deliveries/live').addEventListener('deliveries', onDeliveries);

// ---- Navigation -------------------------------------------------------------------------------
function route() {
  const [view, arg, arg2] = (location.hash.slice(1) || 'live').split('/');
  const name = ['live', 'event', 'user', 'destinations', 'dlq', 'replay', 'rejected'].includes(view) ? view : 'live';
  const section = name === 'user' ? 'event' : name;
  current = { name, value: arg ? decodeURIComponent(arg) : '' };
  for (const s of ['live', 'event', 'destinations', 'dlq', 'replay', 'rejected']) {
    $('#view-' + s).hidden = s !== section;
    $('#nav-' + s).classList.toggle('active', s === section);
  }
  const value = arg ? decodeURIComponent(arg) : '';
  if (section === 'live' && !live.source) startLive();
  if (name === 'event' && value) showPath(value);
  if (name === 'user' && value) { $('#event-lookup').userId.value = value; showUser(value); }
  if (name === 'rejected') showRejected(value);
  if (name === 'destinations') showDestinations();
  if (name === 'dlq') showDlq(value, arg2 ? decodeURIComponent(arg2) : '');
  if (name === 'replay') showReplay(value);
}

window.addEventListener('hashchange', route);
api('/api/info').then((info) => { $('#logout').hidden = !info.tokenRequired; });
route();
