// agentmesh extension for pi. It does five things:
//  1. registers the pi_messenger tool (description and parameters filled in by agentmesh from the schema of
//     the MCP tool), which calls the supervisor's HTTP API (POST /api/v1/call) with no process per call;
//  2. refuses write/edit tool calls on files another agent holds exclusively (tool_call hook, {block, reason});
//  3. listens to the agent's event stream (GET /api/v1/events, SSE) and hands each new message to pi as a
//     steering message, which wakes the agent when it is idle (triggerTurn) and reaches it after the running
//     tool when it is busy. Messages are deduplicated by id (delivery is at-least-once);
//  4. registers the agent_team tool (seeds/002; description and parameters from agentmesh's AgentTeamTool): its
//     action X is the API action "team.X", sent the same way as pi_messenger's calls but allowed 90 s (a run_status
//     wait takes up to 60 s); a failure is shown as the "# agent_team error" block and marked as a tool error;
//  5. registers the orchestrator tools (seeds/004: ask, ack, wait_on_ack, job_*, schedule_*, ...), each the API
//     action of its name; a wait is allowed 660 s.
// The supervisor is found through the run file beside the store (MESH_STORE, else .mesh/config.json "store",
// else ~/.mesh/mesh.db). With MESH_SERVE=off, or when no supervisor answers, calls run the mesh CLI instead
// (MESH_CMD, a JSON array: `mesh tool pi_messenger JSON --result`), which also starts a supervisor if needed.
// MESH_AGENT names the agent once it joined, MESH_AGENT_TOKEN is its token (a join hands out a new one); MESH_PROJECT is the project root (default: the git root of cwd).
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, isAbsolute, join, resolve } from "node:path";

type Result = { text: string; data: any; agent?: string | null; token?: string | null };

// how long a pi_messenger call may take (a hung supervisor must not hold an edit or a tool call for long), and an
// agent_team call: a run_status wait takes up to 60 s, a start launches processes
const CALL_TIMEOUT_MS = 10_000;
const TEAM_TIMEOUT_MS = 90_000;
// an orchestrator wait (wait_on_ack, ask_many, job_result) takes up to 600 s (seeds/004)
const WAIT_TIMEOUT_MS = 660_000;

export default function (pi: any) {
  const cmd: string[] = JSON.parse(process.env.MESH_CMD ?? '["mesh"]');
  const serveOff = process.env.MESH_SERVE === "off";
  let agent: string | undefined = process.env.MESH_AGENT || undefined;
  // the agent's token: every call and the event stream carry it, so nobody else can act as this agent
  let token: string | undefined = process.env.MESH_AGENT_TOKEN || undefined;
  let listening: { agent: string; stop: AbortController } | undefined;
  const seen = new Set<number>();

  function projectRoot(cwd: string): string {
    if (process.env.MESH_PROJECT) return resolve(process.env.MESH_PROJECT);
    for (let d = resolve(cwd); ; d = dirname(d)) {
      if (existsSync(join(d, ".git"))) return d;
      if (dirname(d) === d) return resolve(cwd);
    }
  }

  function storePath(root: string): string {
    if (process.env.MESH_STORE) return resolve(process.cwd(), process.env.MESH_STORE);
    for (const base of [root, homedir()]) {
      try {
        const store = JSON.parse(readFileSync(join(base, ".mesh", "config.json"), "utf8")).store;
        if (typeof store === "string" && store) return isAbsolute(store) ? store : resolve(base, store);
      } catch {
        // no config there, or not JSON: the CLI reports a broken config itself
      }
    }
    return join(homedir(), ".mesh", "mesh.db");
  }

  function server(root: string): { url: string; secret: string } | undefined {
    if (serveOff) return undefined;
    try {
      const rf = JSON.parse(readFileSync(storePath(root) + ".serve.json", "utf8"));
      process.kill(rf.pid, 0);
      return { url: `http://127.0.0.1:${rf.port}`, secret: rf.secret };
    } catch {
      return undefined;
    }
  }

  function viaCli(cwd: string, args: any): Promise<Result> {
    const as = agent ? ["--as", agent] : [];
    return new Promise((res, rej) => {
      execFile(cmd[0], [...cmd.slice(1), "tool", "pi_messenger", JSON.stringify(args), "--result", ...as],
        { cwd, env: { ...process.env, ...(token ? { MESH_AGENT_TOKEN: token } : {}) }, maxBuffer: 16 * 1024 * 1024 },
        (err: any, stdout: string, stderr: string) => {
          if (err) rej(new Error(((stderr || "").trim() || String(err.message)).replace(/^mesh: /, "")));
          else {
            try { res(JSON.parse(stdout)); } catch { rej(new Error("the mesh CLI answered no JSON: " + stdout.slice(0, 200))); }
          }
        });
    });
  }

  async function call(cwd: string, args: any, timeoutMs = CALL_TIMEOUT_MS, abort?: AbortSignal): Promise<Result> {
    const root = projectRoot(cwd);
    const srv = server(root);
    let r: Result;
    if (!srv) {
      r = await viaCli(cwd, args);
    } else {
      const res = await fetch(`${srv.url}/api/v1/call`, {
        method: "POST",
        signal: abort ? AbortSignal.any([AbortSignal.timeout(timeoutMs), abort]) : AbortSignal.timeout(timeoutMs),
        headers: { Authorization: `Bearer ${srv.secret}`, "Content-Type": "application/json" },
        body: JSON.stringify({
          caller: { project: root, cwd, agent: agent ?? null, token: token ?? null, pid: process.pid, runtime: "pi", model: process.env.MESH_MODEL ?? null },
          args,
        }),
      });
      const body: any = await res.json().catch(() => ({}));
      if (!res.ok) throw new Error(body?.error?.message ?? body?.title ?? `mesh serve answered HTTP ${res.status}`);
      r = body;
    }
    const joinedToken = r.token ?? (args?.action === "join" ? r.data?.token : undefined);
    if (joinedToken) token = joinedToken;
    if (r.agent && r.agent !== agent) agent = r.agent;
    if (agent) listen(cwd, args?.action === "join");
    return r;
  }

  // control characters escaped, as the mesh prints them: a body cannot forge another "[mesh] message" line
  const oneLine = (s: string) => String(s).replace(/[\u0000-\u001f\u007f\u2028\u2029]/g,
    (c) => (c === "\n" ? "\\n" : c === "\t" ? "\\t" : c === "\r" ? "\\r" : "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0")));

  function deliver(cwd: string, m: any) {
    if (typeof m?.id !== "number") return;
    if (!seen.has(m.id)) {
      seen.add(m.id);
      show(m);
    }
    // acknowledged once pi has it (also a repeat: its first ack may have been lost); unacknowledged messages
    // are pushed again on the next stream, so a crash in between loses nothing
    call(cwd, { action: "inbox.ack", ids: [m.id] }).catch(() => {});
  }

  function show(m: any) {
    const to = m.broadcast ? " (to all)" : "";
    const reply = m.replyTo ? ` (reply to #${m.replyTo})` : "";
    pi.sendMessage(
      { customType: "mesh", content: `[mesh] message #${m.id} from ${oneLine(m.sender)}${to}${reply}: ${oneLine(m.body)}`, display: true },
      { deliverAs: "steer", triggerTurn: true },
    );
  }

  async function stream(cwd: string, name: string, stop: AbortController) {
    let backoff = 250;
    while (!stop.signal.aborted) {
      const root = projectRoot(cwd);
      const srv = server(root);
      if (srv) {
        try {
          const url = `${srv.url}/api/v1/events?project=${encodeURIComponent(root)}&agent=${encodeURIComponent(name)}`;
          const res = await fetch(url, { headers: { Accept: "text/event-stream", Authorization: `Bearer ${srv.secret}`,
            ...(token ? { "X-Mesh-Token": token } : {}) }, signal: stop.signal });
          if (res.ok && res.body) {
            const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
            let buf = "";
            for (;;) {
              const { value, done } = await reader.read();
              if (done) break;
              buf += value;
              let end: number;
              while ((end = buf.indexOf("\n\n")) >= 0) {
                const block = buf.slice(0, end);
                buf = buf.slice(end + 2);
                let event = "message";
                const data: string[] = [];
                for (const line of block.split("\n")) {
                  if (line.startsWith("event:")) event = line.slice(6).trim();
                  else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
                }
                if (event === "ready") backoff = 250;
                if (event === "message" && data.length) deliver(cwd, JSON.parse(data.join("\n")));
                if (event === "error") {
                  // unknown agent: the next join starts a new stream
                  if (listening?.stop === stop) listening = undefined;
                  return;
                }
              }
            }
          }
        } catch {
          if (stop.signal.aborted) return;
        }
      }
      await new Promise((r) => setTimeout(r, backoff));
      backoff = Math.min(backoff * 2, 5000);
    }
  }

  function listen(cwd: string, fresh = false) {
    if (serveOff || !agent || (listening?.agent === agent && !fresh)) return;
    listening?.stop.abort();
    listening = { agent, stop: new AbortController() };
    void stream(cwd, agent, listening.stop);
  }

  pi.on("session_start", (_e: any, ctx: any) => {
    // only an agent that holds its token can read its inbox: an agent_team child without the mesh tool has none
    if (agent && token) listen(ctx?.cwd ?? process.cwd());
  });
  pi.on("session_shutdown", () => listening?.stop.abort());

  pi.on("tool_call", async (event: any, ctx: any) => {
    if (event.toolName !== "write" && event.toolName !== "edit") return;
    const path = event.input?.path;
    if (typeof path !== "string" || !path) return;
    let r: Result;
    try {
      r = await call(ctx?.cwd ?? process.cwd(), { action: "reservations.check", paths: [path] });
    } catch {
      return; // the mesh cannot be asked (or the path is outside the project): pi's own rules apply
    }
    if (r.data && r.data.free === false) {
      return { block: true, reason: `mesh: ${r.data.conflicts[0].message}` };
    }
  });

  pi.registerTool({
    name: "pi_messenger",
    label: "Mesh",
    description: __DESCRIPTION__,
    promptSnippet: "pi_messenger: talk to other agents, reserve files, and report crew tasks done (task.done).",
    parameters: __PARAMETERS__,
    // pi's abort signal is not passed on: a mesh call is short, and stopping it half-way could lose what it
    // committed (an inbox read marks the messages it returns as delivered).
    async execute(_toolCallId: string, params: any, _signal?: AbortSignal, _onUpdate?: any, ctx?: any) {
      const r = await call(ctx?.cwd ?? process.cwd(), params);
      return { content: [{ type: "text", text: r.text }], details: {} };
    },
  });

  // agent_team: the actions come from its schema (the action enum); each is the API action "team." + action
  const teamParameters: any = __TEAM_PARAMETERS__;
  const teamActions: string[] = teamParameters?.properties?.action?.enum ?? [];
  const rejected = "agentmeshRejectedAction";

  // the seed's error block, as agentmesh's TeamErrors.render writes it: heading, problem, and the repair on its own line
  function teamError(message: string): Error {
    const m = String(message ?? "").trim();
    const at = m.indexOf(" Repair: ");
    const problem = at < 0 ? m : m.slice(0, at);
    const repair = at < 0 ? "" : `\n\nRepair: ${m.slice(at + " Repair: ".length)}`;
    return new Error(`# agent_team error\n\n${problem}${repair}`);
  }

  function rejectedAction(action: unknown): string {
    const choose = `use one of ${teamActions.join(", ")}`;
    if (action === "run") return "run is intentionally absent Repair: use start, then run_status";
    if (action === undefined || action === null || (typeof action === "string" && !action.trim())) {
      return `agent_team needs an action Repair: ${choose}`;
    }
    const name = oneLine(typeof action === "string" ? action : JSON.stringify(action));
    return `unknown agent_team action '${name.length > 60 ? name.slice(0, 57) + "..." : name}' Repair: ${choose}`;
  }

  pi.registerTool({
    name: "agent_team",
    label: "Team",
    description: __TEAM_DESCRIPTION__,
    promptSnippet: "agent_team: delegate scoped work to a graph of helper agents (start, then run_status and step_result).",
    parameters: teamParameters,
    // pi checks arguments against the schema before execute: an action it does not list (run, a typo) is let
    // through marked, so the model gets agent_team's own error and repair instead of a schema message
    prepareArguments(args: any) {
      if (args && typeof args === "object" && !Array.isArray(args) && !teamActions.includes(args.action)) {
        return { action: teamActions[0], [rejected]: args.action ?? null };
      }
      return args;
    },
    // pi's abort signal stops only the reads (a run_status wait); a start, message, cancel or cleanup half-way
    // could leave the run in a state the caller did not see
    async execute(_toolCallId: string, params: any, signal?: AbortSignal, _onUpdate?: any, ctx?: any) {
      if (params && Object.prototype.hasOwnProperty.call(params, rejected)) throw teamError(rejectedAction(params[rejected]));
      const { action, ...rest } = params ?? {};
      const read = action === "run_status" || action === "step_result" || action === "catalog";
      let r: Result;
      try {
        r = await call(ctx?.cwd ?? process.cwd(), { action: "team." + action, ...rest }, TEAM_TIMEOUT_MS, read ? signal : undefined);
      } catch (e: any) {
        throw teamError(e?.message ?? String(e));
      }
      return { content: [{ type: "text", text: r.text }], details: {} };
    },
  });

  // the orchestrator tools (seeds/004: ask, ack, wait_on_ack, job_create, schedule_self, ...): each tool's name is its
  // API action, its arguments go to the mesh unchanged; the list comes from agentmesh's OrchestratorTools
  const orchestratorTools: any[] = __ORCHESTRATOR_TOOLS__;
  const waits = new Set(["wait_on_ack", "ask_many", "job_result"]);
  for (const t of orchestratorTools) {
    pi.registerTool({
      name: t.name,
      label: t.name,
      description: t.description,
      parameters: t.parameters,
      // only a wait is stopped by pi's abort signal: a write half-way could commit what the caller never saw
      async execute(_toolCallId: string, params: any, signal?: AbortSignal, _onUpdate?: any, ctx?: any) {
        const wait = waits.has(t.name);
        const r = await call(ctx?.cwd ?? process.cwd(), { ...(params ?? {}), action: t.name },
          wait ? WAIT_TIMEOUT_MS : CALL_TIMEOUT_MS, wait ? signal : undefined);
        return { content: [{ type: "text", text: r.text }], details: {} };
      },
    });
  }
}
