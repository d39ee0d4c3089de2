// The chat panel, with the rules of pi-messenger's overlay (seed 001): "@Name msg" sends to one agent, "@all msg"
// broadcasts, and text without an @ goes to the one chosen beside the input (all, or an agent).
import {h, fill, clock} from './dom.js';

/**
 * @param text   what the person typed
 * @param chosen "@all" or an agent name: where text without a leading @ goes
 * @return {action, args} for /dashboard/api/call, or {error}
 */
export function parseChat(text, chosen) {
  const t = text.trim();
  if (!t) return {error: 'type a message first'};
  const to = [];
  let rest = t;
  // leading mentions: "@a @b hello" sends to a and b
  for (let m; (m = /^@([^\s@]+)\s*/.exec(rest));) {
    to.push(m[1]);
    rest = rest.slice(m[0].length);
  }
  if (to.length && !rest) return {error: 'the message after ' + to.map(n => '@' + n).join(' ') + ' is empty'};
  if (!to.length) {
    return chosen && chosen !== '@all'
      ? {action: 'send', args: {to: [chosen], message: t}}
      : {action: 'broadcast', args: {message: t}};
  }
  if (to.some(n => n.toLowerCase() === 'all')) {
    if (to.length > 1) return {error: '@all goes alone: it already reaches everyone'};
    return {action: 'broadcast', args: {message: rest}};
  }
  return {action: 'send', args: {to, message: rest}};
}

/** Fills the recipient chooser with the present agents (but me), keeping the choice. */
export function renderChooser(select, agents, me) {
  const keep = select.value || '@all';
  const names = agents.filter(a => a.present && a.name !== me).map(a => a.name);
  fill(select, h('option', {value: '@all'}, 'all'), names.map(n => h('option', {value: n}, n)));
  select.value = names.includes(keep) ? keep : '@all';
}

/**
 * Shows the project's conversation: the messages in the feed (previews, oldest first) and, above them, the
 * person's unread messages in full, with a button that marks them read.
 */
export function renderChat(log, state, call) {
  const me = state.me.name;
  const feed = state.feed.ok ? state.feed.data : [];
  const inbox = state.inbox.ok ? state.inbox.data : [];
  const said = feed.filter(e => e.kind === 'message' || e.kind === 'broadcast');
  const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
  const rows = said.map(e => h('div', {class: 'msg' + (e.actor === me ? ' mine' : '') + (isFor(e, me) ? ' forme' : ''), 'data-feed': e.id},
    h('span', {class: 'when'}, clock(e.at)), ' ',
    h('span', {class: 'who'}, e.actor || 'system'),
    h('span', {class: 'to'}, e.kind === 'broadcast' ? ' → all' : ' → ' + (e.target || '')), ': ',
    h('span', {class: 'text'}, e.detail || '')));
  const unread = inbox.length === 0 ? null : h('div', {class: 'unread'},
    h('div', {class: 'unread-head'}, inbox.length + ' unread for you',
      h('button', {type: 'button', class: 'quiet', onclick: () => call('inbox.ack', {ids: inbox.map(m => m.id)})}, 'Mark read')),
    inbox.map(m => h('div', {class: 'msg forme full', 'data-message': m.id},
      h('span', {class: 'when'}, clock(m.createdAt)), ' ',
      h('span', {class: 'who'}, m.sender),
      h('span', {class: 'to'}, m.broadcast ? ' → all' : ' → you'), ': ',
      h('span', {class: 'text'}, m.body))));
  fill(log, unread, rows.length ? rows : h('p', {class: 'note'}, 'No messages yet. Type @Name to talk to one agent, @all to everyone.'));
  if (atBottom) log.scrollTop = log.scrollHeight;
}

function isFor(e, me) {
  return e.kind === 'broadcast' ? e.actor !== me : (e.target || '').split(',').includes(me);
}
