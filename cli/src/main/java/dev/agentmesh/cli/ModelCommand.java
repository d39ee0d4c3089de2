package dev.agentmesh.cli;

import picocli.CommandLine.Command;

@Command(name = "model", description = "(in progress)")
final class ModelCommand {
}
