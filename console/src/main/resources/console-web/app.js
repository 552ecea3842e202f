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
  if (p.routed.length) steps.append(step('Destinations: ' + p.deliveries.note));
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

// ---- Navigation -------------------------------------------------------------------------------
function route() {
  const [view, arg] = (location.hash.slice(1) || 'live').split('/');
  const name = ['live', 'event', 'user', 'rejected'].includes(view) ? view : 'live';
  const section = name === 'user' ? 'event' : name;
  for (const s of ['live', 'event', 'rejected']) {
    $('#view-' + s).hidden = s !== section;
    $('#nav-' + s).classList.toggle('active', s === section);
  }
  const value = arg ? decodeURIComponent(arg) : '';
  if (section === 'live' && !live.source) startLive();
  if (name === 'event' && value) showPath(value);
  if (name === 'user' && value) { $('#event-lookup').userId.value = value; showUser(value); }
  if (name === 'rejected') showRejected(value);
}

window.addEventListener('hashchange', route);
api('/api/info').then((info) => { $('#logout').hidden = !info.tokenRequired; });
route();
