// The sender and reader processes of the delivery and latency benchmarks, on the path the pi extension takes
// (agentmesh-pi-extension.ts): node's fetch to POST /api/v1/call, and the agent's event stream GET /api/v1/events,
// each message acknowledged with inbox.ack once it is handled (acks of one read go in one call).
// Usage:
//   node messages.mjs sender URL SECRET PROJECT AGENT TOKEN SEED COUNT INTERVAL_MS GO_FILE READY_FILE
//     (SEED < 0 sends everything to R0; otherwise recipients are PREFIX+R<mulberry32(SEED) % 8>, PREFIX from AGENT)
//   node messages.mjs reader URL SECRET PROJECT AGENT TOKEN EXPECTED OUT_FILE READY_FILE
//     (writes "sender seq sentMicros receivedMicros" per pushed message to OUT_FILE, repeats included)
import { existsSync, writeFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

const [role, url, secret, project, agent, token, ...rest] = process.argv.slice(2);
const auth = { Authorization: `Bearer ${secret}` };
const micros = () => Math.round((performance.timeOrigin + performance.now()) * 1000);

async function call(args) {
  const res = await fetch(`${url}/api/v1/call`, {
    method: "POST", headers: { ...auth, "Content-Type": "application/json" },
    body: JSON.stringify({ caller: { project, cwd: project, agent, token, pid: process.pid, runtime: "bench", model: null }, args }),
  });
  const body = await res.json();
  if (!res.ok) throw new Error(`${args.action}: HTTP ${res.status} ${JSON.stringify(body)}`);
  return body;
}

function mulberry32(seed) {
  let state = seed | 0;
  return (bound) => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * bound);
  };
}

async function sender([seedText, countText, intervalText, go, ready]) {
  const seed = Number(seedText), count = Number(countText), interval = Number(intervalText);
  const next = seed < 0 ? null : mulberry32(seed);
  const prefix = agent.slice(0, agent.length - 2);
  for (let k = 0; k < 100; k++) await call({ action: "status" });
  writeFileSync(ready, "");
  while (!existsSync(go)) await sleep(2);
  for (let k = 0; k < count; k++) {
    const to = next ? `${prefix}R${next(8)}` : "R0";
    await call({ action: "send", to, message: `${agent} ${k} ${micros()}` });
    if (interval > 0) await sleep(interval);
  }
}

async function reader([expectedText, out, ready]) {
  const expected = Number(expectedText);
  const lines = [];
  let acks = [], acking = false;
  const flushAcks = async () => {
    if (acking || acks.length === 0) return;
    acking = true;
    const ids = acks; acks = [];
    try { await call({ action: "inbox.ack", ids }); } finally { acking = false; }
    await flushAcks();
  };
  const deadline = setTimeout(() => finish(), 120_000);
  let finished = false;
  const finish = async () => {
    if (finished) return;
    finished = true;
    clearTimeout(deadline);
    while (acking) await sleep(1);
    await flushAcks();
    writeFileSync(out, lines.join("\n") + (lines.length ? "\n" : ""));
    process.exit(0);
  };
  const res = await fetch(`${url}/api/v1/events?project=${encodeURIComponent(project)}&agent=${encodeURIComponent(agent)}`,
    { headers: { ...auth, Accept: "text/event-stream", "X-Mesh-Token": token } });
  if (!res.ok) throw new Error(`events: HTTP ${res.status}`);
  const stream = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buf = "";
  for (;;) {
    const { value, done } = await stream.read();
    if (done) break;
    buf += value;
    let end;
    while ((end = buf.indexOf("\n\n")) >= 0) {
      const block = buf.slice(0, end);
      buf = buf.slice(end + 2);
      let event = "message";
      const data = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("event:")) event = line.slice(6).trim();
        else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
      }
      if (event === "ready") writeFileSync(ready, "");
      if (event === "message" && data.length) {
        const now = micros();
        const m = JSON.parse(data.join("\n"));
        // every push is written, repeats too: the benchmark counts what the stream duplicated
        const [from, seq, sent] = String(m.body).split(" ");
        lines.push(`${from} ${seq} ${sent} ${now}`);
        acks.push(m.id);
      }
    }
    void flushAcks();
    if (lines.length >= expected) return finish();
  }
  await finish();
}

await (role === "sender" ? sender(rest) : reader(rest));
