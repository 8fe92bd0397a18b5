// A small line chart over time, drawn in SVG by hand: one or more series, gaps where a value is null.

import { svg } from './dom.js';
import { formatClock } from './format.js';

const WIDTH = 320;
const HEIGHT = 120;
const PAD = { left: 54, right: 8, top: 8, bottom: 20 };

/**
 * @param from, to the window in epoch milliseconds (the x axis)
 * @param times each point's time, epoch milliseconds
 * @param series [{name, className, values}]: values line up with times; null is a gap
 * @param format how the y axis labels its top value
 * @param label what the chart shows, for screen readers
 */
export function lineChart({ from, to, times, series, format, label }) {
  const all = series.flatMap((s) => s.values).filter((v) => v !== null && Number.isFinite(v));
  const top = Math.max(...all, 0) > 0 ? Math.max(...all) : 1;
  const span = Math.max(1, to - from);
  const x = (t) => PAD.left + ((t - from) / span) * (WIDTH - PAD.left - PAD.right);
  const y = (v) => HEIGHT - PAD.bottom - (v / top) * (HEIGHT - PAD.top - PAD.bottom);
  const chart = svg('svg', { class: 'line-chart', viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-label': label },
    svg('line', { x1: PAD.left, y1: HEIGHT - PAD.bottom, x2: WIDTH - PAD.right, y2: HEIGHT - PAD.bottom, class: 'axis' }),
    svg('line', { x1: PAD.left, y1: PAD.top, x2: PAD.left, y2: HEIGHT - PAD.bottom, class: 'axis' }),
    svg('text', { x: PAD.left - 4, y: PAD.top + 8, 'text-anchor': 'end', class: 'axis-label y-top' }, format(top)),
    svg('text', { x: PAD.left - 4, y: HEIGHT - PAD.bottom, 'text-anchor': 'end', class: 'axis-label' }, '0'),
    svg('text', { x: PAD.left, y: HEIGHT - 5, class: 'axis-label x-from' }, formatClock(from)),
    svg('text', { x: WIDTH - PAD.right, y: HEIGHT - 5, 'text-anchor': 'end', class: 'axis-label x-to' }, formatClock(to)));
  for (const s of series) {
    let d = '';
    let drawing = false;
    s.values.forEach((v, i) => {
      if (v === null || !Number.isFinite(v)) {
        drawing = false;
        return;
      }
      const point = `${x(times[i]).toFixed(1)},${y(v).toFixed(1)}`;
      d += drawing ? ` L${point}` : ` M${point}`;
      // A value alone between gaps would be an invisible line: mark it with a dot.
      const next = s.values[i + 1];
      const alone = !drawing && (next === null || next === undefined || !Number.isFinite(next));
      if (alone) chart.append(svg('circle', { cx: x(times[i]).toFixed(1), cy: y(v).toFixed(1), r: 2, class: `point ${s.className}` }));
      drawing = true;
    });
    if (d) chart.append(svg('path', { d: d.trim(), class: `series ${s.className}` }, svg('title', {}, s.name)));
  }
  return chart;
}
