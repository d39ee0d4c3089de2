// One agent's tool calls through the two paths an agent uses: the pi extension's (fetch POST /api/v1/call, as
// agentmesh-pi-extension.ts does it) and MCP Streamable HTTP (/mcp, tools/call in one session).
// Usage: node toolcall.mjs URL SECRET PROJECT AGENT COUNT TOKEN; prints {"p50_ms_extension", ...} on stdout.
const [url, secret, project, agent, countText, token] = process.argv.slice(2);
const count = Number(countText);
const auth = { Authorization: `Bearer ${secret}` };
const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.max(0, Math.ceil(p / 100 * s.length) - 1)]; };
const round = (v) => Math.round(v * 100) / 100;

async function extension() {
  const body = JSON.stringify({ caller: { project, cwd: project, agent, token, pid: process.pid, runtime: "pi", model: null },
    args: { action: "status" } });
  const once = async () => {
    const res = await fetch(`${url}/api/v1/call`, { method: "POST", headers: { ...auth, "Content-Type": "application/json" }, body });
    const j = await res.json();
    if (!res.ok) throw new Error(JSON.stringify(j));
  };
  for (let i = 0; i < 100; i++) await once();
  const ms = [];
  for (let i = 0; i < count; i++) { const t = performance.now(); await once(); ms.push(performance.now() - t); }
  return ms;
}

async function mcp() {
  const endpoint = `${url}/mcp?project=${encodeURIComponent(project)}`;
  const headers = { ...auth, "Content-Type": "application/json", Accept: "application/json, text/event-stream", "X-Mesh-Agent": agent, "X-Mesh-Token": token };
  const init = await fetch(endpoint, { method: "POST", headers, body: JSON.stringify({ jsonrpc: "2.0", id: 0, method: "initialize",
    params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "bench", version: "1" } } }) });
  await init.text();
  const session = init.headers.get("mcp-session-id");
  const h = { ...headers, "Mcp-Session-Id": session };
  await (await fetch(endpoint, { method: "POST", headers: h, body: JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }) })).text();
  let id = 1;
  const once = async () => {
    const res = await fetch(endpoint, { method: "POST", headers: h, body: JSON.stringify({ jsonrpc: "2.0", id: id++, method: "tools/call",
      params: { name: "pi_messenger", arguments: { action: "status" } } }) });
    const text = await res.text();
    if (!res.ok || !text.includes("you are")) throw new Error(text.slice(0, 300));
  };
  for (let i = 0; i < 100; i++) await once();
  const ms = [];
  for (let i = 0; i < count; i++) { const t = performance.now(); await once(); ms.push(performance.now() - t); }
  return ms;
}

const e = await extension();
const m = await mcp();
console.log(JSON.stringify({ p50_ms_extension: round(pct(e, 50)), p99_ms_extension: round(pct(e, 99)),
  p50_ms_mcp: round(pct(m, 50)), p99_ms_mcp: round(pct(m, 99)), calls: count }));
