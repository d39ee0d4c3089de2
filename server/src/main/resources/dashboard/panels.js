// The panels: each renders one area of the snapshot (GET /dashboard/api/state) into its section. An area is
// {ok, data} | {ok: false, missing: true} (the action is not on this supervisor yet: a quiet note) | {ok: false, error}.
import {h, fill, clock, ago, count, pill, note, table} from './dom.js';

const MISSING = 'Not available on this supervisor yet.';

/** @return the area's data, or null after putting a quiet note (missing) or the refusal (error) into `body` */
function dataOf(body, area, empty) {
  if (!area || area.missing) {
    fill(body, note(MISSING));
    return null;
  }
  if (!area.ok) {
    fill(body, h('p', {class: 'note error'}, area.error));
    return null;
  }
  return area.data;
}

/** Agents: presence (who is here), and for spawned agents runtime, model, status, activity, tokens and budget. */
export function renderAgents(body, state, ui) {
  const present = state.agents.ok ? state.agents.data : [];
  const spawned = state.spawned.ok ? state.spawned.data : [];
  const byName = new Map();
  for (const a of present) byName.set(a.name, {name: a.name, agent: a});
  for (const s of spawned) byName.set(s.name, {...(byName.get(s.name) || {name: s.name}), spawned: s});
  const rows = [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
  document.getElementById('agents-count').textContent = present.length ? present.length + ' present' : '';
  if (!state.agents.ok && !state.spawned.ok) return void dataOf(body, state.agents);
  if (!rows.length) return void fill(body, note('Nobody has joined this project yet.'));
  fill(body, table(rows, [
    ['', r => h('span', {class: 'dot ' + (r.agent && r.agent.present ? 'on' : 'off'), title: r.agent ? (r.agent.present ? 'present' : 'left') : 'not joined'})],
    ['name', r => h('button', {type: 'button', class: 'link', title: 'chat with ' + r.name, onclick: () => ui.chooseChat(r.name)},
      r.name + (r.name === state.me.name ? ' (you)' : ''))],
    ['runtime', r => (r.spawned && r.spawned.runtime) || (r.agent && r.agent.runtime) || ''],
    ['model', r => (r.spawned && r.spawned.model) || (r.agent && r.agent.model) || ''],
    ['status', r => r.spawned ? pill(r.spawned.status) : r.agent && r.agent.present ? pill('present') : pill('left')],
    ['activity', r => activity(r)],
    ['tokens', r => tokens(r.spawned)],
  ], r => ({'data-agent': r.name})));
}

function activity(r) {
  const s = r.spawned;
  const parts = [];
  if (r.agent && r.agent.statusMessage) parts.push(r.agent.statusMessage);
  if (s && s.task) parts.push('task: ' + s.task);
  if (s && s.toolCalls) parts.push(s.toolCalls + ' tool call(s)');
  const last = (s && s.lastActivity) || (r.agent && r.agent.lastSeen);
  return h('span', {class: 'activity', title: parts.join(' · ')}, parts.join(' · '), last ? h('span', {class: 'muted'}, ' ' + ago(last)) : null);
}

function tokens(s) {
  if (!s) return '';
  const u = s.usage;
  const used = u ? u.inputTokens + u.outputTokens : s.inputTokens + s.outputTokens;
  return h('span', null, count(used), u && u.budgetTokens != null ? h('span', {class: 'muted'}, ' / ' + count(u.budgetTokens)) : null,
    u && u.reached ? pill('budget reached', 'blocked') : null);
}

/** Needs you: open asks to me (answer box), blocked tasks (unblock), budgets reached (raise), unread messages. */
export function renderNeeds(body, state, ui) {
  const items = [];
  const me = state.me.name;
  if (state.asksToMe.ok) {
    for (const a of state.asksToMe.data.asks || []) {
      if (a.status !== 'open' || (a.to && a.to !== me)) continue;
      items.push(h('div', {class: 'need ask', 'data-ask': a.id},
        h('div', null, pill('ask'), ' #' + a.id + ' from ', h('b', null, a.from || '?'), ' ', h('span', {class: 'muted'}, ago(a.createdAt))),
        h('div', {class: 'brief'}, a.brief || ''),
        ui.draftBox('ask-' + a.id, 'your answer'),
        h('div', {class: 'row'},
          h('button', {type: 'button', onclick: () => ui.answer(a.id, 'ask-' + a.id)}, 'Answer'),
          h('button', {type: 'button', class: 'quiet', onclick: () => ui.call('ack', {id: a.id})}, 'Mark seen'))));
    }
  }
  for (const t of state.tasks.ok ? state.tasks.data : []) {
    if (t.status !== 'blocked') continue;
    items.push(h('div', {class: 'need task', 'data-blocked': t.id},
      h('div', null, pill('blocked'), ' ', h('b', null, t.id), ' ', t.title),
      t.blockReason ? h('div', {class: 'brief'}, t.blockReason) : null,
      h('div', {class: 'row'}, h('button', {type: 'button', onclick: () => ui.call('task.unblock', {id: t.id})}, 'Unblock'))));
  }
  const budgets = [];
  if (state.budget.ok && state.budget.data.reached) budgets.push({name: null, reached: state.budget.data.reached});
  for (const s of state.spawned.ok ? state.spawned.data : []) {
    if (s.usage && s.usage.reached) budgets.push({name: s.name, reached: s.usage.reached, tokens: s.usage.budgetTokens});
  }
  for (const b of budgets) {
    const key = 'budget-' + (b.name || '');
    items.push(h('div', {class: 'need budget', 'data-budget': b.name || 'project'},
      h('div', null, pill('budget'), ' ', h('b', null, b.name || 'the project'), ': ', b.reached),
      h('div', {class: 'row'}, ui.draftBox(key, 'new token budget', 'input'),
        h('button', {type: 'button', onclick: () => ui.raise(b.name, key)}, 'Raise'))));
  }
  for (const j of state.jobs.ok ? state.jobs.data.jobs || [] : []) {
    if ((j.state === 'awaiting_input' || j.state === 'blocked') && (!j.owner || j.owner === me)) {
      items.push(h('div', {class: 'need job', 'data-job': j.id},
        h('div', null, pill(j.state), ' job #' + j.id + ' ', h('b', null, j.title || ''), ' → ' + (j.assignee || '?')),
        j.error ? h('div', {class: 'brief'}, j.error) : null));
    }
  }
  const unread = state.inbox.ok ? state.inbox.data.length : 0;
  if (unread) items.push(h('div', {class: 'need unread'}, pill('unread'), ' ' + unread + ' unread message(s) for you, in the chat'));
  document.getElementById('needs-count').textContent = items.length ? String(items.length) : '';
  fill(body, items.length ? items : note('Nothing is waiting on you.'));
  if (!state.asksToMe.ok && state.asksToMe.missing) body.append(note('Asks: ' + MISSING));
}

/** The feed, newest first. */
export function renderFeed(body, state) {
  const feed = dataOf(body, state.feed);
  if (!feed) return;
  if (!feed.length) return void fill(body, note('The feed is empty.'));
  fill(body, h('ol', {class: 'feed'}, feed.slice().reverse().map(e => h('li', {class: 'feed-row k-' + e.kind.replace(/[^a-z]/gi, '-'), 'data-feed': e.id},
    h('span', {class: 'when'}, clock(e.at)), ' ', h('b', null, e.actor || 'system'), ' ', h('span', {class: 'kind'}, e.kind),
    e.target ? ' ' + e.target : '', e.detail ? h('span', {class: 'text'}, ': ' + e.detail) : null))));
}

/** @return the wave of each task: its stored wave, else its depth in the dependency graph (1 for no dependency) */
export function waves(tasks) {
  const byId = new Map(tasks.map(t => [t.id, t]));
  const depth = new Map();
  const visit = (t, seen) => {
    if (depth.has(t.id)) return depth.get(t.id);
    if (seen.has(t.id)) return 1; // a cycle: crew.validate says so; show it in wave 1
    seen.add(t.id);
    let d = 1;
    for (const dep of t.dependsOn || []) if (byId.has(dep)) d = Math.max(d, visit(byId.get(dep), seen) + 1);
    depth.set(t.id, d);
    return d;
  };
  return new Map(tasks.map(t => [t.id, t.wave || visit(t, new Set())]));
}

/** The crew's task graph: one column per wave, a card per task (status, assignee, verdict, dependencies). */
export function renderCrew(body, state, ui) {
  const tasks = dataOf(body, state.tasks);
  const counter = document.getElementById('crew-count');
  counter.textContent = '';
  if (!tasks) return;
  if (!tasks.length) return void fill(body, note('No crew plan yet (mesh crew run plans one from a PRD).'));
  const c = state.crew.ok ? state.crew.data : {};
  counter.textContent = `${c.done || 0} done · ${c.in_progress || 0} in progress · ${c.todo || 0} todo · ${c.blocked || 0} blocked`
    + (c.lastRun ? ` · last run ${c.lastRun.status}, ${c.lastRun.waves} wave(s)` : '');
  const w = waves(tasks);
  const cols = [...new Set(w.values())].sort((a, b) => a - b);
  const card = t => h('button', {type: 'button', class: 'task s-' + t.status + (ui.selectedTask === t.id ? ' selected' : ''),
      'data-task': t.id, 'data-status': t.status, onclick: () => ui.selectTask(t.id)},
    h('div', {class: 'task-head'}, h('b', null, t.id), ' ', pill(t.status), t.verdict ? pill(t.verdict, 'v' + t.verdict) : null),
    h('div', {class: 'task-title'}, t.title),
    h('div', {class: 'muted small'}, (t.assignee ? '@' + t.assignee + ' · ' : '') + `${t.attempts} attempt(s), ${t.reviews} review(s)`
      + (t.dependsOn && t.dependsOn.length ? ' · after ' + t.dependsOn.join(', ') : '')));
  fill(body, h('div', {class: 'waves'}, cols.map(n => h('div', {class: 'wave'}, h('h3', null, 'wave ' + n),
    tasks.filter(t => w.get(t.id) === n).map(card)))));
  renderTaskDetail(state, ui, tasks);
}

function renderTaskDetail(state, ui, tasks) {
  const box = document.getElementById('task-detail');
  const t = tasks.find(x => x.id === ui.selectedTask);
  if (!t) {
    box.hidden = true;
    return;
  }
  box.hidden = false;
  const actions = [];
  if (t.status === 'todo') actions.push(h('button', {type: 'button', onclick: () => ui.call('task.start', {id: t.id})}, 'Start'));
  if (t.status === 'in_progress') {
    actions.push(ui.draftBox('done-' + t.id, 'summary', 'input'),
      h('button', {type: 'button', onclick: () => ui.call('task.done', {id: t.id, summary: ui.draft('done-' + t.id) || null})}, 'Done'));
  }
  if (t.status === 'blocked') actions.push(h('button', {type: 'button', onclick: () => ui.call('task.unblock', {id: t.id})}, 'Unblock'));
  if (t.status !== 'todo') actions.push(h('button', {type: 'button', class: 'quiet', onclick: () => ui.call('task.reset', {id: t.id})}, 'Reset to todo'));
  actions.push(h('button', {type: 'button', class: 'quiet', onclick: () => ui.showDiff(t.id)}, 'Show changes'));
  fill(box, h('h3', null, t.id + ': ', t.title, ' ', pill(t.status), t.verdict ? pill(t.verdict, 'v' + t.verdict) : null),
    t.description ? h('p', {class: 'pre'}, t.description) : null,
    t.summary ? h('p', null, h('b', null, 'summary: '), h('span', {class: 'pre'}, t.summary)) : null,
    t.feedback ? h('p', null, h('b', null, 'review: '), h('span', {class: 'pre'}, t.feedback)) : null,
    t.blockReason ? h('p', null, h('b', null, 'blocked: '), t.blockReason) : null,
    h('div', {class: 'row'}, actions),
    ui.diffs.has(t.id) ? h('pre', {class: 'diff'}, ui.diffs.get(t.id)) : null);
}

/** Team runs (agent_team, seed 002): each run with its steps and artifacts. */
export function renderTeams(body, state) {
  const d = dataOf(body, state.teams);
  if (!d) return;
  const runs = d.runs || [];
  if (!runs.length) return void fill(body, note('No agent_team runs in this project.'));
  fill(body, runs.slice().reverse().map(r => h('div', {class: 'run', 'data-run': r.runId},
    h('div', {class: 'run-head'}, h('b', null, r.runId), ' ', pill(r.status), ' ', r.objective || '', ' ',
      h('span', {class: 'muted'}, 'started ' + clock(r.createdAt) + (r.endedAt ? ', ended ' + clock(r.endedAt) : ''))),
    h('div', {class: 'muted small'}, 'artifacts: ', h('code', null, r.artifacts || '')),
    r.diagnostic ? h('div', {class: 'note error'}, r.diagnostic) : null,
    table(r.steps || [], [
      ['step', s => h('b', null, s.stepId)],
      ['status', s => pill(s.status)],
      ['agent', s => s.agent || ''],
      ['runtime', s => [s.runtime, s.model].filter(Boolean).join(' ')],
      ['tokens', s => s.usage ? count(s.usage.inputTokens + s.usage.outputTokens) : ''],
      ['tools', s => s.usage ? String(s.usage.toolCalls) : ''],
      ['artifact', s => s.artifact ? h('code', {title: s.artifact}, s.artifact.split('/').pop()) : (s.failure || '')],
    ]))));
}

/** Asks (the orchestrator's tracked threads). */
export function renderAsks(body, state) {
  const d = dataOf(body, state.asks);
  if (!d) return;
  const asks = d.asks || [];
  if (!asks.length) return void fill(body, note('No asks.'));
  fill(body, table(asks, [
    ['#', a => String(a.id)],
    ['from → to', a => (a.from || '') + ' → ' + (a.to || '')],
    ['status', a => pill(a.status)],
    ['brief', a => h('span', {class: 'clip', title: a.brief || ''}, a.brief || '')],
    ['reply', a => h('span', {class: 'clip', title: a.reply || ''}, a.reply || '')],
  ], a => ({'data-ask-row': a.id})));
}

/** Durable jobs. */
export function renderJobs(body, state, ui) {
  const d = dataOf(body, state.jobs);
  if (!d) return;
  const jobs = d.jobs || [];
  if (!jobs.length) return void fill(body, note('No jobs.'));
  const ended = new Set(['completed', 'failed', 'cancelled', 'expired']);
  fill(body, table(jobs, [
    ['#', j => String(j.id)],
    ['title', j => h('span', {class: 'clip', title: j.title || ''}, j.title || '')],
    ['assignee', j => j.assignee || ''],
    ['state', j => [pill(j.state), j.deadLettered ? pill('dead letter', 'failed') : null]],
    ['progress', j => [j.phase, j.progress != null ? j.progress + '%' : null].filter(Boolean).join(' ')],
    ['', j => ended.has(j.state)
      ? (j.state !== 'completed' ? h('button', {type: 'button', class: 'quiet', onclick: () => ui.call('job_retry', {id: j.id})}, 'Retry') : '')
      : h('button', {type: 'button', class: 'quiet', onclick: () => ui.call('job_cancel', {id: j.id})}, 'Cancel')],
  ]));
}

/** Schedules. */
export function renderSchedules(body, state, ui) {
  const d = dataOf(body, state.schedules);
  if (!d) return;
  const list = d.schedules || [];
  if (!list.length) return void fill(body, note('No schedules.'));
  fill(body, table(list, [
    ['#', s => String(s.id)],
    ['to', s => s.toPeer || ''],
    ['when', s => s.cron ? h('code', null, s.cron) : clock(s.fireAt)],
    ['next', s => s.nextFireAt ? clock(s.nextFireAt) : ''],
    ['kind', s => s.kind || ''],
    ['state', s => [pill(s.state), s.lastError ? h('span', {class: 'muted', title: s.lastError}, ' !') : null]],
    ['text', s => h('span', {class: 'clip', title: s.text || ''}, s.text || '')],
    ['', s => s.state === 'active' ? h('button', {type: 'button', class: 'quiet', onclick: () => ui.call('schedule_delete', {id: s.id})}, 'Delete') : ''],
  ]));
}

/** The review queue, and whether an orchestrator is present. */
export function renderReviews(body, state, ui) {
  const o = state.orchestrator;
  document.getElementById('orchestrator').textContent = o && o.ok
    ? (o.data.present ? 'orchestrator ' + (o.data.name || '') + (o.data.stale ? ' (stale)' : '') : 'no orchestrator') : '';
  const d = dataOf(body, state.reviews);
  if (!d) return;
  const items = d.items || [];
  if (!items.length) return void fill(body, note('No reviews owed.'));
  fill(body, table(items, [
    ['peer', i => i.peer || ''],
    ['ref', i => h('code', null, i.ref || '')],
    ['sha', i => h('code', null, (i.sha || '').slice(0, 10))],
    ['reviewed', i => i.reviewedAt ? ago(i.reviewedAt) : 'never'],
    ['action', i => pill(i.myAction || '')],
    ['', i => h('button', {type: 'button', class: 'quiet', onclick: () => ui.call('mark_reviewed', {ref: i.ref, sha: i.sha})}, 'Mark reviewed')],
  ]));
}
