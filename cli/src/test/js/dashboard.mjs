// Browser test of the web dashboard (issue 8), run by DashboardIT with `node dashboard.mjs` against a real
// supervisor: headless Debian chromium through playwright-core (never a downloaded browser).
//
// Environment (set by DashboardIT):
//   DASH_MESH     path of bin/mesh          DASH_REPO   the project folder (cwd of every mesh command)
//   DASH_ENV      JSON of the environment the mesh commands get (MESH_STORE, ...)
//   DASH_HUMAN    the human participant's name, DASH_HUMAN_TOKEN its token
//   DASH_PEER     an agent that talks to the human, DASH_PEER_TOKEN its token
//   DASH_CODE_SECONDS  how long a login code lives on this supervisor (MESH_DASHBOARD_CODE_SECONDS)
//   DASH_SHOTS    folder for the screenshots     NODE_PATH  holds playwright-core
// Prints "ok - NAME" per check and "N passed, 0 failed" at the end; exits 1 at the first failure.
import {execFileSync} from 'node:child_process';
import {mkdirSync} from 'node:fs';
import {createRequire} from 'node:module';
import assert from 'node:assert/strict';
import path from 'node:path';

const require = createRequire(import.meta.url);
const {chromium} = require('playwright-core');

const env = {...JSON.parse(process.env.DASH_ENV)};
const MESH = process.env.DASH_MESH;
const REPO = process.env.DASH_REPO;
const HUMAN = process.env.DASH_HUMAN;
const PEER = process.env.DASH_PEER;
const SHOTS = process.env.DASH_SHOTS;
const CODE_SECONDS = Number(process.env.DASH_CODE_SECONDS);
mkdirSync(SHOTS, {recursive: true});

/** Runs bin/mesh as `who` (its name and token); @return stdout; throws with stderr when it fails */
function mesh(who, ...args) {
  const e = {...env};
  if (who) {
    e.MESH_AGENT = who.name;
    e.MESH_AGENT_TOKEN = who.token;
  }
  try {
    return execFileSync(MESH, args, {cwd: REPO, env: e, encoding: 'utf8', timeout: 120_000, stdio: ['ignore', 'pipe', 'pipe']});
  } catch (err) {
    throw new Error(`mesh ${args.join(' ')} failed: ${err.stderr || err.message}`);
  }
}

const human = {name: HUMAN, token: process.env.DASH_HUMAN_TOKEN};
const peer = {name: PEER, token: process.env.DASH_PEER_TOKEN};

/** @return a fresh login link from `mesh dashboard --no-open --json`, as the person at the terminal */
function loginLink() {
  const out = JSON.parse(mesh(human, 'dashboard', '--no-open', '--json'));
  assert.equal(out.agent, HUMAN);
  assert.equal(out.opened, false);
  assert.match(out.url, /^http:\/\/127\.0\.0\.1:\d+\/dashboard\/login\?code=[A-Za-z0-9_-]{43}$/);
  return out.url;
}

let passed = 0;
let current = null;
const problems = [];
/** Runs one check; a failure is printed with what the page reported and a screenshot of it. */
async function check(name, fn) {
  try {
    await fn();
  } catch (e) {
    console.log('not ok - ' + name);
    for (const p of problems) console.log('  ' + p);
    if (current) await current.screenshot({path: path.join(SHOTS, 'failed.png'), fullPage: true}).catch(() => {});
    throw e;
  }
  passed++;
  console.log('ok - ' + name);
}

const browser = await chromium.launch({executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox']});
try {
  const ctx = await browser.newContext({viewport: {width: 1400, height: 1300}});
  const page = await ctx.newPage();
  current = page;
  page.on('pageerror', e => problems.push('page error: ' + e.message));
  // refused requests (401, 400) are provoked on purpose below: only script errors count
  page.on('console', m => { if (m.type() === 'error' && !/^Failed to load resource/.test(m.text())) problems.push('console: ' + m.text()); });
  const chat = page.locator('#chat-log');
  const task = id => page.locator(`#crew [data-task="${id}"]`);

  await check('the login link opens the dashboard with an HttpOnly SameSite=Strict cookie', async () => {
    const url = loginLink();
    const base = new URL(url).origin;
    const r = await page.goto(url);
    assert.equal(r.status(), 200);
    assert.equal(new URL(page.url()).pathname, '/dashboard/');
    await page.waitForSelector('body[data-state="ready"]');
    const cookies = await ctx.cookies(base + '/dashboard/');
    assert.equal(cookies.length, 1, JSON.stringify(cookies));
    assert.equal(cookies[0].httpOnly, true);
    assert.equal(cookies[0].sameSite, 'Strict');
    assert.equal(cookies[0].path, '/dashboard');
    assert.equal(await page.evaluate(() => document.cookie), '', 'the page script cannot read the session cookie');
    await page.waitForSelector('#live.on');
    assert.match(await page.textContent('#me'), new RegExp('you: ' + HUMAN));
    await page.waitForSelector(`#agents [data-agent="${PEER}"]`);
    await page.screenshot({path: path.join(SHOTS, '01-loaded.png'), fullPage: true});
  });

  await check('the asks, jobs, schedules and review panels start empty with a quiet note, no error', async () => {
    for (const id of ['asks', 'jobs', 'schedules', 'reviews']) {
      const body = page.locator(`#${id} .body`);
      const text = await body.textContent();
      assert.ok(/No /.test(text), id + ': ' + text);
      assert.equal(await body.locator('.error').count(), 0, id + ' shows an error');
    }
    assert.equal(await page.isHidden('#banner'), true);
  });

  await check('a message sent from another process shows without a reload', async () => {
    await page.evaluate(() => { window.__notReloaded = true; });
    const before = Number(await page.getAttribute('body', 'data-loads'));
    mesh(peer, 'send', HUMAN, 'hello from the terminal of ' + PEER);
    await chat.locator('.msg', {hasText: 'hello from the terminal of ' + PEER}).first().waitFor();
    assert.equal(await page.evaluate(() => window.__notReloaded), true);
    assert.ok(Number(await page.getAttribute('body', 'data-loads')) > before);
    await page.locator('#needs .need.unread').waitFor();
    await page.screenshot({path: path.join(SHOTS, '02-live-message.png'), fullPage: true});
  });

  await check('@Name sends to that agent and @all broadcasts', async () => {
    await page.fill('#chat-input', `@${PEER} hi from the dashboard`);
    await page.press('#chat-input', 'Enter');
    await page.locator('#toast', {hasText: 'sent #'}).waitFor();
    assert.equal(await page.inputValue('#chat-input'), '');
    await page.fill('#chat-input', '@all standup in five');
    await page.click('#chat-form button[type="submit"]');
    await page.locator('#feed .feed-row', {hasText: 'standup in five'}).waitFor();
    const inbox = JSON.parse(mesh(peer, 'inbox', '--peek', '--json'));
    const direct = inbox.find(m => m.body === 'hi from the dashboard');
    assert.ok(direct, JSON.stringify(inbox));
    assert.equal(direct.sender, HUMAN);
    assert.deepEqual(direct.recipients, [PEER]);
    const all = inbox.find(m => m.body === 'standup in five');
    assert.ok(all && all.broadcast && all.sender === HUMAN, JSON.stringify(inbox));
    await page.fill('#chat-input', `@${PEER}`);
    await page.press('#chat-input', 'Enter');
    await page.locator('#toast.error', {hasText: 'is empty'}).waitFor();
  });

  await check('a hostile message and task title are shown as text, never run', async () => {
    const evil = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>';
    mesh(peer, 'send', HUMAN, evil);
    await chat.locator('.msg.full', {hasText: '<img src=x onerror='}).first().waitFor();
    await page.locator('#feed .feed-row', {hasText: '<img src=x'}).first().waitFor();
    assert.equal(await page.evaluate(() => window.__xss), undefined);
    assert.equal(await page.locator('main img, main script').count(), 0);
    const full = await chat.locator('.msg.full .text', {hasText: '<img'}).first().textContent();
    assert.equal(full, evil);
    assert.match(await task('task-3').textContent(), /<b>bold<\/b><script>/);
    await page.screenshot({path: path.join(SHOTS, '03-xss-as-text.png'), fullPage: true});
  });

  await check('a crew task goes from todo to done on the page as the CLI changes it', async () => {
    await task('task-1').and(page.locator('[data-status="todo"]')).waitFor();
    mesh(peer, 'task', 'start', 'task-1');
    await task('task-1').and(page.locator('[data-status="in_progress"]')).waitFor();
    mesh(peer, 'task', 'done', 'task-1', '--summary', 'parser written');
    await task('task-1').and(page.locator('[data-status="done"]')).waitFor();
    await task('task-1').click();
    await page.locator('#task-detail', {hasText: 'parser written'}).waitFor();
    await page.screenshot({path: path.join(SHOTS, '04-task-done.png'), fullPage: true});
  });

  await check('a blocked task is in "needs you", and Unblock there puts it back to todo', async () => {
    mesh(peer, 'task', 'block', 'task-2', '--reason', 'which format?');
    const need = page.locator('#needs [data-blocked="task-2"]');
    await need.waitFor();
    assert.match(await need.textContent(), /which format\?/);
    await need.locator('button', {hasText: 'Unblock'}).click();
    await task('task-2').and(page.locator('[data-status="todo"]')).waitFor();
    const shown = JSON.parse(mesh(null, 'task', 'show', 'task-2', '--json'));
    assert.equal(shown.status, 'todo');
  });

  await check('an open ask to the person is answered from "needs you" (ack {id, message})', async () => {
    const asked = JSON.parse(mesh(peer, 'tool', 'ask', JSON.stringify({peer: HUMAN, brief: 'ship it?'}), '--json'));
    await page.locator('#asks', {hasText: 'ship it?'}).waitFor();
    const box = page.locator(`#needs [data-ask="${asked.id}"]`);
    await box.waitFor();
    await box.locator('textarea').fill('yes, ship it');
    await box.locator('button', {hasText: 'Answer'}).click();
    await box.waitFor({state: 'detached'});
    const acked = JSON.parse(mesh(peer, 'tool', 'pi_messenger', JSON.stringify({action: 'ask_list', status: 'all'}), '--json'));
    const a = acked.asks.find(x => x.id === asked.id);
    assert.equal(a.status, 'acked');
    assert.equal(a.reply, 'yes, ship it');
    await page.screenshot({path: path.join(SHOTS, '05-ask-answered.png'), fullPage: true});
  });

  await check('a job and a schedule created from the CLI show in their panels without a reload', async () => {
    mesh(peer, 'tool', 'job_create', JSON.stringify({title: 'nightly report', request: 'summarize the day'}));
    mesh(peer, 'tool', 'schedule_create', JSON.stringify({to_peer: HUMAN, text: 'stand-up in five', fire_at: '2099-01-01T09:00'}));
    await page.locator('#jobs', {hasText: 'nightly report'}).waitFor();
    await page.locator('#schedules', {hasText: 'stand-up in five'}).waitFor();
  });

  await check('the session cookie opens no /api/v1 route, and the page allows only offered actions', async () => {
    const r = await page.evaluate(async () => {
      const api = await fetch('/api/v1/call', {method: 'POST', headers: {'Content-Type': 'application/json'},
        body: JSON.stringify({caller: {project: '/', cwd: '/'}, args: {action: 'list'}})});
      const spawn = await fetch('/dashboard/api/call', {method: 'POST', headers: {'Content-Type': 'application/json'},
        body: JSON.stringify({action: 'agents.killall', args: {}})});
      return {api: api.status, spawn: spawn.status, spawnText: await spawn.text()};
    });
    assert.equal(r.api, 401);
    assert.equal(r.spawn, 400);
    assert.match(r.spawnText, /does not offer action 'agents\.killall'/);
  });

  await check('wrong, reused and expired login codes get a 401 page; without the cookie nothing is served', async () => {
    const fresh = await browser.newContext();
    const p = await fresh.newPage();
    const url = loginLink();
    const base = new URL(url).origin;
    let r = await p.goto(base + '/dashboard/login?code=' + 'A'.repeat(43));
    assert.equal(r.status(), 401);
    assert.match(await p.textContent('#why'), /not one this supervisor issued/);
    r = await p.goto(base + '/dashboard/login?code=%3Cscript%3Ealert(1)%3C%2Fscript%3E');
    assert.equal(r.status(), 401);
    r = await p.goto(base + '/dashboard/');
    assert.equal(r.status(), 401);
    assert.match(await p.textContent('#why'), /needs a login: run mesh dashboard/);
    await p.screenshot({path: path.join(SHOTS, '05-login-needed.png')});
    for (const route of ['/dashboard/api/state', '/dashboard/assets/app.js', '/dashboard/api/diff?task=task-1']) {
      r = await p.goto(base + route);
      assert.equal(r.status(), 401, route);
    }
    // the code opens the page once; the same link again is refused as used
    r = await p.goto(url);
    assert.equal(r.status(), 200);
    const other = await (await browser.newContext()).newPage();
    r = await other.goto(url);
    assert.equal(r.status(), 401);
    assert.match(await other.textContent('#why'), /used already/);
    const late = loginLink();
    await new Promise(res => setTimeout(res, (CODE_SECONDS + 1.5) * 1000));
    r = await other.goto(late);
    assert.equal(r.status(), 401);
    assert.match(await other.textContent('#why'), /has expired/);
    await other.screenshot({path: path.join(SHOTS, '06-code-expired.png')});
  });

  await check('logging out ends the session', async () => {
    await page.click('#logout');
    await page.waitForSelector('body[data-state="ended"]');
    assert.match(await page.textContent('#banner'), /logged out/);
    const r = await page.goto(new URL(page.url()).origin + '/dashboard/api/state');
    assert.equal(r.status(), 401);
  });

  assert.deepEqual(problems, []);
} finally {
  await browser.close();
}
console.log(`${passed} passed, 0 failed`);
