package dev.agentmesh.cli;

import picocli.CommandLine.Option;

/** Shared options, mixed into commands (as jbang shares flags through mixins). */
final class Options {
    private Options() {
    }

    /** {@code --json}: print the data as JSON instead of text. */
    static final class Json {
        @Option(names = "--json", description = "Print the result as JSON.")
        boolean json;
    }

    /** {@code --as NAME}: act as this agent (default: the MESH_AGENT environment variable). */
    static final class As {
        @Option(names = "--as", paramLabel = "NAME", description = "Act as this agent (default: $MESH_AGENT).")
        String as;
    }
}
