package dev.agentmesh.runtime;

/**
 * A mesh tool as a runtime registers it for its agents (the pi extension, an MCP entry): the runtime gets it from
 * its caller, so runtimes stay independent of the API that implements the tool.
 *
 * @param name        the tool name, e.g. {@code pi_messenger}
 * @param description one paragraph for the model
 * @param inputSchema the JSON Schema of the arguments, as JSON text
 */
public record ToolDescriptor(String name, String description, String inputSchema) {
}
