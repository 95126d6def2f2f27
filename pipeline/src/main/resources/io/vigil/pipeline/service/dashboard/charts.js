// Small time-series charts on uPlot (vendor/uPlot.iife.min.js, MIT), sized to their box.

const AXIS = { stroke: '#9aa0a6', grid: { stroke: '#272c36', width: 1 }, ticks: { stroke: '#272c36', width: 1 } };

const clock = (seconds) =>
  new Date(seconds * 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });

/**
 * A chart in el. series: [{label, color}]; y: {min, max} or undefined for auto. Returns
 * {set(times, columns)} where times are epoch seconds and columns one array per series.
 */
export function timeChart(el, series, y, format) {
  const opts = {
    width: Math.max(200, el.parentElement.clientWidth),
    height: 120,
    legend: { show: true, live: true },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: true }, y: y ? { auto: false, range: [y.min, y.max] } : { auto: true } },
    axes: [
      { ...AXIS, space: 70, values: (u, vals) => vals.map(clock) },
      { ...AXIS, size: 46, values: (u, vals) => vals.map((v) => (format ? format(v) : v)) },
    ],
    series: [
      { value: (u, v) => (v == null ? '—' : clock(v)) },
      ...series.map((s) => ({
        label: s.label,
        stroke: s.color,
        width: 1.5,
        value: (u, v) => (v == null ? '—' : format ? format(v) : v.toFixed(1)),
      })),
    ],
  };
  const plot = new uPlot(opts, [[], ...series.map(() => [])], el);
  // The chart's box, not the chart: uPlot's fixed width would keep its own box from shrinking.
  const box = el.parentElement;
  new ResizeObserver(() => {
    const width = Math.max(200, box.clientWidth);
    if (width !== plot.width) plot.setSize({ width, height: 120 });
  }).observe(box);
  return {
    set(times, columns) {
      plot.setData([times, ...columns]);
      el.dataset.points = String(times.length);
    },
  };
}
