package dev.agentmesh.cli;

import picocli.CommandLine.Command;

@Command(name = "mcp", description = "(in progress)")
final class McpCommand {
}
