// The dashboard: polls the API, keeps the panels current and wires the buttons.

import { askToken, forgetToken, getJson, hasToken, send, toast } from './api.js';
import { historySince, showHistory, showStreams } from './streams.js';
import { addEvents, eventsSince, showModels } from './models.js';
import { showTrainer } from './trainer.js';
import { refreshLabeling, submitLabels } from './labeling.js';

const failing = new Set();

/** Runs task every period ms, one call at a time; a failure is shown once until it recovers. */
function every(name, period, task) {
  const run = async () => {
    try {
      await task();
      failing.delete(name);
    } catch (e) {
      if (!failing.has(name)) toast(`${name}: ${e.message}`, true);
      failing.add(name);
    }
    setTimeout(run, period);
  };
  run();
}

async function refreshModels() {
  showModels(await getJson('/api/v1/models'), activate);
}

async function refreshEvents() {
  const since = eventsSince();
  addEvents(await getJson(`/api/v1/events?since=${since}`), since);
}

async function activate(version) {
  try {
    await send('POST', `/api/v1/models/${encodeURIComponent(version)}/activate`);
    toast(`${version} activated`);
  } catch (e) {
    toast(e.message, true);
  }
  await Promise.allSettled([refreshModels(), refreshEvents()]);
}

async function rollback() {
  try {
    const r = await send('POST', '/api/v1/models/rollback');
    toast(r && r.active ? `rolled back: ${r.active} serves now` : 'rolled back');
  } catch (e) {
    toast(e.message, true);
  }
  await Promise.allSettled([refreshModels(), refreshEvents()]);
}

function wireUpload() {
  const dialog = document.getElementById('upload-dialog');
  const form = document.getElementById('upload-form');
  document.getElementById('upload-clip').addEventListener('click', () => dialog.showModal());
  document.getElementById('upload-cancel').addEventListener('click', () => dialog.close());
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const data = new FormData();
    data.append('video', document.getElementById('upload-video').files[0]);
    data.append('labels', document.getElementById('upload-labels').files[0]);
    dialog.close();
    try {
      const r = await send('POST', '/api/v1/clips', data);
      toast(r && r.clip ? `clip ${r.clip} (${r.frames} frames) queued for training` : 'clip uploaded');
      form.reset();
    } catch (e) {
      toast(e.message, true);
    }
  });
}

function wireToken() {
  const button = document.getElementById('token-button');
  const label = () => (button.textContent = hasToken() ? 'Token ✓' : 'Token');
  button.addEventListener('click', async () => {
    forgetToken();
    try {
      await askToken();
    } catch (e) {
      // Cancelled: no token until the next change asks again.
    }
    label();
  });
  label();
  setInterval(label, 2000);
}

async function refreshReady() {
  const pill = document.getElementById('ready');
  const response = await fetch('/health/ready');
  pill.textContent = response.ok ? 'ready' : 'not ready';
  pill.className = response.ok ? 'pill ok' : 'pill warn';
}

document.getElementById('rollback').addEventListener('click', rollback);
document.getElementById('labeling-submit').addEventListener('click', () =>
  submitLabels().catch((e) => toast(e.message, true)),
);
wireUpload();
wireToken();

every('streams', 2000, async () => showStreams((await getJson('/api/v1/streams')).streams || []));
every('history', 1000, async () => showHistory(await getJson(`/api/v1/history?since=${historySince()}`)));
every('models', 3000, refreshModels);
every('events', 2000, refreshEvents);
every('trainer', 3000, async () => showTrainer(await getJson('/api/v1/trainer')));
every('labeling', 3000, refreshLabeling);
every('health', 5000, refreshReady);
