package dev.agentmesh.cli;

import dev.agentmesh.MeshException;
import dev.agentmesh.api.MeshApi;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;
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

    @Override
    public Integer call() {
        if (!MeshApi.TOOL.equals(tool)) {
            throw MeshException.invalidInput("unknown tool '" + tool + "'; the tool is " + MeshApi.TOOL);
        }
        JsonNode args;
        try {
            args = Cli.JSON.readTree(json);
        } catch (Exception e) {
            throw MeshException.invalidInput("arguments are not valid JSON: " + MeshCommand.firstLine(e.getMessage()));
        }
        if (!(args instanceof ObjectNode obj)) {
            throw MeshException.invalidInput("arguments must be a JSON object with an 'action', not " + json);
        }
        return Cli.action(as.as, asJson.json, Cli.out(), obj);
    }
}
