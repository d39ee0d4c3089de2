package dev.agentmesh.cli;

import dev.agentmesh.MeshException;
import dev.agentmesh.api.Json;
import dev.agentmesh.api.MeshApi;
import dev.agentmesh.server.mcp.AgentTeamTool;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.node.ObjectNode;

import java.util.concurrent.Callable;

/**
 * {@code mesh tool pi_messenger|agent_team JSON}: runs one tool action given as JSON, exactly as the MCP tool would.
 * The pi extension calls this from inside pi. For {@code agent_team} the action maps as {@link AgentTeamTool#apiArgs}
 * says ({@code start} is the API's {@code team.start}; {@code run} and unknown actions are refused in the
 * {@code PROBLEM Repair: REPAIR} form, printed on one line as every error of the CLI).
 */
@Command(name = "tool", description = {"Run a pi_messenger, agent_team or orchestrator tool (ask, job_create, ...) given as JSON, as the MCP tool would.",
        "Example: mesh tool pi_messenger '{\"action\":\"send\",\"to\":\"GoldFalcon\",\"message\":\"done\"}'",
        "         mesh tool agent_team '{\"action\":\"run_status\",\"runId\":\"r1\",\"waitSeconds\":30}'",
        "         mesh tool ask '{\"peer\":\"GoldFalcon\",\"brief\":\"review the branch fix-1\"}'"})
final class ToolCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "TOOL", description = "The tool: pi_messenger, agent_team, or an orchestrator tool (ask, ack, wait_on_ack, job_create, schedule_self, ...).")
    String tool;
    @Parameters(index = "1", paramLabel = "JSON", description = "The arguments: a JSON object with an action.")
    String json;
    @Mixin
    Options.As as;
    @Mixin
    Options.Json asJson;
    @picocli.CommandLine.Option(names = "--result", description = "Print the whole result as JSON: {\"text\", \"data\", \"agent\"} (the agent name after the call), as the HTTP API answers.")
    boolean result;

    @Override
    public Integer call() {
        boolean team = AgentTeamTool.NAME.equals(tool);
        boolean orchestrator = dev.agentmesh.api.OrchestratorTools.find(tool) != null;
        if (!team && !orchestrator && !MeshApi.TOOL.equals(tool)) {
            throw MeshException.invalidInput("unknown tool '" + dev.agentmesh.Texts.quote(tool, 60) + "'; the tools are " + MeshApi.TOOL + ", "
                    + AgentTeamTool.NAME + " and " + String.join(", ", dev.agentmesh.api.OrchestratorTools.ALL.stream().map(t -> t.name()).toList()));
        }
        ObjectNode obj = Json.parseObject(json, "the arguments");
        if (team) {
            obj = AgentTeamTool.apiArgs(obj);
        } else if (orchestrator) {
            obj = dev.agentmesh.server.mcp.OrchestratorTool.apiArgs(tool, obj);
        }
        if (!result) {
            return Cli.action(as.as, asJson.json, Cli.out(), obj);
        }
        var caller = Cli.caller(as.as, "cli");
        String name = caller.agent();
        String token = caller.token();
        var r = Cli.api().call(caller, obj);
        Cli.remember(caller, name, token, obj);
        var answer = r.toJson(caller.agent());
        if (caller.token() != null && !caller.token().equals(token)) {
            answer.put("token", caller.token());
        }
        Cli.out().println(answer);
        Cli.out().flush();
        return 0;
    }
}
