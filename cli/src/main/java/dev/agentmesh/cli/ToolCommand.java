package dev.agentmesh.cli;

import dev.agentmesh.MeshException;
import dev.agentmesh.api.Json;
import dev.agentmesh.api.MeshApi;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.node.ObjectNode;

import java.util.concurrent.Callable;

/**
 * {@code mesh tool pi_messenger JSON}: runs one tool action given as JSON, exactly as the MCP tool would. The pi
 * extension calls this from inside pi.
 */
@Command(name = "tool", description = {"Run a pi_messenger action given as JSON, as the MCP tool would.",
        "Example: mesh tool pi_messenger '{\"action\":\"send\",\"to\":\"GoldFalcon\",\"message\":\"done\"}'"})
final class ToolCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "TOOL", description = "The tool: pi_messenger.")
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
        if (!MeshApi.TOOL.equals(tool)) {
            throw MeshException.invalidInput("unknown tool '" + tool + "'; the tool is " + MeshApi.TOOL);
        }
        ObjectNode obj = Json.parseObject(json, "the arguments");
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
