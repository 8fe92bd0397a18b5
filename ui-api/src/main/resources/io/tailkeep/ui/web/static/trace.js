// The trace page: header (what the trace is, how it was kept), waterfall, and the selected span.

import { api, otlpDownloadUrl, traceIdProblem } from './api.js';
import { el, message } from './dom.js';
import { formatDuration, formatProbability, formatTime, unixNanoToMillis } from './format.js';
import { renderWaterfall } from './waterfall.js';
import { spanDetail } from './span-detail.js';

export async function tracePage(main, rawId) {
  let traceId;
  try {
    traceId = decodeURIComponent(rawId);
  } catch {
    traceId = rawId;
  }
  document.title = `Trace ${traceId} · Tailkeep`;
  const problem = traceIdProblem(traceId);
  if (problem !== null) {
    main.replaceChildren(el('h1', {}, 'Trace'), message('error', problem));
    return;
  }
  main.replaceChildren(el('p', { class: 'loading' }, `Loading trace ${traceId}…`));
  let trace;
  // Settings are the page's extras: without them (an old server, a failed read) there is no logs link.
  const settings = api.uiSettings().catch(() => ({ logsLink: null }));
  try {
    trace = await api.trace(traceId);
  } catch (e) {
    const text = e.status === 404
      ? `Trace ${traceId} was not found. It may not have been kept by the sampling rules, or it has expired.`
      : `Could not load trace ${traceId}: ${e.message}`;
    main.replaceChildren(el('h1', {}, 'Trace'), message('error', text));
    if (e.status === 404) {
      main.append(el('p', {}, el('a', { href: `/sampling?why=${encodeURIComponent(traceId)}` }, 'Ask the sampler why')));
    }
    return;
  }
  const summary = trace.summary;
  document.title = `${summary.rootService}: ${summary.rootOperation} · Tailkeep`;

  const detail = el('aside', { class: 'span-detail', id: 'span-detail' }, el('p', { class: 'hint' }, 'Click a span to see its attributes, events, links and resource.'));
  const waterfall = el('section', { class: 'waterfall-container', id: 'waterfall' });
  const timing = el('p', { class: 'render-time hint', id: 'render-time' });
  main.replaceChildren(header(trace), el('div', { class: 'trace-layout' }, waterfall, detail), timing);

  const base = BigInt(summary.startUnixNano);
  const { logsLink } = await settings;
  const began = performance.now();
  // Spans name their resource and scope by index into the trace's tables.
  const shown = renderWaterfall(waterfall, trace, (span) =>
    detail.replaceChildren(...spanDetail(span, base, trace.resources[span.resource], trace.scopes[span.scope],
      logsLink ? logsAnchor(logsLink, span, summary) : null)));
  const built = performance.now() - began;
  void waterfall.offsetHeight; // force style and layout, so the figure includes them
  const took = performance.now() - began;
  document.documentElement.dataset.buildMs = built.toFixed(1);
  timing.textContent = `${shown} spans rendered in ${took.toFixed(0)} ms (DOM ${built.toFixed(0)} ms, layout ${(took - built).toFixed(0)} ms).`;
  document.documentElement.dataset.renderMs = took.toFixed(1);
  document.documentElement.dataset.renderedSpans = String(shown);
}

/** The configured link to the user's logs, its placeholders filled for this span and trace. */
function logsAnchor(link, span, summary) {
  const startMs = unixNanoToMillis(summary.startUnixNano);
  const endMs = startMs + Math.ceil(summary.durationNanos / 1e6);
  const values = {
    traceId: summary.traceId,
    spanId: span.spanId,
    service: span.service,
    startMs: String(startMs),
    endMs: String(endMs),
    startIso: new Date(startMs).toISOString(),
    endIso: new Date(endMs).toISOString(),
  };
  const href = link.template.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? encodeURIComponent(values[name]) : whole));
  return el('a', { href, id: 'logs-link', target: '_blank', rel: 'noopener noreferrer' }, link.name);
}

function plural(count, noun) {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function header(trace) {
  const s = trace.summary;
  const sampling = s.sampling;
  const facts = [
    ['Trace ID', el('code', { id: 'trace-id' }, s.traceId)],
    ['Start', formatTime(unixNanoToMillis(s.startUnixNano))],
    ['Duration', formatDuration(s.durationNanos)],
    ['Spans', trace.shownSpanCount === s.spanCount ? String(s.spanCount) : `${trace.shownSpanCount} shown of ${s.spanCount}`],
    ['Services', s.services.join(', ')],
    ['Errors', String(s.errorCount)],
    ['Kept by', sampling
      ? el('span', { id: 'kept-by' }, el('strong', {}, sampling.rule),
        ` with probability ${formatProbability(sampling.probability)} (counts for ${plural(Number(sampling.adjustedCount.toPrecision(4)), 'trace')})`)
      : el('span', { id: 'kept-by' }, 'unknown (no sampling record)')],
  ];
  const list = el('dl', { class: 'facts' });
  for (const [term, value] of facts) list.append(el('div', {}, el('dt', {}, term), el('dd', {}, value)));
  return el('section', { class: 'trace-header' },
    el('h1', {}, el('span', { class: 'root-service' }, s.rootService || '(unknown service)'), ': ',
      el('span', { class: 'root-operation' }, s.rootOperation || '(no root span)')),
    list,
    el('p', {}, el('a', { href: otlpDownloadUrl(s.traceId), download: `trace-${s.traceId}.json`, id: 'download-otlp' }, 'Download as OTLP JSON')),
    trace.warnings.map((w) => message('warning', w)));
}
