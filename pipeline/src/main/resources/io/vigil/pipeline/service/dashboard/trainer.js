// The trainer's state, its current run and its history with the gate's figures (GET /api/v1/trainer).

const pct = (v) => (typeof v === 'number' ? `${(v * 100).toFixed(1)}%` : '—');

export function showTrainer(t) {
  const state = document.getElementById('trainer-state');
  state.textContent = t.state || 'unknown';
  state.className = `pill ${t.state === 'idle' ? '' : t.state === 'training' ? 'accent' : 'warn'}`;
  const current = document.getElementById('trainer-current');
  const c = t.current;
  current.textContent = c
    ? `training from ${c.baseVersion || '?'} on ${Array.isArray(c.clips) ? c.clips.length : c.clips ?? '?'} clip(s) since ${c.startedAt ? new Date(c.startedAt).toLocaleTimeString() : '?'}`
    : 'No run now.';
  const body = document.querySelector('#trainer-history tbody');
  const rows = [...(t.history || [])].reverse().slice(0, 12);
  body.replaceChildren(
    ...rows.map((h) => {
      const tr = document.createElement('tr');
      const gate = document.createElement('span');
      gate.className = `pill ${h.passed ? 'ok' : 'bad'}`;
      gate.textContent = h.passed ? 'passed' : 'rejected';
      const cells = [
        h.startedAt ? new Date(h.startedAt).toLocaleTimeString() : '—',
        Array.isArray(h.clips) ? String(h.clips.length) : String(h.clips ?? '—'),
        h.baseVersion || '—',
        gate,
        `${pct(h.newAccuracy)} / ${pct(h.baseAccuracy)}`,
        h.version || '—',
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
