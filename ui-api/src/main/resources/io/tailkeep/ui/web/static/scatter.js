// Duration over time of the search's traces: one dot per trace, errors in red; a click opens it.

import { el, svg } from './dom.js';
import { formatDuration, formatTime, unixNanoToMillis } from './format.js';

const WIDTH = 800;
const HEIGHT = 180;
const PAD = { left: 64, right: 12, top: 10, bottom: 24 };

export function scatterPlot(traces) {
  const points = traces.map((trace) => ({ trace, at: unixNanoToMillis(trace.startUnixNano), duration: trace.durationNanos }));
  let first = Math.min(...points.map((p) => p.at));
  let last = Math.max(...points.map((p) => p.at));
  if (last === first) { first -= 1000; last += 1000; }
  const longest = Math.max(1, ...points.map((p) => p.duration));
  const x = (at) => PAD.left + ((at - first) / (last - first)) * (WIDTH - PAD.left - PAD.right);
  const y = (d) => HEIGHT - PAD.bottom - (d / longest) * (HEIGHT - PAD.top - PAD.bottom);

  const chart = svg('svg', { class: 'scatter', viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-label': 'Trace duration over time' },
    svg('line', { x1: PAD.left, y1: HEIGHT - PAD.bottom, x2: WIDTH - PAD.right, y2: HEIGHT - PAD.bottom, class: 'axis' }),
    svg('line', { x1: PAD.left, y1: PAD.top, x2: PAD.left, y2: HEIGHT - PAD.bottom, class: 'axis' }),
    svg('text', { x: PAD.left - 6, y: PAD.top + 10, 'text-anchor': 'end', class: 'axis-label' }, formatDuration(longest)),
    svg('text', { x: PAD.left - 6, y: HEIGHT - PAD.bottom, 'text-anchor': 'end', class: 'axis-label' }, '0'),
    svg('text', { x: PAD.left, y: HEIGHT - 6, class: 'axis-label' }, formatTime(first)),
    svg('text', { x: WIDTH - PAD.right, y: HEIGHT - 6, 'text-anchor': 'end', class: 'axis-label' }, formatTime(last)));
  for (const point of points) {
    const link = svg('a', { href: `/trace/${point.trace.traceId}`, class: 'dot-link' },
      svg('circle', {
        cx: x(point.at).toFixed(1), cy: y(point.duration).toFixed(1), r: 5,
        class: point.trace.errorCount > 0 ? 'dot error' : 'dot',
      }, svg('title', {}, `${point.trace.rootService}: ${point.trace.rootOperation} · ${formatDuration(point.duration)} · ${point.trace.spanCount} spans`)));
    chart.append(link);
  }
  return el('figure', { class: 'scatter-figure' }, chart);
}
