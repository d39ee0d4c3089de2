// The dashboard page: fetches the snapshot (GET /dashboard/api/state), renders the panels, listens to
// /dashboard/events (SSE) and fetches again when something changed, at most once per burst; writes go through
// POST /dashboard/api/call as the person's human participant.
import {h, fill, clock} from './dom.js';
import {parseChat, renderChat, renderChooser} from './chat.js';
import * as panels from './panels.js';

const $ = id => document.getElementById(id);
const DEBOUNCE_MS = 150;

const ui = {
  state: null,
  selectedTask: null,
  diffs: new Map(),
  drafts: new Map(),
  loads: 0,
  call,
  chooseChat(name) {
    $('chat-to').value = [...$('chat-to').options].some(o => o.value === name) ? name : '@all';
    $('chat-input').focus();
  },
  selectTask(id) {
    ui.selectedTask = ui.selectedTask === id ? null : id;
    render();
  },
  draft(key) {
    return (ui.drafts.get(key) || '').trim();
  },
  /** A text box whose text survives re-renders (a snapshot may arrive while the person types). */
  draftBox(key, placeholder, tag = 'textarea') {
    const box = h(tag, {class: 'draft', placeholder, 'data-draft': key, value: ui.drafts.get(key) || '',
      oninput: e => ui.drafts.set(key, e.target.value)});
    return box;
  },
  async answer(id, key) {
    const message = ui.draft(key);
    if (await call('ack', message ? {id, message} : {id})) ui.drafts.delete(key);
  },
  async raise(name, key) {
    const tokens = Number(ui.draft(key));
    if (!Number.isInteger(tokens) || tokens <= 0) return toast('a token budget is a whole number above 0', true);
    if (await call('agents.budget', name ? {name, tokens} : {tokens})) ui.drafts.delete(key);
  },
  async showDiff(id) {
    const r = await request('GET', '/dashboard/api/diff?task=' + encodeURIComponent(id));
    if (r) {
      ui.diffs.set(id, r.text);
      render();
    }
  },
};

/** Shows a short note at the bottom; errors stay longer. */
function toast(text, error = false) {
  const t = $('toast');
  t.textContent = text;
  t.className = 'toast' + (error ? ' error' : '');
  t.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { t.hidden = true; }, error ? 8000 : 3000);
}

function banner(text) {
  const b = $('banner');
  b.textContent = text;
  b.hidden = !text;
}

/** @return the JSON answer, or null after showing why there is none */
async function request(method, path, body) {
  let r;
  try {
    r = await fetch(path, {method, credentials: 'same-origin', headers: body ? {'Content-Type': 'application/json'} : {},
      body: body ? JSON.stringify(body) : undefined});
  } catch (e) {
    toast('the supervisor does not answer: ' + e.message, true);
    return null;
  }
  let json = null;
  try {
    json = await r.json();
  } catch (e) {
    // a refusal before our routes may have no JSON body: its status says enough
  }
  if (r.status === 401) {
    ended((json && json.error && json.error.message) || 'the dashboard session ended');
    return null;
  }
  if (!r.ok) {
    toast((json && json.error && json.error.message) || ('HTTP ' + r.status), true);
    return null;
  }
  return json;
}

/** Runs one of the actions the dashboard offers; @return whether it succeeded */
async function call(action, args) {
  const r = await request('POST', '/dashboard/api/call', {action, args});
  if (!r) return false;
  toast(r.text.split('\n')[0]);
  refresh();
  return true;
}

let timer = null;
let inflight = false;
let again = false;

/** Asks for a new snapshot: events within DEBOUNCE_MS of each other (and during a fetch) cost one fetch. */
function refresh() {
  if (timer) return;
  timer = setTimeout(() => {
    timer = null;
    load();
  }, DEBOUNCE_MS);
}

async function load() {
  if (inflight) {
    again = true;
    return;
  }
  inflight = true;
  try {
    const s = await request('GET', '/dashboard/api/state');
    if (s) {
      ui.state = s;
      ui.loads++;
      document.body.dataset.loads = String(ui.loads);
      render();
    }
  } finally {
    inflight = false;
    if (again) {
      again = false;
      refresh();
    }
  }
}

function render() {
  const s = ui.state;
  if (!s) return;
  // keep the focus and caret of a box being typed in across the re-render
  const active = document.activeElement;
  const key = active && active.dataset ? active.dataset.draft : null;
  const caret = key ? [active.selectionStart, active.selectionEnd] : null;
  $('project').textContent = s.me.project;
  $('me').textContent = 'you: ' + s.me.name;
  $('updated').textContent = 'updated ' + clock(s.at);
  panels.renderNeeds($('needs').querySelector('.body'), s, ui);
  panels.renderAgents($('agents').querySelector('.body'), s, ui);
  renderChooser($('chat-to'), s.agents.ok ? s.agents.data : [], s.me.name);
  renderChat($('chat-log'), s, call);
  panels.renderFeed($('feed').querySelector('.body'), s);
  panels.renderCrew($('crew').querySelector('.body'), s, ui);
  panels.renderTeams($('teams').querySelector('.body'), s);
  panels.renderAsks($('asks').querySelector('.body'), s);
  panels.renderJobs($('jobs').querySelector('.body'), s, ui);
  panels.renderSchedules($('schedules').querySelector('.body'), s, ui);
  panels.renderReviews($('reviews').querySelector('.body'), s, ui);
  if (key) {
    const again = document.querySelector(`[data-draft="${CSS.escape(key)}"]`);
    if (again) {
      again.focus();
      if (caret && again.setSelectionRange) again.setSelectionRange(caret[0], caret[1]);
    }
  }
  document.body.dataset.state = 'ready';
}

/** Something is working whose numbers change without a feed event: refresh on the stream's ticks. */
function busy(s) {
  return (s.spawned.ok && s.spawned.data.some(a => a.status === 'assigned' || a.status === 'spawning'))
    || (s.teams.ok && (s.teams.data.runs || []).some(r => r.status === 'running'));
}

let events = null;

function ended(message) {
  banner(/mesh dashboard/.test(message) ? message : message + ': run mesh dashboard in the project for a new login link');
  $('live').textContent = 'signed out';
  $('live').className = 'live off';
  if (events) events.close();
  document.body.dataset.state = 'ended';
}

function listen() {
  events = new EventSource('/dashboard/events');
  events.addEventListener('ready', () => {
    $('live').textContent = 'live';
    $('live').className = 'live on';
    refresh();
  });
  events.addEventListener('changed', () => refresh());
  events.addEventListener('tick', () => {
    if (ui.state && busy(ui.state)) refresh();
  });
  events.addEventListener('ended', e => {
    let m = 'the dashboard session ended';
    try {
      m = JSON.parse(e.data).message;
    } catch (ignored) {
      // keep the default
    }
    ended(m);
  });
  events.onerror = () => {
    if (document.body.dataset.state === 'ended') return;
    $('live').textContent = 'reconnecting';
    $('live').className = 'live off';
  };
}

$('chat-form').addEventListener('submit', async e => {
  e.preventDefault();
  const input = $('chat-input');
  const parsed = parseChat(input.value, $('chat-to').value);
  if (parsed.error) return toast(parsed.error, true);
  if (await call(parsed.action, parsed.args)) input.value = '';
});

$('logout').addEventListener('click', async () => {
  await request('POST', '/dashboard/logout', {});
  ended('you logged out');
});

listen();
load();
