// One card per running stream: its live annotated frames (MJPEG), its latest figures and its
// charts over the last ten minutes (GET /api/v1/history, fetched incrementally).

import { timeChart } from './charts.js';

const KEEP_MILLIS = 10 * 60 * 1000;
const cards = new Map();
let since = 0;

const percent = (v) => `${Math.round(v * 100)}%`;
const number = (v, digits = 1) => (v == null || Number.isNaN(v) ? '—' : v.toFixed(digits));

function element(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

function stat(key, title) {
  const box = element('div', 'stat');
  box.title = title;
  const value = element('div', 'v', '—');
  value.dataset.stat = key;
  box.append(value, element('div', 'k', key));
  return { box, value };
}

function chartBox(title) {
  const box = element('div', 'chart');
  box.append(element('div', 'chart-title', title));
  const plot = element('div');
  box.append(plot);
  return { box, plot };
}

function createCard(id) {
  const card = element('article', 'card');
  card.dataset.stream = id;
  const head = element('div', 'card-head');
  head.append(element('span', 'id', id), element('span', 'pill', 'live'));
  const frame = element('div', 'frame-box');
  const waiting = element('span', 'waiting', 'waiting for classified frames…');
  const img = element('img', 'live');
  img.alt = `latest annotated frame of ${id}`;
  img.hidden = true;
  img.addEventListener('load', () => {
    img.hidden = false;
    waiting.remove();
  });
  img.src = `/api/v1/streams/${encodeURIComponent(id)}/frames.mjpg`;
  frame.append(waiting, img);

  const stats = element('div', 'stats');
  const s = {
    fps: stat('frames/s', 'frames classified per second'),
    p50: stat('p50 ms', 'latency, median'),
    p99: stat('p99 ms', 'latency, 99th percentile'),
    drops: stat('drops/s', 'frames dropped per second under overload'),
    accuracy: stat('accuracy', 'top-1 right against the true labels, over the recent window'),
  };
  s.accuracy.box.hidden = true;
  Object.values(s).forEach((x) => stats.append(x.box));

  const throughput = chartBox('frames/s in · out · dropped');
  const latency = chartBox('latency ms p50 · p99');
  const accuracy = chartBox('accuracy over the recent window');
  accuracy.box.hidden = true;
  card.append(head, frame, stats, throughput.box, latency.box, accuracy.box);
  document.getElementById('streams').append(card);

  return {
    card,
    img,
    stats: s,
    accuracyBox: accuracy.box,
    samples: [],
    charts: {
      throughput: timeChart(throughput.plot, [
        { label: 'in', color: '#9aa0a6' },
        { label: 'out', color: '#5b9cff' },
        { label: 'dropped', color: '#f85149' },
      ]),
      latency: timeChart(latency.plot, [
        { label: 'p50', color: '#3fb950' },
        { label: 'p99', color: '#d29922' },
      ]),
      accuracy: timeChart(accuracy.plot, [{ label: 'accuracy', color: '#c297ff' }], { min: 0, max: 1 }, percent),
    },
  };
}

/** Makes the cards match the running streams (GET /api/v1/streams). */
export function showStreams(list) {
  const ids = new Set(list.map((s) => s.id));
  for (const id of ids) if (!cards.has(id)) cards.set(id, createCard(id));
  for (const [id, c] of cards) {
    if (!ids.has(id)) {
      c.img.src = ''; // closes the MJPEG connection
      c.card.remove();
      cards.delete(id);
    }
  }
  document.getElementById('no-streams').hidden = ids.size > 0;
}

function noStreamsNote() {
  document.getElementById('no-streams').hidden = cards.size > 0;
}

/** Adds the samples taken since the last call and redraws the charts. */
export function showHistory(history) {
  const cutoff = Date.now() - KEEP_MILLIS;
  for (const entry of history.streams) {
    // History can name a stream before the stream list does: its card starts here then.
    if (!cards.has(entry.id)) cards.set(entry.id, createCard(entry.id));
    const c = cards.get(entry.id);
    for (const sample of entry.samples) {
      c.samples.push(sample);
      since = Math.max(since, sample.atMillis);
    }
    while (c.samples.length && c.samples[0].atMillis < cutoff) c.samples.shift();
    redraw(c, entry.labeled);
  }
  noStreamsNote();
}

/** The time of the newest sample seen, for the next incremental fetch. */
export function historySince() {
  return since;
}

function redraw(c, labeled) {
  const x = c.samples;
  const times = x.map((s) => s.atMillis / 1000);
  c.charts.throughput.set(times, [
    x.map((s) => s.framesInPerSecond),
    x.map((s) => s.framesOutPerSecond),
    x.map((s) => s.droppedPerSecond),
  ]);
  c.charts.latency.set(times, [x.map((s) => s.latencyP50), x.map((s) => s.latencyP99)]);
  c.accuracyBox.hidden = !labeled;
  if (labeled) c.charts.accuracy.set(times, [x.map((s) => s.accuracy)]);
  c.card.dataset.samples = String(x.length);
  const last = x[x.length - 1];
  if (!last) return;
  c.stats.fps.value.textContent = number(last.framesOutPerSecond);
  c.stats.p50.value.textContent = number(last.latencyP50, 0);
  c.stats.p99.value.textContent = number(last.latencyP99, 0);
  c.stats.drops.value.textContent = number(last.droppedPerSecond);
  c.stats.accuracy.box.hidden = !labeled;
  c.stats.accuracy.value.textContent = last.accuracy == null ? '—' : percent(last.accuracy);
}
