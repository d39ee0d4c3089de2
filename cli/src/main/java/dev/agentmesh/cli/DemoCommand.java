package dev.agentmesh.cli;

import picocli.CommandLine.Command;

@Command(name = "demo", description = "(in progress)")
final class DemoCommand {
}
