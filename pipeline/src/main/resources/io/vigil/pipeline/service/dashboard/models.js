// Model versions (GET /api/v1/models) with activate buttons, the control plane's events as a
// timeline (GET /api/v1/events?since=N), and a strip of which version served when.

const MAX_EVENTS = 500;
const events = [];
let next = 0;
let versions = [];
let active = null;
let shownSignature = null;

const PALETTE = ['#5b9cff', '#3fb950', '#c297ff', '#d29922', '#39c5cf', '#f778ba', '#a5d6ff', '#ffa657'];

function colorOf(version) {
  let h = 0;
  for (const ch of String(version)) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return PALETTE[h % PALETTE.length];
}

function timeOf(at) {
  const d = new Date(at);
  return Number.isNaN(d.getTime())
    ? ''
    : d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
}

/** The versions a swap went from and to: from the event's fields, else from its text. */
export function swapOf(event) {
  if (event.from && event.to) return { from: event.from, to: event.to };
  const m = /(\S+)\s*(?:→|->)\s*(\S+)/.exec(event.text || '');
  return m ? { from: m[1], to: m[2] } : null;
}

function createdAt(version) {
  const v = versions.find((x) => x.version === version);
  return v && v.createdAt ? Date.parse(v.createdAt) : NaN;
}

/** A swap to a version older than the one it replaced. */
function isRollback(event) {
  if (event.rollback !== undefined) return !!event.rollback;
  const s = swapOf(event);
  if (!s) return false;
  const a = createdAt(s.from);
  const b = createdAt(s.to);
  if (!Number.isNaN(a) && !Number.isNaN(b)) return b < a;
  const na = /(\d+)$/.exec(s.from);
  const nb = /(\d+)$/.exec(s.to);
  return !!(na && nb && Number(nb[1]) < Number(na[1]));
}

function kindOf(event) {
  switch (event.type) {
    case 'Swapped':
      return isRollback(event) ? ['rollback', 'warn'] : ['swap', 'accent'];
    case 'SwapRefused':
      return ['swap refused', 'bad'];
    case 'GateDecided':
      return /^gate passed/.test(event.text || '') || event.passed === true ? ['gate passed', 'ok'] : ['gate rejected', 'bad'];
    case 'VersionPublished':
      return ['published', 'ok'];
    case 'TrainingStarted':
      return ['training', 'accent'];
    case 'TrainingFailed':
      return ['training failed', 'bad'];
    case 'ClipRejected':
      return ['clip rejected', 'bad'];
    case 'ClipsArrived':
    case 'StreamFramesLabeled':
      return ['clip', ''];
    case 'TrainerYield':
      return ['trainer yield', ''];
    default:
      return [event.type || 'event', ''];
  }
}

function short(text) {
  if (!text) return '—';
  return text.length > 24 ? `${text.slice(0, 23)}…` : text;
}

/** The first accuracy figure (else the first figure): {text: "91.0%", name: "test_accuracy"}. */
function figure(validation) {
  const entries = Object.entries(validation || {});
  if (!entries.length) return { text: '—', name: '' };
  const [name, value] = entries.find(([k]) => /accuracy/.test(k)) || entries[0];
  return { text: value >= 0 && value <= 1 ? `${(value * 100).toFixed(1)}%` : String(value), name };
}

/** Shows the versions; onActivate(version) is called by a row's button. */
export function showModels(models, onActivate) {
  versions = models.versions || [];
  active = models.active || null;
  const pill = document.getElementById('active-version');
  pill.textContent = active ? `model ${active}` : 'no model';
  pill.className = active ? 'pill ok' : 'pill bad';
  // Rows are rebuilt only when something changed, so that a button is not replaced under a click.
  const signature = JSON.stringify([active, versions]);
  if (signature === shownSignature) {
    drawStrip();
    return;
  }
  shownSignature = signature;
  const body = document.querySelector('#versions tbody');
  body.replaceChildren(
    ...[...versions].reverse().map((v) => {
      const row = document.createElement('tr');
      row.dataset.version = v.version;
      if (v.version === active) row.className = 'active';
      const cells = [
        v.version,
        v.parent || '—',
        short(v.trainingData),
        figure(v.validation).text,
        v.createdAt
          ? new Date(v.createdAt).toLocaleString([], { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false })
          : '—',
      ].map((text) => {
        const td = document.createElement('td');
        td.textContent = text;
        return td;
      });
      if (v.trainingData) cells[2].title = v.trainingData;
      cells[3].title = figure(v.validation).name.replace(/_/g, ' ');
      const action = document.createElement('td');
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'small activate';
      button.textContent = v.version === active ? 'serving' : 'activate';
      button.disabled = v.version === active;
      button.addEventListener('click', () => onActivate(v.version));
      action.append(button);
      row.append(...cells, action);
      return row;
    }),
  );
  drawStrip();
}

/**
 * Adds a page of events (GET /api/v1/events?since=since) and redraws the timeline. A page fetched
 * from a cursor already passed (two refreshes at once) is dropped, so no event shows twice.
 */
export function addEvents(page, since) {
  if (since !== next) return;
  events.push(...(page.events || []));
  if (events.length > MAX_EVENTS) events.splice(0, events.length - MAX_EVENTS);
  next = page.next ?? next;
  const list = document.getElementById('timeline');
  list.replaceChildren(
    ...[...events].reverse().map((e) => {
      const [kind, tone] = kindOf(e);
      const li = document.createElement('li');
      li.dataset.type = e.type;
      li.dataset.kind = kind;
      const time = document.createElement('time');
      time.dateTime = e.at;
      time.textContent = timeOf(e.at);
      const badge = document.createElement('span');
      badge.className = `pill ${tone}`;
      badge.textContent = kind;
      const what = document.createElement('span');
      what.className = 'what';
      what.textContent = e.text || '';
      li.append(time, badge, what);
      return li;
    }),
  );
  if (!events.length) {
    const li = document.createElement('li');
    li.className = 'muted';
    li.textContent = 'No event yet.';
    list.append(li);
  }
  drawStrip();
}

export function eventsSince() {
  return next;
}

/** Segments of the serving version, from the swaps seen, up to now. */
function drawStrip() {
  const strip = document.getElementById('version-strip');
  const swaps = events.filter((e) => e.type === 'Swapped' && swapOf(e));
  const now = Date.now();
  const start = events.length ? Math.min(Date.parse(events[0].at), now - 60000) : now - 60000;
  const segments = [];
  let from = start;
  let version = swaps.length ? swapOf(swaps[0]).from : active;
  for (const s of swaps) {
    const at = Date.parse(s.at);
    segments.push({ version, from, to: at, rollback: false });
    version = swapOf(s).to;
    from = at;
    segments[segments.length - 1].next = isRollback(s) ? 'rollback' : 'swap';
  }
  segments.push({ version: active || version, from, to: now });
  const total = Math.max(1, now - start);
  strip.replaceChildren(
    ...segments
      .filter((s) => s.version && s.to > s.from)
      .map((s) => {
        const d = document.createElement('div');
        d.style.flex = String((s.to - s.from) / total);
        d.style.background = colorOf(s.version);
        d.style.color = '#0f1115';
        d.textContent = s.version;
        d.title = `${s.version}: ${timeOf(s.from)} – ${timeOf(s.to)}${s.next ? ` (then ${s.next})` : ''}`;
        return d;
      }),
  );
}
