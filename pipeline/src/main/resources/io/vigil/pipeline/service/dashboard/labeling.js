// The frames the model is least sure of (GET /api/v1/labeling): one click per label, or skip;
// labeled frames go to the trainer's inbox as a clip on submit (or every N labels, server side).

import { getJson, send, toast } from './api.js';

const MAX_SHOWN = 12;
const shown = new Map();
let classes = [];

function status(text) {
  document.getElementById('labeling-status').textContent = text;
}

function guessOf(item) {
  const top = (item.top || []).slice(0, 2).map((t) => `${t.label} ${Math.round(t.score * 100)}%`);
  return `${item.stream} · frame ${item.frame} · ${item.version}: ${top.join(' vs ')}`;
}

async function answer(item, body, node) {
  node.querySelectorAll('button').forEach((b) => (b.disabled = true));
  try {
    const r = await send('POST', `/api/v1/labeling/${encodeURIComponent(item.id)}`, body);
    node.remove();
    shown.delete(item.id);
    if (r && typeof r.labeled === 'number') status(`${r.labeled} frame(s) labeled and waiting to be sent.`);
    // Every perClip labels the service sends a clip by itself, and says so in the answer.
    if (r && r.clip) toast(`labeled frames sent to the trainer as ${r.clip}`);
    if (r && r.error) toast(`labels kept, but not sent: ${r.error}`, true);
  } catch (e) {
    node.querySelectorAll('button').forEach((b) => (b.disabled = false));
    toast(e.message, true);
  }
}

function render(item) {
  const node = document.createElement('div');
  node.className = 'label-item';
  node.dataset.item = item.id;
  const img = document.createElement('img');
  img.alt = `frame ${item.frame} of ${item.stream}`;
  img.src = `/api/v1/labeling/${encodeURIComponent(item.id)}/image`;
  const guess = document.createElement('div');
  guess.className = 'guess';
  guess.textContent = guessOf(item);
  const buttons = document.createElement('div');
  buttons.className = 'classes';
  for (const c of classes) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'small label';
    b.textContent = c;
    b.addEventListener('click', () => answer(item, { label: c }, node));
    buttons.append(b);
  }
  const skip = document.createElement('button');
  skip.type = 'button';
  skip.className = 'small ghost skip';
  skip.textContent = 'skip';
  skip.addEventListener('click', () => answer(item, { skip: true }, node));
  buttons.append(skip);
  node.append(img, guess, buttons);
  return node;
}

/** Shows new items and drops those the queue no longer holds; leaves the others in place. */
export async function refreshLabeling() {
  let q;
  try {
    q = await getJson('/api/v1/labeling');
  } catch (e) {
    if (e.status === 404) {
      document.getElementById('labeling').hidden = true;
      return;
    }
    throw e;
  }
  document.getElementById('labeling').hidden = false;
  classes = q.classes || [];
  const items = (q.streams || []).flatMap((s) => s.items || []).slice(0, MAX_SHOWN);
  const ids = new Set(items.map((i) => i.id));
  for (const [id, node] of shown) {
    if (!ids.has(id)) {
      node.remove();
      shown.delete(id);
    }
  }
  const box = document.getElementById('labeling-items');
  for (const item of items) {
    if (!shown.has(item.id)) {
      const node = render(item);
      shown.set(item.id, node);
      box.append(node);
    }
  }
  const every = q.perClip ? ` (sent every ${q.perClip})` : '';
  const problem = q.lastError ? ` Last problem: ${q.lastError}` : '';
  status(
    `${items.length ? '' : 'Nothing to label now. '}${q.labeled ?? 0} labeled${every}, ${q.clipsSent ?? 0} clip(s) sent to the trainer.${problem}`,
  );
}

export async function submitLabels() {
  const r = await send('POST', '/api/v1/labeling/submit');
  toast(r && r.clip ? `${r.frames} labeled frame(s) sent as ${r.clip}` : 'labeled frames sent');
}
