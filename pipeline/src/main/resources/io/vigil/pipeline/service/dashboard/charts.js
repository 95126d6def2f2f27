// Small time-series charts on uPlot (vendor/uPlot.iife.min.js, MIT), sized to their box.

const AXIS = { stroke: '#9aa0a6', grid: { stroke: '#272c36', width: 1 }, ticks: { stroke: '#272c36', width: 1 } };

/**
 * A chart in el. series: [{label, color}]; y: {min, max} or undefined for auto. Returns
 * {set(times, columns)} where times are epoch seconds and columns one array per series.
 */
export function timeChart(el, series, y, format) {
  const opts = {
    width: Math.max(200, el.clientWidth),
    height: 120,
    legend: { show: true, live: true },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: true }, y: y ? { auto: false, range: [y.min, y.max] } : { auto: true } },
    axes: [
      { ...AXIS, space: 60 },
      { ...AXIS, size: 46, values: (u, vals) => vals.map((v) => (format ? format(v) : v)) },
    ],
    series: [
      { value: (u, v) => (v == null ? '—' : new Date(v * 1000).toLocaleTimeString()) },
      ...series.map((s) => ({
        label: s.label,
        stroke: s.color,
        width: 1.5,
        value: (u, v) => (v == null ? '—' : format ? format(v) : v.toFixed(1)),
      })),
    ],
  };
  const plot = new uPlot(opts, [[], ...series.map(() => [])], el);
  new ResizeObserver(() => {
    const width = Math.max(200, el.clientWidth);
    if (width !== plot.width) plot.setSize({ width, height: 120 });
  }).observe(el);
  return {
    set(times, columns) {
      plot.setData([times, ...columns]);
      el.dataset.points = String(times.length);
    },
  };
}
