// The search page's traffic of one service (or one of its operations) over the search's window:
// rate, error rate and latency quantiles per step from /api/v1/traffic/series, counted by the
// sampler from every span before sampling, so they cover all traffic, not only the stored traces.

import { api } from './api.js';
import { el, message } from './dom.js';
import { formatCount, formatMillis, formatPercent, formatRate } from './format.js';
import { lineChart } from './line-chart.js';

const MEASURED_BY = {
  server: 'the requests it served (server and consumer spans)',
  spans: 'all its spans (it served no requests in this window)',
  edges: 'the calls into it',
};

let latestRequest = 0;

/**
 * Fills {@code section} with the charts of {@code service} (and {@code operation}, when given) from
 * {@code start} to {@code end} (as the search sends them; end absent: now). Hidden without a service.
 */
export async function showTraffic(section, { service, operation, start, end }) {
  const request = ++latestRequest;
  if (!service) {
    section.hidden = true;
    section.replaceChildren();
    return;
  }
  section.hidden = false;
  section.replaceChildren(el('p', { class: 'loading' }, `Loading the traffic of ${service}…`));
  const params = new URLSearchParams({ service });
  if (operation) params.set('operation', operation);
  if (start) params.set('start', start);
  if (end) params.set('end', end);
  let series;
  try {
    series = await api.trafficSeries(params);
  } catch (e) {
    if (request === latestRequest) {
      const text = e.status === 404
        ? 'The traffic figures could not be loaded: this server does not answer /api/v1/traffic (404); it is served where the traffic API is mounted beside the query API.'
        : `The traffic figures could not be loaded: ${e.message}`;
      section.replaceChildren(message('error', text));
    }
    return;
  }
  if (request !== latestRequest) return; // a newer search is showing its own
  section.replaceChildren(...render(series));
}

function render(series) {
  const what = series.operation ? `${series.service}: ${series.operation}` : series.service;
  const heading = el('div', { class: 'traffic-header' },
    el('h2', {}, `Traffic of ${what}`),
    el('span', { class: 'hint' }, series.operation
      ? 'Every span of this name, counted by the sampler before sampling.'
      : `Measured by ${MEASURED_BY[series.measuredBy] ?? series.measuredBy}, counted by the sampler before sampling.`));
  const totals = series.totals;
  if (totals.calls === 0) {
    return [heading, message('info', `No traffic of ${what} was counted in this window.`), storedNote(series.stored)];
  }
  const from = Date.parse(series.start);
  const to = Date.parse(series.end);
  const times = series.points.map((p) => Date.parse(p.start));
  const values = (key) => series.points.map((p) => (p[key] === null || p[key] === undefined ? null : Number(p[key])));
  const charts = el('div', { class: 'traffic-charts' },
    chartFigure('traffic-rate', 'Rate',
      `${formatRate(totals.ratePerSecond)} · ${formatCount(totals.calls)} calls`,
      lineChart({ from, to, times, format: formatRate, label: 'Requests per second',
        series: [{ name: 'requests per second', className: 'rate', values: rates(series.points) }] })),
    chartFigure('traffic-errors', 'Error rate',
      `${formatPercent(totals.errorRate)} · ${formatCount(totals.errors)} errors`,
      lineChart({ from, to, times, format: formatPercent, label: 'Error rate',
        series: [{ name: 'error rate', className: 'errors', values: values('errorRate') }] })),
    chartFigure('traffic-latency', 'Latency',
      [el('span', { class: 'q p50' }, `p50 ${formatMillis(totals.p50Ms)}`), ' · ',
        el('span', { class: 'q p95' }, `p95 ${formatMillis(totals.p95Ms)}`), ' · ',
        el('span', { class: 'q p99' }, `p99 ${formatMillis(totals.p99Ms)}`)],
      lineChart({ from, to, times, format: formatMillis, label: 'Latency quantiles',
        series: [
          { name: 'p99', className: 'p99', values: values('p99Ms') },
          { name: 'p95', className: 'p95', values: values('p95Ms') },
          { name: 'p50', className: 'p50', values: values('p50Ms') },
        ] })));
  return [heading, charts, storedNote(series.stored)];
}

/** A step without calls has a rate of 0 (the API may leave it null), not a gap. */
function rates(points) {
  return points.map((p) => (p.ratePerSecond !== null && p.ratePerSecond !== undefined ? Number(p.ratePerSecond) : p.calls === 0 ? 0 : null));
}

function chartFigure(id, title, total, chart) {
  return el('figure', { class: 'traffic-chart', id },
    el('figcaption', {}, el('span', { class: 'chart-title' }, title), ' ', el('span', { class: 'chart-total' }, total)),
    chart);
}

/** The share of all traces the store kept: the sampling decisions are counted cluster-wide, not per service. */
function storedNote(stored) {
  const note = (text) => el('p', { class: 'hint stored-note', id: 'stored-note' }, text);
  if (!stored || stored.tracesDecided === 0) {
    return note('No sampling decisions were counted in this window (cluster-wide, all services).');
  }
  const share = formatPercent(stored.tracesKept / stored.tracesDecided);
  return note(`From all ${formatCount(stored.tracesDecided)} traces decided in this window; `
    + `${formatCount(stored.tracesKept)} (${share}) were stored — cluster-wide, all services.`);
}
