// The service map: services and the calls between them over a window, counted by the sampler from
// every span before sampling (/api/v1/traffic/graph). /map?lookback=1h is the page; drawn in SVG by hand.

import { api } from './api.js';
import { el, message, svg } from './dom.js';
import { formatCount, formatMillis, formatPercent, formatRate, formatTime } from './format.js';
import { layoutGraph } from './graph-layout.js';
import { lookbackMillis } from './search.js';

const WINDOWS = [
  ['15m', 'Last 15 minutes'],
  ['1h', 'Last hour'],
  ['6h', 'Last 6 hours'],
  ['24h', 'Last 24 hours'],
];
const DEFAULT_WINDOW = '1h';

/** Error rate bands, each a class that colours nodes and edges (style.css); the last is the error colour. */
const ERROR_BANDS = [
  { band: 'err-0', below: 0, text: 'no errors' },
  { band: 'err-1', below: 0.01, text: 'under 1 %' },
  { band: 'err-2', below: 0.05, text: '1 % to 5 %' },
  { band: 'err-3', below: Infinity, text: '5 % or more' },
];

const COLUMN_WIDTH = 300;
const ROW_HEIGHT = 110;
const PAD_X = 110;
const PAD_Y = 50;
/** Room above the top row for edges drawn backwards or to the node itself, which arch over. */
const ARCH_ROOM = 90;
const R_MIN = 10;
const R_MAX = 34;
/** Above this many edges their labels start off (the figures stay in each edge's tooltip and the table). */
const LABELLED_EDGES = 30;

export async function mapPage(main) {
  document.title = 'Service map · Tailkeep';
  const picker = el('select', { id: 'map-window', name: 'lookback' },
    WINDOWS.map(([value, text]) => el('option', { value }, text)));
  const body = el('div', { id: 'map-body', 'aria-live': 'polite' });
  main.replaceChildren(el('section', { class: 'map' },
    el('div', { class: 'map-header' },
      el('h1', {}, 'Service map'),
      el('label', { class: 'map-window' }, el('span', { class: 'field-label' }, 'Window '), picker),
      el('span', { class: 'hint' },
        'Counted by the sampler from every span before sampling: all traffic, not only the stored traces.')),
    body));

  async function show() {
    const lookback = windowFromUrl();
    if (![...picker.options].some((o) => o.value === lookback)) picker.append(el('option', { value: lookback }, `Last ${lookback}`));
    picker.value = lookback;
    await render(body, lookback);
  }
  picker.addEventListener('change', () => {
    history.pushState(null, '', `/map?lookback=${encodeURIComponent(picker.value)}`);
    show();
  });
  window.addEventListener('popstate', show);
  await show();
}

/** The URL's lookback when it is one (90m, 6h, 2d); else the default hour. */
function windowFromUrl() {
  const text = new URLSearchParams(location.search).get('lookback') ?? '';
  return /^\d+[mhdw]$/.test(text) && lookbackMillis(text) > 0 ? text : DEFAULT_WINDOW;
}

async function render(body, lookback) {
  body.replaceChildren(el('p', { class: 'loading' }, 'Loading the service graph…'));
  const end = new Date();
  const start = new Date(end.getTime() - lookbackMillis(lookback));
  let graph;
  try {
    graph = await api.trafficGraph(new URLSearchParams({ start: start.toISOString(), end: end.toISOString() }));
  } catch (e) {
    body.replaceChildren(message('error', `Could not load the service graph: ${e.message}`));
    return;
  }
  if (graph.services.length === 0 && graph.edges.length === 0) {
    body.replaceChildren(
      message('info', 'No traffic counted in this window.'),
      el('p', { class: 'hint', id: 'map-empty-hint' },
        'The sampler role counts every span it receives, before sampling, a minute at a time. '
          + 'Send spans to a node with the sampler role (the all-in-one has it), or pick a longer window.'));
    return;
  }
  const nodes = nodeFigures(graph);
  const menu = tracesMenu();
  const drawing = graphDrawing(nodes, graph.edges, lookback, menu);
  const labels = el('input', { type: 'checkbox', id: 'map-edge-labels', checked: graph.edges.length <= LABELLED_EDGES });
  const showLabels = () => drawing.classList.toggle('hide-edge-labels', !labels.checked);
  labels.addEventListener('change', showLabels);
  showLabels();
  body.replaceChildren(
    el('p', { class: 'hint map-window-text' },
      `${formatTime(Date.parse(graph.start))} to ${formatTime(Date.parse(graph.end))}, whole minutes. `,
      el('label', { class: 'map-labels-toggle' }, labels, ' Label the edges')),
    legend(nodes),
    // The menu sits beside the scrolling drawing, not in it, so a short drawing does not clip it.
    el('div', { class: 'map-frame' }, el('div', { class: 'map-scroll' }, drawing), menu.element),
    serviceTable(nodes, lookback),
    edgeTable(graph.edges, lookback));
}

/** Every node by name: the API's services, plus any edge end it did not list (without figures). */
function nodeFigures(graph) {
  const nodes = new Map(graph.services.map((s) => [s.service, s]));
  for (const e of graph.edges) {
    for (const name of [e.client, e.server]) {
      if (!nodes.has(name)) {
        nodes.set(name, { service: name, calls: 0, errors: 0, ratePerSecond: 0, errorRate: null, p50Ms: null, p95Ms: null, p99Ms: null, measuredBy: 'edges' });
      }
    }
  }
  return nodes;
}

function errorBand(errorRate) {
  if (errorRate === null || errorRate === undefined) return 'err-none';
  if (errorRate === 0) return 'err-0';
  return ERROR_BANDS.find((b) => errorRate < b.below)?.band ?? 'err-3';
}

/** Area grows with the rate: the radius with its square root, between R_MIN and R_MAX. */
function radiusScale(nodes) {
  const highest = Math.max(0, ...[...nodes.values()].map((n) => n.ratePerSecond ?? 0));
  return (rate) => (highest > 0 ? R_MIN + (R_MAX - R_MIN) * Math.sqrt(Math.max(0, rate ?? 0) / highest) : R_MIN);
}

/** A peer that sends no spans (a database) is known only from the calls into it. */
function isPeer(node) {
  return node.measuredBy === 'edges';
}

/** The search for a service's slowest traces over the same window. */
function serviceSearch(service, lookback) {
  return `/search?${new URLSearchParams({ service, lookback, sort: 'duration' })}`;
}

/** The search for a service's traces with an error span over the same window, newest first. */
function serviceFailedSearch(service, lookback) {
  return `/search?${new URLSearchParams({ service, lookback, errors: 'true' })}`;
}

/**
 * The client's slowest traces over the same window lasting at least the edge's p95: every trace
 * holding one of the edge's slow calls lasts at least as long. The search has no filter for the
 * server called.
 */
function edgeSearch(edge, lookback) {
  const params = new URLSearchParams({ service: edge.client, lookback, sort: 'duration' });
  const atLeast = goDuration(edge.p95Ms);
  if (atLeast) params.set('minDuration', atLeast);
  return `/search?${params}`;
}

/**
 * The client's traces with an error span over the same window. The search has no filter for the
 * server called, so these are all the client's failed traces, those of this edge among them.
 */
function edgeFailedSearch(edge, lookback) {
  return serviceFailedSearch(edge.client, lookback);
}

/**
 * The menu a click on a node or an edge opens: its slowest and its failed traces. One per drawing,
 * beside what was clicked; it closes on Escape (focus back to what opened it) or a click elsewhere.
 * The node or edge keeps its link to the slowest traces, for a middle click or a new tab.
 */
function tracesMenu() {
  const heading = el('div', { class: 'traces-menu-title', id: 'map-menu-title' });
  const slow = el('a', { class: 'traces-menu-link', id: 'map-menu-slow' }, 'Slowest traces');
  const failed = el('a', { class: 'traces-menu-link', id: 'map-menu-failed' }, 'Failed traces');
  const note = el('div', { class: 'hint traces-menu-note', id: 'map-menu-note' });
  const menu = el('div', {
    class: 'traces-menu', id: 'map-menu', role: 'dialog', 'aria-labelledby': 'map-menu-title', hidden: true,
  }, heading, slow, failed, note);
  let opener = null;
  const close = (focusOpener) => {
    if (menu.hidden) return;
    menu.hidden = true;
    if (focusOpener && opener) opener.focus();
  };
  menu.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      close(true);
    }
  });
  const outside = (event) => {
    if (!menu.isConnected) {
      document.removeEventListener('click', outside); // the drawing was replaced
    } else if (!menu.contains(event.target) && !(opener && opener.contains(event.target))) {
      close(false);
    }
  };
  document.addEventListener('click', outside);
  return {
    element: menu,
    /** Opens beside the pointer, or beside the element when the keyboard clicked it. */
    open(event, target, { title, slowHref, failedHref, hint }) {
      event.preventDefault();
      opener = target;
      heading.textContent = title;
      slow.setAttribute('href', slowHref);
      failed.setAttribute('href', failedHref);
      note.textContent = hint;
      const frame = menu.parentElement.getBoundingClientRect();
      const shape = target.getBoundingClientRect();
      const x = event.detail > 0 ? event.clientX : shape.left + shape.width / 2;
      const y = event.detail > 0 ? event.clientY : shape.top + shape.height / 2;
      menu.style.left = `${Math.round(x - frame.left + 8)}px`;
      menu.style.top = `${Math.round(y - frame.top + 8)}px`;
      menu.hidden = false;
      // Kept inside the frame when the click was near its right edge.
      const maxLeft = menu.parentElement.clientWidth - menu.offsetWidth - 4;
      if (menu.offsetLeft > maxLeft) menu.style.left = `${Math.max(0, maxLeft)}px`;
      slow.focus();
    },
  };
}

/** Milliseconds as a Go duration the search takes, rounded down so the bound is never above the p95. */
function goDuration(ms) {
  if (ms === null || ms === undefined || !(ms > 0)) return null;
  return ms >= 1 ? `${Math.floor(ms)}ms` : `${Math.floor(ms * 1000)}us`;
}

function edgeLabel(edge) {
  return `${formatCount(edge.calls)} calls · ${formatCount(edge.errors)} errors · p95 ${formatMillis(edge.p95Ms)}`;
}

function nodeTitle(node) {
  const measured = {
    server: 'measured by the requests it served (server and consumer spans)',
    spans: 'measured by all its spans (it served no requests in this window)',
    edges: 'sends no spans: measured by the calls into it',
  }[node.measuredBy] ?? '';
  return `${node.service}: ${measured}\n${formatCount(node.calls)} calls, ${formatRate(node.ratePerSecond)}, `
    + `${formatCount(node.errors)} errors (${formatPercent(node.errorRate)}), `
    + `p50 ${formatMillis(node.p50Ms)}, p95 ${formatMillis(node.p95Ms)}, p99 ${formatMillis(node.p99Ms)}`;
}

function graphDrawing(nodes, edges, lookback, menu) {
  const { columns, place } = layoutGraph([...nodes.keys()], edges);
  const tallest = Math.max(1, ...columns.map((c) => c.length));
  const radius = radiusScale(nodes);
  const width = PAD_X * 2 + (columns.length - 1) * COLUMN_WIDTH;
  const arches = edges.some((e) => e.client === e.server || place.get(e.server).column <= place.get(e.client).column);
  const top = PAD_Y + (arches ? ARCH_ROOM : 0);
  const height = top + PAD_Y + (tallest - 1) * ROW_HEIGHT + 30;
  const at = new Map();
  for (const [name, { column, row }] of place) {
    const shift = (tallest - columns[column].length) / 2;
    at.set(name, { x: PAD_X + column * COLUMN_WIDTH, y: top + (row + shift) * ROW_HEIGHT, r: radius(nodes.get(name).ratePerSecond) });
  }

  const drawing = svg('svg', {
    class: 'service-map', id: 'service-map', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img',
    'aria-label': `Service map: ${nodes.size} services, ${edges.length} edges`,
  }, svg('defs', {},
    arrowMarker('arrow', 'arrow-head'),
    arrowMarker('arrow-failing', 'arrow-head failing')));

  const edgeLayer = svg('g', { class: 'edges' });
  const labelLayer = svg('g', { class: 'edge-labels' });
  for (const edge of edges) {
    const from = at.get(edge.client);
    const to = at.get(edge.server);
    const curve = edgeCurve(from, to, edge.client === edge.server, place.get(edge.server).column <= place.get(edge.client).column);
    const band = errorBand(edge.errorRate);
    const failing = band === 'err-3';
    const title = `${edge.client} → ${edge.server}: ${formatCount(edge.calls)} calls (${formatRate(edge.ratePerSecond)}), `
      + `${formatCount(edge.errors)} errors (${formatPercent(edge.errorRate)}), p50 ${formatMillis(edge.p50Ms)}, `
      + `p95 ${formatMillis(edge.p95Ms)}, p99 ${formatMillis(edge.p99Ms)}. Click: ${edge.client}'s slowest or failed traces`;
    const openMenu = (event) => menu.open(event, event.currentTarget, {
      title: `${edge.client} → ${edge.server}`,
      slowHref: edgeSearch(edge, lookback),
      failedHref: edgeFailedSearch(edge, lookback),
      hint: `Slowest: ${edge.client}'s traces at least as slow as this call's p95. Failed: all of `
        + `${edge.client}'s traces with an error (the search cannot pick the server called).`,
    });
    edgeLayer.append(svg('a', { href: edgeSearch(edge, lookback), class: 'edge-link', onclick: openMenu },
      svg('g', { class: `edge ${band}`, dataset: { client: edge.client, server: edge.server } },
        svg('path', { d: curve.path, class: 'edge-hit' }),
        svg('path', { d: curve.path, class: 'edge-line', 'marker-end': `url(#${failing ? 'arrow-failing' : 'arrow'})` }),
        svg('title', {}, title))));
    labelLayer.append(svg('text', {
      x: curve.mid.x.toFixed(1), y: (curve.mid.y - 6).toFixed(1), 'text-anchor': 'middle', class: 'edge-label',
      dataset: { client: edge.client, server: edge.server },
    }, edgeLabel(edge)));
  }

  const nodeLayer = svg('g', { class: 'nodes' });
  for (const [name, p] of at) {
    const node = nodes.get(name);
    const peer = isPeer(node);
    const shape = peer
      ? svg('rect', { x: (p.x - p.r).toFixed(1), y: (p.y - p.r * 0.8).toFixed(1), width: (2 * p.r).toFixed(1), height: (1.6 * p.r).toFixed(1), rx: 6, class: 'node-shape' })
      : svg('circle', { cx: p.x, cy: p.y.toFixed(1), r: p.r.toFixed(1), class: 'node-shape' });
    const group = svg('g', {
      class: `node ${peer ? 'peer' : 'service'} ${errorBand(node.errorRate)}`,
      dataset: { service: name, radius: p.r.toFixed(2), measuredBy: node.measuredBy },
    },
    shape,
    svg('text', { x: p.x, y: (p.y + p.r + 16).toFixed(1), 'text-anchor': 'middle', class: 'node-name' }, name),
    svg('text', { x: p.x, y: (p.y + p.r + 31).toFixed(1), 'text-anchor': 'middle', class: 'node-figures' },
      `${formatRate(node.ratePerSecond)} · ${formatPercent(node.errorRate)} errors · p95 ${formatMillis(node.p95Ms)}`),
    svg('title', {}, peer ? nodeTitle(node) : `${nodeTitle(node)}\nClick: its slowest or failed traces`));
    const openMenu = (event) => menu.open(event, event.currentTarget, {
      title: name,
      slowHref: serviceSearch(name, lookback),
      failedHref: serviceFailedSearch(name, lookback),
      hint: `Stored traces of ${name} in the same window.`,
    });
    // A peer has no spans of its own to search.
    nodeLayer.append(peer ? group : svg('a', { href: serviceSearch(name, lookback), class: 'node-link', onclick: openMenu }, group));
  }
  drawing.append(edgeLayer, nodeLayer, labelLayer);
  return drawing;
}

function arrowMarker(id, className) {
  return svg('marker', {
    id, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse',
    markerUnits: 'strokeWidth', class: className,
  }, svg('path', { d: 'M0,0 L10,5 L0,10 z' }));
}

/**
 * A cubic curve from the client's right to the server's left; backwards (or within a column) from
 * top to top, arching above; a service calling itself, a loop above it. mid: the curve's middle.
 */
function edgeCurve(from, to, self, backwards) {
  let p0;
  let p1;
  let p2;
  let p3;
  if (self) {
    p0 = { x: from.x - from.r * 0.5, y: from.y - from.r * 0.87 };
    p3 = { x: from.x + from.r * 0.5, y: from.y - from.r * 0.87 };
    p1 = { x: from.x - from.r * 1.6, y: from.y - from.r - 50 };
    p2 = { x: from.x + from.r * 1.6, y: from.y - from.r - 50 };
  } else if (backwards) {
    p0 = { x: from.x, y: from.y - from.r };
    p3 = { x: to.x, y: to.y - to.r - 4 };
    const lift = 40 + Math.min(40, Math.abs(from.x - to.x) * 0.15);
    p1 = { x: from.x, y: Math.min(from.y, to.y) - lift - from.r };
    p2 = { x: to.x, y: Math.min(from.y, to.y) - lift - to.r };
  } else {
    p0 = { x: from.x + from.r, y: from.y };
    p3 = { x: to.x - to.r - 4, y: to.y };
    const dx = (p3.x - p0.x) / 2;
    p1 = { x: p0.x + dx, y: p0.y };
    p2 = { x: p3.x - dx, y: p3.y };
  }
  const mid = { x: (p0.x + 3 * p1.x + 3 * p2.x + p3.x) / 8, y: (p0.y + 3 * p1.y + 3 * p2.y + p3.y) / 8 };
  const f = (p) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`;
  return { path: `M${f(p0)} C${f(p1)} ${f(p2)} ${f(p3)}`, mid };
}

function legend(nodes) {
  const highest = Math.max(0, ...[...nodes.values()].map((n) => n.ratePerSecond ?? 0));
  const swatch = (shape) => svg('svg', { width: 26, height: 22, viewBox: '0 0 26 22', class: 'legend-swatch', 'aria-hidden': 'true' }, shape);
  return el('div', { class: 'map-legend', id: 'map-legend' },
    el('span', { class: 'legend-item' },
      swatch(svg('circle', { cx: 6, cy: 14, r: 4, class: 'legend-size' })),
      swatch(svg('circle', { cx: 13, cy: 11, r: 10, class: 'legend-size' })),
      `Size: requests per second (area; the largest here ${formatRate(highest)})`),
    el('span', { class: 'legend-item' }, 'Colour: error rate ',
      ERROR_BANDS.map((b) => el('span', { class: 'legend-band' },
        swatch(svg('circle', { cx: 13, cy: 11, r: 7, class: `legend-colour ${b.band}` })), b.text))),
    el('span', { class: 'legend-item' },
      swatch(svg('rect', { x: 3, y: 4, width: 20, height: 14, rx: 3, class: 'legend-peer' })),
      'Sends no spans (a database, say): measured by the calls into it'),
    el('span', { class: 'legend-item' },
      swatch(svg('path', { d: 'M2,11 L20,11', class: 'legend-edge', 'marker-end': 'url(#arrow)' })),
      'Arrow: client → server, labelled calls · errors · p95 of the server side'));
}

const NUMBER_HEADINGS = ['Calls', 'Rate', 'Errors', 'Error rate', 'p50', 'p95', 'p99'];

function headings(texts, numbers) {
  return [...texts.map((h) => el('th', { scope: 'col' }, h)), ...numbers.map((h) => el('th', { scope: 'col', class: 'number' }, h))];
}

function serviceTable(nodes, lookback) {
  const rows = [...nodes.values()].sort((a, b) => (a.service < b.service ? -1 : a.service > b.service ? 1 : 0));
  return el('section', { class: 'map-table' },
    el('h2', {}, 'Services'),
    el('table', { class: 'result-list', id: 'map-services' },
      el('thead', {}, el('tr', {},
        headings(['Service', 'Measured by'], NUMBER_HEADINGS), el('th', { scope: 'col' }, 'Failed'))),
      el('tbody', {}, rows.map((n) => el('tr', { dataset: { service: n.service } },
        el('td', {}, isPeer(n) ? n.service : el('a', { href: serviceSearch(n.service, lookback) }, n.service)),
        el('td', {}, { server: 'requests served', spans: 'all its spans', edges: 'calls into it' }[n.measuredBy] ?? n.measuredBy),
        el('td', { class: 'number' }, formatCount(n.calls)),
        el('td', { class: 'number' }, formatRate(n.ratePerSecond)),
        el('td', { class: `number${n.errors > 0 ? ' error-count' : ''}` }, formatCount(n.errors)),
        el('td', { class: 'number' }, formatPercent(n.errorRate)),
        el('td', { class: 'number' }, formatMillis(n.p50Ms)),
        el('td', { class: 'number' }, formatMillis(n.p95Ms)),
        el('td', { class: 'number' }, formatMillis(n.p99Ms)),
        el('td', {}, isPeer(n) ? null : el('a', { href: serviceFailedSearch(n.service, lookback), class: 'failed-link' }, 'failed traces')))))));
}

function edgeTable(edges, lookback) {
  if (edges.length === 0) return el('p', { class: 'hint' }, 'No calls between services were counted in this window.');
  return el('section', { class: 'map-table' },
    el('h2', {}, 'Calls'),
    el('table', { class: 'result-list', id: 'map-edges' },
      el('thead', {}, el('tr', {},
        headings(['Client → server'], NUMBER_HEADINGS), el('th', { scope: 'col' }, 'Failed'))),
      el('tbody', {}, edges.map((e) => el('tr', { dataset: { client: e.client, server: e.server } },
        el('td', {}, el('a', { href: edgeSearch(e, lookback) }, `${e.client} → ${e.server}`)),
        el('td', { class: 'number' }, formatCount(e.calls)),
        el('td', { class: 'number' }, formatRate(e.ratePerSecond)),
        el('td', { class: `number${e.errors > 0 ? ' error-count' : ''}` }, formatCount(e.errors)),
        el('td', { class: 'number' }, formatPercent(e.errorRate)),
        el('td', { class: 'number' }, formatMillis(e.p50Ms)),
        el('td', { class: 'number' }, formatMillis(e.p95Ms)),
        el('td', { class: 'number' }, formatMillis(e.p99Ms)),
        el('td', {}, el('a', {
          href: edgeFailedSearch(e, lookback), class: 'failed-link', title: `all of ${e.client}'s traces with an error`,
        }, `${e.client}'s failed traces`)))))));
}
