// Builds DOM nodes. Strings always become text nodes: data from spans is never parsed as HTML.

export function el(tag, props = {}, ...children) {
  return fill(document.createElement(tag), props, children);
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function svg(tag, props = {}, ...children) {
  return fill(document.createElementNS(SVG_NS, tag), props, children);
}

function fill(node, props, children) {
  for (const [key, value] of Object.entries(props)) {
    if (value == null || value === false) continue;
    if (key === 'class') node.setAttribute('class', value);
    else if (key === 'text') node.textContent = value;
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child == null || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

/** A message box; kind is "error", "info" or "warning". */
export function message(kind, text) {
  return el('div', { class: `message ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
}

/** A two-column table of key and value, values shown as text. */
export function keyValueTable(entries, className = 'kv') {
  if (entries.length === 0) return el('p', { class: 'empty' }, 'none');
  const body = el('tbody');
  for (const [key, value] of entries) {
    body.append(el('tr', {}, el('th', { scope: 'row' }, key), el('td', {}, displayValue(value))));
  }
  return el('table', { class: className }, body);
}

/** Attribute values keep their JSON types; objects and arrays are shown as JSON. */
export function displayValue(value) {
  if (value === null || value === undefined) return '(empty)';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
