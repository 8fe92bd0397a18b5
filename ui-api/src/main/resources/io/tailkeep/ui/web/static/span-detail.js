// The selected span: identity and timing, status, attributes, events, links, resource and scope.

import { el, keyValueTable } from './dom.js';
import { formatDuration } from './format.js';

/**
 * `resource` and `scope` are the entries of the trace's tables the span points at; `logsLink` the
 * link to the user's logs for the trace, or null when none is configured. The server leaves out
 * what is at its default (no status when UNSET, no events, attributes, dropped counts...).
 */
export function spanDetail(span, traceStart, resource, scope, logsLink) {
  const offset = Number(BigInt(span.startUnixNano) - traceStart);
  const status = span.status ?? { code: 'UNSET' };
  const overview = [
    ['Service', span.service],
    ['Operation', span.name],
    ['Kind', span.kind],
    ['Span ID', span.spanId],
    ['Parent span ID', span.parentSpanId ?? '(root)'],
    ['Starts at', `+${formatDuration(offset)}`],
    ['Duration', formatDuration(span.durationNanos)],
    ['Self time', formatDuration(span.selfTimeNanos)],
    ['Status', status.message ? `${status.code}: ${status.message}` : status.code],
  ];
  if (span.traceState) overview.push(['Trace state', span.traceState]);
  const parts = [
    el('h2', {}, el('span', { class: 'service' }, span.service), ' ', el('span', { class: 'operation' }, span.name)),
    keyValueTable(overview, 'kv overview'),
    logsLink ? el('p', { class: 'logs-link' }, logsLink) : null,
    section('Attributes', keyValueTable(Object.entries(span.attributes ?? {}), 'kv attributes'), span.droppedAttributesCount),
    section('Events', events(span.events ?? [], traceStart), span.droppedEventsCount),
    section('Links', links(span.links ?? []), span.droppedLinksCount),
    section('Resource', keyValueTable(Object.entries(resource.attributes), 'kv resource'), resource.droppedAttributesCount),
    section('Scope', keyValueTable([['name', scope.name], ['version', scope.version], ...Object.entries(scope.attributes)], 'kv scope'), 0),
  ];
  if (span.warnings?.length) parts.push(section('Warnings', el('ul', {}, span.warnings.map((w) => el('li', {}, w))), 0));
  return parts.filter(Boolean);
}

function section(title, content, dropped) {
  return el('section', { class: `detail-${title.toLowerCase()}` }, el('h3', {}, title), content,
    dropped > 0 ? el('p', { class: 'hint' }, `${dropped} dropped by the SDK`) : null);
}

function events(list, traceStart) {
  if (list.length === 0) return el('p', { class: 'empty' }, 'none');
  return el('ol', { class: 'events' }, list.map((event) => el('li', {},
    el('div', {}, el('strong', {}, event.name), ` at +${formatDuration(Number(BigInt(event.timeUnixNano) - traceStart))}`),
    keyValueTable(Object.entries(event.attributes ?? {})))));
}

function links(list) {
  if (list.length === 0) return el('p', { class: 'empty' }, 'none');
  return el('ol', { class: 'links' }, list.map((link) => el('li', {},
    el('div', {}, el('a', { href: `/trace/${link.traceId}` }, `trace ${link.traceId}`), `, span ${link.spanId}`),
    keyValueTable(Object.entries(link.attributes ?? {})))));
}
