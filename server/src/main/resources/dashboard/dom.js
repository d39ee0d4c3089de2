// DOM helpers. Every string from the mesh (names, messages, briefs) is hostile input: it only ever becomes a text
// node or an attribute value set through setAttribute, never HTML. Attribute names and event names come from code.

/** Appends children: nodes as they are, anything else as text; null, undefined and false are skipped. */
function append(parent, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    parent.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/**
 * h('div', {class: 'x', onclick: fn, title: text}, child, ...) builds an element. `on*` keys add listeners; `value`
 * sets the property; other keys are attributes (true: present, null/false: absent).
 */
export function h(tag, props, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k === 'class') e.className = v;
    else if (k === 'value') e.value = v;
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  append(e, children);
  return e;
}

/** Replaces the children of `el`. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
}

/** @return HH:MM:SS of an epoch-ms time, local */
export function clock(ms) {
  if (!ms) return '';
  const d = new Date(ms);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map(n => String(n).padStart(2, '0')).join(':');
}

/** @return "12s ago", "3m ago", "2h ago" or "4d ago" */
export function ago(ms, now = Date.now()) {
  if (!ms) return '';
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 60) return s + 's ago';
  if (s < 3600) return Math.floor(s / 60) + 'm ago';
  if (s < 86400) return Math.floor(s / 3600) + 'h ago';
  return Math.floor(s / 86400) + 'd ago';
}

/** @return 1234 as "1.2k", 1234567 as "1.2M" */
export function count(n) {
  if (n === null || n === undefined) return '';
  if (n >= 1e6) return (n / 1e6).toFixed(1) + 'M';
  if (n >= 1e3) return (n / 1e3).toFixed(1) + 'k';
  return String(n);
}

/** A status pill: its class names the status, so the stylesheet colours it. */
export function pill(text, kind) {
  return h('span', {class: 'pill ' + String(kind || text).replace(/[^a-z_]/gi, '')}, text);
}

/** The quiet note a panel shows when there is nothing, or its action is not on this supervisor yet. */
export function note(text) {
  return h('p', {class: 'note'}, text);
}

/** A compact table: `cols` are [header, row => cell] pairs. */
export function table(rows, cols, rowProps) {
  return h('table', {class: 'tbl'},
    h('thead', null, h('tr', null, cols.map(([name]) => h('th', null, name)))),
    h('tbody', null, rows.map(r => h('tr', rowProps ? rowProps(r) : null, cols.map(([, cell]) => h('td', null, cell(r)))))));
}
