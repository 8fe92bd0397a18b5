// The search page. The URL's query string is the form: loading /search?... fills it and searches.

import { api, ApiError } from './api.js';
import { el, message } from './dom.js';
import { formatDuration, formatProbability, formatTime, unixNanoToMillis } from './format.js';
import { scatterPlot } from './scatter.js';
import { showTraffic } from './traffic-charts.js';

const LOOKBACKS = [
  ['5m', 'Last 5 minutes'],
  ['15m', 'Last 15 minutes'],
  ['1h', 'Last hour'],
  ['6h', 'Last 6 hours'],
  ['24h', 'Last 24 hours'],
  ['2d', 'Last 2 days'],
  ['7d', 'Last 7 days'],
  ['custom', 'Custom range'],
];

/** The URL parameters the form keeps; the API's own names, plus lookback for a moving window. */
const FORM_PARAMS = ['service', 'operation', 'tags', 'minDuration', 'maxDuration', 'errors', 'lookback', 'start', 'end', 'limit', 'sort'];

const START_HINT = 'Pick a service or a time range and search; the slowest traces are one click away.';

export async function searchPage(main) {
  document.title = 'Search · Tailkeep';
  const form = buildForm();
  const results = el('section', { id: 'results', class: 'results', 'aria-live': 'polite' });
  // A chosen service's traffic (all of it, counted before sampling) above the stored traces.
  const traffic = el('section', { id: 'traffic', class: 'traffic', 'aria-live': 'polite', hidden: true });
  main.replaceChildren(el('div', { class: 'search-layout' }, form.element, el('div', { class: 'search-main' }, traffic, results)));

  form.element.addEventListener('submit', (event) => {
    event.preventDefault();
    const params = form.read();
    if (params === null) return;
    history.pushState(null, '', `/search?${params}`);
    runSearch(params, results, traffic);
  });
  window.addEventListener('popstate', async () => {
    const params = urlParams();
    await form.fill(params);
    if ([...params.keys()].length > 0) {
      await runSearch(params, results, traffic);
    } else {
      showTraffic(traffic, {});
      results.replaceChildren(message('info', START_HINT));
    }
  });

  await form.loadServices();
  const params = urlParams();
  if ([...params.keys()].length > 0) {
    await form.fill(params);
    await runSearch(params, results, traffic);
  } else {
    results.replaceChildren(message('info', START_HINT));
  }
}

function urlParams() {
  const all = new URLSearchParams(location.search);
  const kept = new URLSearchParams();
  for (const [key, value] of all) if (FORM_PARAMS.includes(key) && value !== '') kept.append(key, value);
  return kept;
}

function field(label, control, hint) {
  return el('label', { class: 'field' }, el('span', { class: 'field-label' }, label), control,
    hint ? el('span', { class: 'hint' }, hint) : null);
}

function buildForm() {
  const service = el('select', { name: 'service', id: 'service' }, el('option', { value: '' }, 'Any service'));
  const operation = el('select', { name: 'operation', id: 'operation' }, el('option', { value: '' }, 'Any operation'));
  const tags = el('input', { name: 'tags', id: 'tags', placeholder: 'http.route=/pay region="eu west"', autocomplete: 'off' });
  const minDuration = el('input', { name: 'minDuration', id: 'minDuration', placeholder: 'e.g. 100ms', size: 8 });
  const maxDuration = el('input', { name: 'maxDuration', id: 'maxDuration', placeholder: 'e.g. 2s', size: 8 });
  // errors=true: only traces with an error span (the API's one definition of an error)
  const errors = el('input', { type: 'checkbox', name: 'errors', id: 'errors', value: 'true' });
  const lookback = el('select', { name: 'lookback', id: 'lookback' },
    LOOKBACKS.map(([value, text]) => el('option', { value }, text)));
  lookback.value = '1h';
  const start = el('input', { type: 'datetime-local', step: '1', name: 'start', id: 'start' });
  const end = el('input', { type: 'datetime-local', step: '1', name: 'end', id: 'end' });
  const customRange = el('div', { class: 'custom-range', hidden: true }, field('From', start), field('To', end));
  const limit = el('input', { type: 'number', min: 1, max: 10000, value: 20, name: 'limit', id: 'limit' });
  const sort = el('input', { type: 'hidden', name: 'sort', id: 'sort', value: '' });
  const problem = el('div', { class: 'message error', role: 'alert', hidden: true });

  lookback.addEventListener('change', () => { customRange.hidden = lookback.value !== 'custom'; });
  service.addEventListener('change', () => loadOperations(service.value));

  async function loadOperations(name, selected = '') {
    operation.replaceChildren(el('option', { value: '' }, 'Any operation'));
    if (!name) return;
    try {
      const body = await api.operations(name);
      const names = [...new Set(body.operations.map((op) => op.name))];
      for (const opName of names) operation.append(el('option', { value: opName }, opName));
    } catch (e) {
      problem.hidden = false;
      problem.textContent = `Could not load the operations of ${name}: ${e.message}`;
    }
    ensureOption(operation, selected);
  }

  const element = el('form', { class: 'search-form', id: 'search-form' },
    el('h2', {}, 'Search'),
    field('Service', service),
    field('Operation', operation),
    field('Tags', tags, 'key=value pairs separated by spaces; quote values with spaces'),
    el('div', { class: 'row' }, field('Min duration', minDuration), field('Max duration', maxDuration)),
    el('label', { class: 'checkbox-field' }, errors, ' Only traces with errors'),
    field('Time', lookback),
    customRange,
    field('Limit', limit),
    sort,
    problem,
    el('button', { type: 'submit', class: 'primary', id: 'search-button' }, 'Find traces'));

  return {
    element,
    async loadServices() {
      try {
        const body = await api.services();
        for (const name of body.services) service.append(el('option', { value: name }, name));
      } catch (e) {
        problem.hidden = false;
        problem.textContent = `Could not load the services: ${e.message}`;
      }
    },
    /** The form as URL parameters, or null (with a message shown) when a field is wrong. */
    read() {
      problem.hidden = true;
      const params = new URLSearchParams();
      const put = (key, value) => { if (value !== '' && value != null) params.append(key, value); };
      put('service', service.value);
      put('operation', service.value ? operation.value : '');
      let parsed;
      try {
        parsed = parseTags(tags.value);
      } catch (e) {
        problem.hidden = false;
        problem.textContent = e.message;
        return null;
      }
      for (const [key, value] of parsed) params.append('tags', `${key}:${value}`);
      put('minDuration', minDuration.value.trim());
      put('maxDuration', maxDuration.value.trim());
      put('errors', errors.checked ? 'true' : '');
      put('lookback', lookback.value);
      if (lookback.value === 'custom') {
        put('start', start.value ? new Date(start.value).toISOString() : '');
        put('end', end.value ? new Date(end.value).toISOString() : '');
      }
      put('limit', limit.value);
      put('sort', sort.value);
      return params;
    },
    async fill(params) {
      const serviceName = params.get('service') ?? '';
      ensureOption(service, serviceName);
      service.value = serviceName;
      await loadOperations(serviceName, params.get('operation') ?? '');
      operation.value = params.get('operation') ?? '';
      tags.value = params.getAll('tags').map(formatTag).join(' ');
      minDuration.value = params.get('minDuration') ?? '';
      maxDuration.value = params.get('maxDuration') ?? '';
      errors.checked = (params.get('errors') ?? '').toLowerCase() === 'true';
      const hasRange = params.has('start') || params.has('end');
      const lookbackText = params.get('lookback') ?? (hasRange ? 'custom' : '1h');
      // A lookback typed into a shared URL (say 3h) gets its own option.
      if (lookbackText !== 'custom' && /^\d+[mhdw]$/.test(lookbackText)) ensureOption(lookback, lookbackText, `Last ${lookbackText}`);
      lookback.value = lookbackText;
      if (lookback.value === '') lookback.value = '1h';
      customRange.hidden = lookback.value !== 'custom';
      start.value = toLocalInput(params.get('start'));
      end.value = toLocalInput(params.get('end'));
      limit.value = params.get('limit') ?? '20';
      sort.value = params.get('sort') ?? '';
    },
  };
}

/** Adds an option for a value the list lacks (a service whose traces expired, say). */
function ensureOption(select, value, text = value) {
  if (value && ![...select.options].some((option) => option.value === value)) {
    select.append(el('option', { value }, text));
  }
}

/** `a=1 b="two words"` → [["a","1"],["b","two words"]]. */
export function parseTags(text) {
  const pairs = [];
  const pattern = /\s*([^\s=]+)=(?:"([^"]*)"|(\S*))\s*/y;
  let rest = text.trim();
  pattern.lastIndex = 0;
  while (pattern.lastIndex < rest.length) {
    const at = pattern.lastIndex;
    const match = pattern.exec(rest);
    if (!match) {
      throw new Error(`Tags must be key=value pairs separated by spaces; cannot read "${rest.slice(at)}".`);
    }
    pairs.push([match[1], match[2] ?? match[3]]);
  }
  return pairs;
}

function formatTag(keyColonValue) {
  const colon = keyColonValue.indexOf(':');
  const key = colon < 0 ? keyColonValue : keyColonValue.slice(0, colon);
  const value = colon < 0 ? '' : keyColonValue.slice(colon + 1);
  return /\s/.test(value) || value === '' ? `${key}="${value}"` : `${key}=${value}`;
}

function toLocalInput(text) {
  if (!text) return '';
  const date = new Date(/^\d+$/.test(text) ? Number(text) / 1000 : text);
  if (Number.isNaN(date.getTime())) return '';
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60e3);
  return local.toISOString().slice(0, 19);
}

/** The API's parameters from the page's: a lookback becomes a start time, relative to now. */
function apiParams(params) {
  const out = new URLSearchParams();
  for (const [key, value] of params) {
    if (key !== 'lookback') out.append(key, value);
  }
  const lookback = params.get('lookback') ?? (params.has('start') || params.has('end') ? 'custom' : '1h');
  if (lookback !== 'custom') {
    out.delete('start');
    out.delete('end');
    out.set('start', new Date(Date.now() - lookbackMillis(lookback)).toISOString());
  }
  return out;
}

/** `90m`, `6h`, `2d`, `1w` in milliseconds; anything else is the default hour. */
export function lookbackMillis(text) {
  const match = /^(\d+)(m|h|d|w)$/.exec(text);
  if (!match) return 3600e3;
  return Number(match[1]) * { m: 60e3, h: 3600e3, d: 86400e3, w: 7 * 86400e3 }[match[2]];
}

async function runSearch(params, results, traffic) {
  results.replaceChildren(el('p', { class: 'loading' }, 'Searching…'));
  const query = apiParams(params);
  // The same window as the search's (one "now" for both); not awaited, the two load side by side.
  showTraffic(traffic, {
    service: query.get('service'), operation: query.get('operation'), start: query.get('start'), end: query.get('end'),
  }).catch((e) => traffic.replaceChildren(message('error', `The traffic figures could not be shown: ${e.message}`)));
  let page;
  try {
    page = await api.search(query);
  } catch (e) {
    const text = e instanceof ApiError && e.status === 400 ? `The search was refused: ${e.message}` : `Search failed: ${e.message}`;
    results.replaceChildren(message('error', text));
    return;
  }
  renderResults(results, params, page);
}

function renderResults(results, params, page) {
  const sort = page.query.sort;
  const sortLink = (value, text) => {
    const next = new URLSearchParams(params);
    next.set('sort', value);
    return el('a', {
      href: `/search?${next}`, class: `sort-option${sort === value ? ' active' : ''}`,
      id: `sort-${value}`, 'aria-current': sort === value ? 'true' : null,
    }, text);
  };
  const count = page.traces.length;
  const header = el('div', { class: 'results-header' },
    el('h2', {}, `${count} trace${count === 1 ? '' : 's'}`,
      count === 0 ? null : el('span', { class: 'hint stands-for', id: 'stands-for', dataset: { count, standsFor: page.standsFor } },
        standsForText(count, page.standsFor))),
    el('div', { class: 'sort' }, 'Order: ', sortLink('start', 'Newest first'), ' · ', sortLink('duration', 'Slowest first')));
  const parts = [header];
  for (const warning of page.warnings) parts.push(message('warning', warning));
  if (count === 0) {
    parts.push(message('info', 'No traces match. Widen the time range or remove a filter.'));
    results.replaceChildren(...parts);
    return;
  }
  parts.push(scatterPlot(page.traces));
  parts.push(resultTable(page.traces));
  if (page.next) {
    const more = new URLSearchParams(params);
    parts.push(el('p', {}, el('a', { href: `/search?${more}`, class: 'more', onclick: (event) => {
      event.preventDefault();
      loadMore(results, params, page.next, event.currentTarget);
    } }, 'More traces')));
  }
  results.replaceChildren(...parts);
}

/** Stored traces kept with probability p stand for 1/p real ones each (summed over those shown). */
function standsForText(count, standsFor) {
  const real = Math.round(standsFor);
  return real === count ? ' stored, each kept whole' : ` stored, standing for about ${real} real traces`;
}

async function loadMore(results, params, next, link) {
  link.textContent = 'Loading…';
  try {
    const query = new URLSearchParams({ next, limit: params.get('limit') ?? '20' });
    const page = await api.search(query);
    results.querySelector('table.result-list tbody').append(...page.traces.map(resultRow));
    const standsFor = results.querySelector('#stands-for');
    const count = Number(standsFor.dataset.count) + page.traces.length;
    const total = Number(standsFor.dataset.standsFor) + page.standsFor;
    Object.assign(standsFor.dataset, { count, standsFor: total });
    standsFor.textContent = standsForText(count, total);
    if (page.next) {
      link.textContent = 'More traces';
      link.onclick = (event) => { event.preventDefault(); loadMore(results, params, page.next, link); };
    } else {
      link.replaceWith(el('span', { class: 'hint' }, 'No more traces.'));
    }
  } catch (e) {
    link.replaceWith(message('error', `Could not load more: ${e.message}`));
  }
}

function resultTable(traces) {
  return el('table', { class: 'result-list' },
    el('thead', {}, el('tr', {},
      ['Trace', 'Start', 'Duration', 'Spans', 'Errors', 'Kept by'].map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, traces.map(resultRow)));
}

function resultRow(trace) {
  const sampling = trace.sampling;
  return el('tr', { class: `result${trace.errorCount > 0 ? ' has-errors' : ''}`, dataset: { traceId: trace.traceId } },
    el('td', {},
      el('a', { href: `/trace/${trace.traceId}`, class: 'trace-link' },
        el('span', { class: 'root-service' }, trace.rootService || '(unknown service)'), ': ',
        el('span', { class: 'root-operation' }, trace.rootOperation || '(no root span)')),
      el('div', { class: 'trace-id' }, trace.traceId),
      el('div', { class: 'services' }, trace.services.join(', '))),
    el('td', {}, formatTime(unixNanoToMillis(trace.startUnixNano))),
    el('td', { class: 'number' }, formatDuration(trace.durationNanos)),
    el('td', { class: 'number' }, String(trace.spanCount)),
    el('td', { class: `number${trace.errorCount > 0 ? ' error-count' : ''}` }, String(trace.errorCount)),
    el('td', {}, sampling ? `${sampling.rule} (${formatProbability(sampling.probability)})` : 'unknown'));
}
