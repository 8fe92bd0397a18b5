// The waterfall: every span as one row (name column + bar on a shared time axis), in tree order.
// Built in one pass into a DocumentFragment; collapsing hides rows instead of rebuilding them.

import { el } from './dom.js';
import { formatDuration, serviceColorClasses } from './format.js';

const INDENT_PX = 14;
const MAX_INDENT_LEVELS = 40;
const TICKS = [0, 0.25, 0.5, 0.75, 1];

/**
 * Rows in depth-first order; a subtree is the rows from its root to `last`. Iterative, so a
 * deep trace cannot overflow the call stack.
 */
export function flatten(roots) {
  const rows = [];
  const stack = [];
  for (let i = roots.length - 1; i >= 0; i--) stack.push({ span: roots[i], depth: 0, parent: -1 });
  while (stack.length > 0) {
    const { span, depth, parent } = stack.pop();
    const index = rows.length;
    rows.push({ span, depth, parent, last: index });
    const children = span.children ?? [];
    for (let i = children.length - 1; i >= 0; i--) stack.push({ span: children[i], depth: depth + 1, parent: index });
  }
  for (let i = rows.length - 1; i > 0; i--) {
    const parent = rows[i].parent;
    if (parent >= 0 && rows[i].last > rows[parent].last) rows[parent].last = rows[i].last;
  }
  return rows;
}

/** Renders the trace's waterfall into `container`; `onSelect(span)` runs when a row is clicked. */
export function renderWaterfall(container, trace, onSelect) {
  const rows = flatten(trace.roots);
  const base = BigInt(trace.summary.startUnixNano);
  let traceEnd = 1;
  for (const row of rows) {
    row.offset = Number(BigInt(row.span.startUnixNano) - base);
    traceEnd = Math.max(traceEnd, row.offset + row.span.durationNanos);
  }
  const colorClasses = serviceColorClasses(trace.summary.services);
  const collapsed = new Uint8Array(rows.length);
  const elements = new Array(rows.length);

  const body = el('div', { class: 'waterfall-rows', role: 'rowgroup' });
  const fragment = document.createDocumentFragment();
  for (let i = 0; i < rows.length; i++) {
    elements[i] = spanRow(rows[i], i, traceEnd, colorClasses);
    fragment.append(elements[i]);
  }
  body.append(fragment);

  function setCollapsed(i, value) {
    collapsed[i] = value ? 1 : 0;
    const toggle = elements[i].querySelector('.toggle');
    toggle.setAttribute('aria-expanded', value ? 'false' : 'true');
    toggle.textContent = value ? '▸' : '▾';
    elements[i].classList.toggle('collapsed', value);
    // A row shows when none of its ancestors is collapsed: skip over collapsed subtrees.
    let j = i + 1;
    while (j <= rows[i].last) {
      if (value) {
        elements[j].hidden = true;
        j++;
      } else {
        elements[j].hidden = false;
        j = collapsed[j] ? rows[j].last + 1 : j + 1;
      }
    }
  }

  let selected = -1;
  body.addEventListener('click', (event) => {
    const rowElement = event.target.closest('.span-row');
    if (!rowElement) return;
    const i = Number(rowElement.dataset.index);
    if (event.target.closest('.toggle')) {
      setCollapsed(i, !collapsed[i]);
      return;
    }
    if (selected >= 0) elements[selected].classList.remove('selected');
    selected = i;
    rowElement.classList.add('selected');
    onSelect(rows[i].span);
  });

  const expandAll = () => {
    collapsed.fill(0);
    for (const element of elements) {
      element.hidden = false;
      element.classList.remove('collapsed');
      const toggle = element.querySelector('.toggle');
      if (toggle) { toggle.textContent = '▾'; toggle.setAttribute('aria-expanded', 'true'); }
    }
  };
  const collapseAll = () => {
    expandAll();
    for (let i = 0; i < rows.length; i++) if (rows[i].parent === -1 && rows[i].last > i) setCollapsed(i, true);
  };

  container.replaceChildren(
    el('div', { class: 'waterfall-tools' },
      el('button', { type: 'button', onclick: expandAll, id: 'expand-all' }, 'Expand all'),
      el('button', { type: 'button', onclick: collapseAll, id: 'collapse-all' }, 'Collapse all')),
    el('div', { class: 'waterfall', role: 'table', 'aria-label': 'Spans of the trace' }, timeAxis(traceEnd), body));
  return rows.length;
}

function timeAxis(traceEnd) {
  const ticks = el('div', { class: 'axis-ticks' });
  for (const fraction of TICKS) {
    const tick = el('span', { class: 'tick' }, formatDuration(Math.round(traceEnd * fraction)));
    tick.style.left = `${fraction * 100}%`;
    ticks.append(tick);
  }
  return el('div', { class: 'waterfall-axis', role: 'row' },
    el('div', { class: 'span-name axis-title' }, 'Service and operation'), ticks);
}

// One row's markup, cloned per span: cloning is several times faster than building each node.
const ROW = el('div', { class: 'span-row', role: 'row' },
  el('div', { class: 'span-name' },
    el('span', { class: 'toggle-space' }), el('span', { class: 'service' }), el('span', { class: 'operation' })),
  el('div', { class: 'span-timeline' }, el('div', { class: 'bar' }, el('span', { class: 'bar-label' }))));
const TOGGLE = el('button', { type: 'button', class: 'toggle', 'aria-expanded': 'true', 'aria-label': 'Collapse or expand' }, '▾');
const ERROR_MARK = el('span', { class: 'error-mark', title: 'Error' }, '!');

function spanRow(row, index, traceEnd, colorClasses) {
  const span = row.span;
  const element = ROW.cloneNode(true);
  const [name, timeline] = element.children;
  const [toggleSpace, service, operation] = name.children;
  const bar = timeline.firstChild;

  element.dataset.index = String(index);
  element.dataset.spanId = span.spanId;
  // Colours and label placement by class, not inline style: fewer CSS strings to parse per row.
  element.classList.add(colorClasses.get(span.service) ?? 'color-none');
  if (row.last > index) toggleSpace.replaceWith(TOGGLE.cloneNode(true));
  service.textContent = span.service;
  operation.textContent = span.name;
  if (row.depth > 0) name.style.paddingLeft = `${Math.min(row.depth, MAX_INDENT_LEVELS) * INDENT_PX + 4}px`;

  const left = (row.offset / traceEnd) * 100;
  const width = (span.durationNanos / traceEnd) * 100;
  bar.style.cssText = `left:${left}%;width:${Math.max(0.1, width)}%`;
  // The label follows the bar; near the right edge it goes before the bar, or inside a wide one.
  if (left + width > 85) bar.classList.add(left < 15 ? 'label-inside' : 'label-before');
  bar.firstChild.textContent = formatDuration(span.durationNanos);
  if (span.error) { // the server's one definition of an error span
    element.classList.add('error');
    bar.classList.add('error');
    name.append(ERROR_MARK.cloneNode(true));
  }
  return element;
}
