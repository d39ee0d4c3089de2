package dev.agentmesh.cli;

import picocli.CommandLine.Command;

@Command(name = "crew", description = "(in progress)")
final class CrewCommand {
}
