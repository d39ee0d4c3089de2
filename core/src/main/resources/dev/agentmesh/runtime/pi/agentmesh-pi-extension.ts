// agentmesh extension for pi: registers the pi_messenger tool, which runs the mesh CLI
// (`mesh tool pi_messenger JSON`) so an agent reaches the mesh from inside pi. The description and the
// parameters are filled in by agentmesh from the same schema as the MCP tool's.
// The mesh command line comes from MESH_CMD (a JSON array); MESH_AGENT, MESH_STORE and MESH_PROJECT
// say who the agent is and which store and project it works in.
import { execFile } from "node:child_process";

export default function (pi: any) {
  const cmd: string[] = JSON.parse(process.env.MESH_CMD ?? '["mesh"]');
  pi.registerTool({
    name: "pi_messenger",
    label: "Mesh",
    description: __DESCRIPTION__,
    promptSnippet: "pi_messenger: talk to other agents, reserve files, and report crew tasks done (task.done).",
    parameters: __PARAMETERS__,
    // pi's abort signal is not passed on: a mesh call takes well under a second, and stopping it half-way
    // could lose what it committed (an inbox read marks the messages it returns as delivered).
    async execute(_toolCallId: string, params: any, _signal?: AbortSignal, _onUpdate?: any, ctx?: any) {
      const out: string = await new Promise((resolve, reject) => {
        execFile(cmd[0], [...cmd.slice(1), "tool", "pi_messenger", JSON.stringify(params)],
          { cwd: ctx?.cwd, env: process.env, maxBuffer: 16 * 1024 * 1024 },
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
