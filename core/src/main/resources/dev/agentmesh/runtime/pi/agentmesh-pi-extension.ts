// agentmesh extension for pi: registers the pi_messenger tool, which runs the mesh CLI
// (`mesh tool pi_messenger JSON`) so an agent reaches the mesh from inside pi.
// The mesh command line comes from MESH_CMD (a JSON array); MESH_AGENT, MESH_STORE and MESH_PROJECT
// say who the agent is and which store and project it works in.
import { execFile } from "node:child_process";

export default function (pi: any) {
  const cmd: string[] = JSON.parse(process.env.MESH_CMD ?? '["mesh"]');
  pi.registerTool({
    name: "pi_messenger",
    label: "Mesh",
    description:
      "Coordinate with the other agents of this project through the mesh. Pass an action and its parameters: " +
      "join, list, status, whois {name}, feed {limit}, set_status {message}, send {to, message, replyTo}, " +
      "broadcast {message}, inbox, reserve {paths, reason}, release {paths}, rename {name}, " +
      "task.list, task.show {id}, task.ready, task.start {id}, task.done {id, summary}, task.block {id, reason}, " +
      "task.unblock {id}, task.reset {id, cascade}, crew.status.",
    promptSnippet: "pi_messenger: talk to other agents, reserve files, and report crew tasks done (task.done).",
    parameters: {
      type: "object",
      properties: {
        action: { type: "string", description: "The action, e.g. join, send, reserve, task.done" },
        name: { type: "string" },
        to: { description: "Recipient name or names", anyOf: [{ type: "string" }, { type: "array", items: { type: "string" } }] },
        message: { type: "string" },
        replyTo: { type: "integer" },
        paths: { type: "array", items: { type: "string" }, description: "Files, folders or globs of the project" },
        reason: { type: "string" },
        mode: { type: "string", enum: ["exclusive", "shared"] },
        id: { type: "string", description: "Task id, e.g. task-1" },
        summary: { type: "string" },
        cascade: { type: "boolean" },
        limit: { type: "integer" },
        peek: { type: "boolean" },
        all: { type: "boolean" },
      },
      required: ["action"],
    },
    async execute(_toolCallId: string, params: any, signal?: AbortSignal, _onUpdate?: any, ctx?: any) {
      const out: string = await new Promise((resolve, reject) => {
        execFile(cmd[0], [...cmd.slice(1), "tool", "pi_messenger", JSON.stringify(params)],
          { cwd: ctx?.cwd, env: process.env, signal, maxBuffer: 16 * 1024 * 1024 },
          (err: any, stdout: string, stderr: string) => {
            if (err) {
              const line = (stderr || "").trim() || String(err.message);
              reject(new Error(line.replace(/^mesh: /, "")));
            } else {
              resolve(stdout.trim());
            }
          });
      });
      return { content: [{ type: "text", text: out }], details: {} };
    },
  });
}
