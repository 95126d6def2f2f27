// The trainer's state, its current run and its history with the gate's figures (GET /api/v1/trainer).

const pct = (v) => (typeof v === 'number' ? `${(v * 100).toFixed(1)}%` : '—');
const count = (clips) => (Array.isArray(clips) ? clips.length : clips ?? '—');
const TONES = { passed: 'ok', rejected: 'bad', failed: 'bad', training: 'accent' };

export function showTrainer(t) {
  const state = document.getElementById('trainer-state');
  state.textContent = t.state || 'unknown';
  state.className = `pill ${t.state === 'idle' ? '' : t.state === 'training' ? 'accent' : 'warn'}`;
  const current = document.getElementById('trainer-current');
  const c = t.current;
  current.textContent = c
    ? `training from ${c.baseVersion || '?'} on ${count(c.clips)} clip(s) since ${c.startedAt ? new Date(c.startedAt).toLocaleTimeString([], { hour12: false }) : '?'}`
    : 'No run now.';
  const body = document.querySelector('#trainer-history tbody');
  const rows = [...(t.history || [])].reverse().slice(0, 12);
  body.replaceChildren(
    ...rows.map((h) => {
      const outcome = h.outcome || (h.passed === undefined ? 'training' : h.passed ? 'passed' : 'rejected');
      const tr = document.createElement('tr');
      tr.dataset.outcome = outcome;
      const gate = document.createElement('span');
      gate.className = `pill ${TONES[outcome] || ''}`;
      gate.textContent = outcome;
      if (h.reason) gate.title = h.reason;
      const before = h.newSceneBefore ?? h.baseAccuracy;
      const after = h.newSceneAfter ?? h.newAccuracy;
      const cells = [
        h.startedAt ? new Date(h.startedAt).toLocaleTimeString([], { hour12: false }) : '—',
        String(count(h.clips)),
        h.baseVersion || '—',
        gate,
        `${pct(before)} → ${pct(after)}`,
        h.published || h.candidate || h.version || '—',
      ];
      tr.append(
        ...cells.map((v) => {
          const td = document.createElement('td');
          if (v instanceof Node) td.append(v);
          else td.textContent = v;
          return td;
        }),
      );
      return tr;
    }),
  );
}
