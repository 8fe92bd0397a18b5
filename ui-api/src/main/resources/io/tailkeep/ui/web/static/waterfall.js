// The waterfall: every span as one row (name column + bar on a shared time axis), in tree order.
// Built in one pass into a DocumentFragment; collapsing hides rows instead of rebuilding them.

import { el } from './dom.js';
import { formatDuration, serviceColors } from './format.js';

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
  const colors = serviceColors(trace.summary.services);
  const collapsed = new Uint8Array(rows.length);
  const elements = new Array(rows.length);

  const body = el('div', { class: 'waterfall-rows', role: 'rowgroup' });
  const fragment = document.createDocumentFragment();
  for (let i = 0; i < rows.length; i++) {
    elements[i] = spanRow(rows[i], i, traceEnd, colors);
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

function spanRow(row, index, traceEnd, colors) {
  const span = row.span;
  const isError = span.status?.code === 'ERROR';
  const color = colors.get(span.service) ?? '#888';
  const hasChildren = row.last > index;

  const name = el('div', { class: 'span-name' },
    hasChildren
      ? el('button', { type: 'button', class: 'toggle', 'aria-expanded': 'true', 'aria-label': 'Collapse or expand' }, '▾')
      : el('span', { class: 'toggle-space' }),
    el('span', { class: 'service' }, span.service),
    el('span', { class: 'operation' }, span.name),
    isError ? el('span', { class: 'error-mark', title: 'Error' }, '!') : null);
  name.style.paddingLeft = `${Math.min(row.depth, MAX_INDENT_LEVELS) * INDENT_PX + 4}px`;

  const bar = el('div', { class: isError ? 'bar error' : 'bar' });
  const left = (row.offset / traceEnd) * 100;
  bar.style.left = `${left}%`;
  bar.style.width = `${Math.max(0.1, (span.durationNanos / traceEnd) * 100)}%`;
  bar.style.backgroundColor = color;
  const label = el('span', { class: 'bar-label' }, formatDuration(span.durationNanos));
  label.style.left = left > 80 ? 'auto' : `${left}%`;
  if (left > 80) label.style.right = `${100 - left}%`;

  const element = el('div', {
    class: isError ? 'span-row error' : 'span-row', role: 'row',
    dataset: { index: String(index), spanId: span.spanId },
  }, name, el('div', { class: 'span-timeline' }, bar, label));
  element.style.setProperty('--service-color', color);
  return element;
}
