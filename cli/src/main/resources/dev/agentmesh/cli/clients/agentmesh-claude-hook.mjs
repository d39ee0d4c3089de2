// agentmesh hook for Claude Code, written by `mesh install claude` (which puts it in the hooks of
// .claude/settings.local.json); node only, no packages, one HTTP call to the supervisor, so it stays fast.
//
//   node agentmesh-claude-hook.mjs --store STORE     (Claude Code passes the event as JSON on stdin)
//
// PreToolUse (Edit|Write|MultiEdit|NotebookEdit): denies an edit of a file another agent holds, naming the
//   holder, the reason and since when.
// UserPromptSubmit, PostToolUse: hands the agent its new messages as additional context.
// Stop: blocks the stop while new messages wait (not when the stop is already a hook's continuation).
// Who the agent is: the agent that `mesh mcp` joined for the Claude Code process this hook runs under (the session
// file STORE.sessions/PID-START.json of that process holds its name and token). Not joined, or no supervisor
// running: the hook says nothing and exits 0. Messages are handed out at least once and acknowledged after they
// were printed; the highest id handed to a Claude session is kept beside its session file, so a repeat is dropped.
import { existsSync, readFileSync, readdirSync, writeFileSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import http from "node:http";

const args = process.argv.slice(2);
const store = args[args.indexOf("--store") + 1];

function readStdin() {
  try { return JSON.parse(readFileSync(0, "utf8") || "{}"); } catch { return {}; }
}

function gitRoot(cwd) {
  for (let d = cwd; ; d = dirname(d)) {
    if (existsSync(join(d, ".git"))) return d;
    if (dirname(d) === d) return cwd;
  }
}

function parentOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch { return 0; }
}

// the session file of the nearest ancestor that joined through the CLI or `mesh mcp`
function session(project) {
  const dir = `${store}.sessions`;
  let files;
  try { files = readdirSync(dir); } catch { return null; }
  for (let pid = process.ppid, depth = 0; pid > 1 && depth < 12; pid = parentOf(pid), depth++) {
    for (const f of files) {
      if (!f.startsWith(`${pid}-`) || !f.endsWith(".json")) continue;
      try {
        const entry = JSON.parse(readFileSync(join(dir, f), "utf8"))[project];
        const agent = entry?.current;
        if (agent && entry.tokens?.[agent]) return { agent, token: entry.tokens[agent], pid, file: join(dir, f) };
      } catch { /* a file being replaced: try the next */ }
    }
  }
  return null;
}

function call(rf, body) {
  return new Promise((done, fail) => {
    const data = Buffer.from(JSON.stringify(body));
    const req = http.request({ host: "127.0.0.1", port: rf.port, path: "/api/v1/call", method: "POST", timeout: 5000,
      headers: { "Content-Type": "application/json", "Content-Length": data.length, Authorization: `Bearer ${rf.secret}` } },
      res => {
        const chunks = [];
        res.on("data", c => chunks.push(c));
        res.on("end", () => {
          try { done({ status: res.statusCode, json: JSON.parse(Buffer.concat(chunks).toString("utf8")) }); } catch (e) { fail(e); }
        });
      });
    req.on("timeout", () => req.destroy(new Error("the supervisor did not answer in 5 s")));
    req.on("error", fail);
    req.end(data);
  });
}

// control characters escaped, as the mesh prints them: a body cannot forge another "[mesh]" line or move the cursor
const oneLine = s => String(s).replace(/[\u0000-\u001f\u007f\u2028\u2029]/g,
  c => (c === "\n" ? "\\n" : c === "\t" ? "\\t" : c === "\r" ? "\\r" : "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0")));

function out(obj) {
  return new Promise(done => process.stdout.write(JSON.stringify(obj) + "\n", done));
}

async function main() {
  const input = readStdin();
  const event = input.hook_event_name;
  const cwd = input.cwd && isAbsolute(input.cwd) ? input.cwd : process.cwd();
  const project = gitRoot(resolve(cwd));
  if (!store) return;
  let rf;
  try { rf = JSON.parse(readFileSync(`${store}.serve.json`, "utf8")); } catch { return; }
  const me = session(project);
  if (!me) return;
  const caller = { project, cwd, agent: me.agent, token: me.token, pid: me.pid, runtime: "claude" };
  const act = async (a) => {
    const r = await call(rf, { caller, args: a });
    if (r.status !== 200) throw new Error(r.json?.error?.message ?? `HTTP ${r.status}`);
    return r.json;
  };

  if (event === "PreToolUse") {
    const ti = input.tool_input ?? {};
    const path = ti.file_path ?? ti.notebook_path ?? ti.path;
    if (typeof path !== "string" || !path) return;
    const r = await act({ action: "reservations.check", paths: [path] });
    if (r.data?.free === false) {
      await out({ hookSpecificOutput: { hookEventName: "PreToolUse", permissionDecision: "deny",
        permissionDecisionReason: `mesh: ${r.text}` } });
    }
    return;
  }
  if (event !== "UserPromptSubmit" && event !== "PostToolUse" && event !== "Stop") return;
  if (event === "Stop" && input.stop_hook_active) return;
  const seenFile = `${me.file}.${String(input.session_id ?? "claude").replace(/[^A-Za-z0-9_-]/g, "_")}.seen`;
  let seen = 0;
  try { seen = Number(readFileSync(seenFile, "utf8")) || 0; } catch { /* nothing handed out yet */ }
  const r = await act({ action: "inbox", peek: true });
  const all = Array.isArray(r.data?.messages) ? r.data.messages : Array.isArray(r.data) ? r.data : [];
  const fresh = all.filter(m => Number(m.id) > seen);
  if (all.length && !fresh.length) await act({ action: "inbox.ack", ids: all.map(m => m.id) });
  if (!fresh.length) return;
  const text = `[mesh] ${fresh.length} new message(s) for ${me.agent}:\n` + fresh.map(m =>
    `#${m.id} from ${oneLine(m.sender)}: ${oneLine(m.body)}`).join("\n") + "\n(answer with pi_messenger action \"send\"; they are marked read)";
  if (event === "Stop") await out({ decision: "block", reason: text });
  else await out({ hookSpecificOutput: { hookEventName: event, additionalContext: text } });
  writeFileSync(seenFile, String(Math.max(...fresh.map(m => Number(m.id)))), { mode: 0o600 });
  await act({ action: "inbox.ack", ids: all.map(m => m.id) });
}

main().catch(e => {
  // a hook must never break the agent's turn: say why on stderr and let the tool call go on
  process.stderr.write(`agentmesh hook: ${e?.message ?? e}\n`);
}).finally(() => process.exit(0));
