package dev.agentmesh.cli;

import dev.agentmesh.MeshException;
import dev.agentmesh.api.Json;
import dev.agentmesh.team.TeamErrors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.util.List;

/**
 * {@code mesh team ...}: the {@code agent_team} tool (seeds/002) from the terminal, each command a thin call of one
 * supervisor action ({@code team.catalog}, {@code team.start}, {@code team.run_status}, {@code team.step_result},
 * {@code team.message}, {@code team.cancel}, {@code team.cleanup}) with the tool's argument names, so the CLI, MCP
 * and the pi extension agree. The backend checks the values (a wait above 60 s, an unknown run); its errors print as
 * one line ({@code PROBLEM Repair: REPAIR}) and exit non-zero like every command's. {@code --json} prints the data.
 */
@Command(name = "team", description = {"Delegate work to a team of helper agents: catalog, start, status, result, message, cancel, cleanup.",
        "A run is one static graph of steps (agent_team, seeds/002); start returns its run id (r1, r2, ...)."})
final class TeamCommand {

    @Command(mixinStandardHelpOptions = true, name = "catalog", description = "The agent profiles a graph's steps can use (source-qualified refs such as package:scout).")
    int catalog(@Option(names = "--query", paramLabel = "Q", description = "Routing terms: names, descriptions, tags, default tools.") String query,
                @Option(names = "--sources", paramLabel = "SOURCES", split = ",", description = "Libraries to list, comma-separated: package, user, project.") List<String> sources,
                @Mixin Options.As as, @Mixin Options.Json json) {
        ObjectNode args = Cli.args("team.catalog");
        if (query != null || sources != null) {
            ObjectNode library = args.putObject("library");
            if (query != null) {
                library.put("query", query);
            }
            if (sources != null) {
                sources.forEach(library.putArray("sources")::add);
            }
        }
        return Cli.action(as.as, json.json, Cli.out(), args);
    }

    @Command(mixinStandardHelpOptions = true, name = "start", description = {"Start one graph: a graph JSON file inside the working folder, or --graph JSON.",
            "Prints the run id (r1, ...); follow it with mesh team status RUN --wait 30."})
    int start(@Parameters(arity = "0..1", paramLabel = "GRAPH_FILE", description = "A relative .json file holding only the graph.") String file,
              @Option(names = "--graph", paramLabel = "JSON", description = "The graph inline, as a JSON object.") String graph,
              @Option(names = "--notices", paramLabel = "MODE", description = "Pushed progress notices: none, final or milestones (the default).") String notices,
              @Mixin Options.As as, @Mixin Options.Json json) {
        if ((file == null) == (graph == null)) {
            throw TeamErrors.invalid(file == null ? "mesh team start needs a graph" : "mesh team start takes one graph, not a file and --graph",
                    "give a GRAPH_FILE (a relative .json file inside the working folder) or --graph JSON");
        }
        ObjectNode args = Cli.args("team.start");
        if (file != null) {
            args.put("graphFile", graphFile(file, Cli.cwd()));
        } else {
            args.set("graph", Json.parseObject(graph, "--graph"));
        }
        if (notices != null) {
            args.put("notices", notices);
        }
        return Cli.action(as.as, json.json, Cli.out(), args);
    }

    @Command(mixinStandardHelpOptions = true, name = "status", description = "A run's compact state: steps, diagnostics, artifact paths; --wait for the next material event.")
    int status(@Parameters(arity = "0..1", paramLabel = "RUN", description = "The run, e.g. r1; without it, the project's runs.") String run,
               @Option(names = "--wait", paramLabel = "S", description = "Wait up to S seconds (at most 60) for a material event.") Integer wait,
               @Option(names = "--cursor", paramLabel = "C", description = "Only events after this cursor (the one the last status printed).") String cursor,
               @Option(names = "--step", paramLabel = "ID", description = "Only this step's events.") String step,
               @Option(names = "--preview", description = "Include assistant text previews.") boolean preview,
               @Option(names = "--debug-events", description = "Include the raw retained events.") boolean debugEvents,
               @Mixin Options.As as, @Mixin Options.Json json) {
        ObjectNode args = Cli.args("team.run_status");
        put(args, "runId", run);
        if (wait != null) {
            args.put("waitSeconds", wait);
        }
        if (cursor != null) {
            putCursor(args, cursor);
        }
        put(args, "stepId", step);
        if (preview) {
            args.put("preview", true);
        }
        if (debugEvents) {
            args.put("debugEvents", true);
        }
        return Cli.action(as.as, json.json, Cli.out(), args);
    }

    @Command(mixinStandardHelpOptions = true, name = "result", description = "One step's live or final text and artifact.")
    int result(@Parameters(index = "0", paramLabel = "RUN") String run, @Parameters(index = "1", paramLabel = "STEP") String step,
               @Option(names = "--preview", description = "Include the text (a bounded preview; the artifact holds it all).") boolean preview,
               @Mixin Options.As as, @Mixin Options.Json json) {
        ObjectNode args = Cli.args("team.step_result").put("runId", run).put("stepId", step);
        if (preview) {
            args.put("preview", true);
        }
        return Cli.action(as.as, json.json, Cli.out(), args);
    }

    @Command(mixinStandardHelpOptions = true, name = "message", description = "Queue a note to one running step (steer, or --follow-up).")
    int message(@Parameters(index = "0", paramLabel = "RUN") String run, @Parameters(index = "1", paramLabel = "STEP") String step,
                @Parameters(index = "2", paramLabel = "TEXT") String text,
                @Option(names = "--follow-up", description = "Deliver once the step is otherwise done (default: steer, after its current turn's tools).") boolean followUp,
                @Option(names = "--key", paramLabel = "K", description = "A key of your own: sending again with it returns the first receipt.") String key,
                @Mixin Options.As as, @Mixin Options.Json json) {
        ObjectNode args = Cli.args("team.message").put("runId", run).put("stepId", step)
                .put("mode", followUp ? "follow_up" : "steer").put("message", text);
        put(args, "key", key);
        return Cli.action(as.as, json.json, Cli.out(), args);
    }

    @Command(mixinStandardHelpOptions = true, name = "cancel", description = "Stop a live run.")
    int cancel(@Parameters(paramLabel = "RUN") String run, @Mixin Options.As as, @Mixin Options.Json json) {
        return Cli.action(as.as, json.json, Cli.out(), Cli.args("team.cancel").put("runId", run));
    }

    @Command(mixinStandardHelpOptions = true, name = "cleanup", description = "Delete a finished run's retained evidence (keep the artifact paths you need first).")
    int cleanup(@Parameters(paramLabel = "RUN") String run, @Mixin Options.As as, @Mixin Options.Json json) {
        return Cli.action(as.as, json.json, Cli.out(), Cli.args("team.cleanup").put("runId", run));
    }

    /**
     * @return {@code file} as {@code graphFile}: as given when relative (the backend resolves it against the caller's
     *         working folder), relative to {@code cwd} when it is an absolute path inside it; an absolute path outside
     *         goes as given, for the backend to refuse with its repair
     */
    static String graphFile(String file, Path cwd) {
        Path p;
        try {
            p = Path.of(file);
        } catch (java.nio.file.InvalidPathException e) {
            throw MeshException.invalidInput("'" + dev.agentmesh.Texts.quote(file, 80) + "' is not a file path");
        }
        if (p.isAbsolute()) {
            Path normal = p.normalize();
            Path base = cwd.toAbsolutePath().normalize();
            if (normal.startsWith(base) && !normal.equals(base)) {
                return base.relativize(normal).toString();
            }
        }
        return file;
    }

    /** A cursor of digits goes as a number, any other as the text given: the backend may hand out either. */
    private static void putCursor(ObjectNode args, String cursor) {
        if (cursor.matches("\\d{1,18}")) {
            args.put("cursor", Long.parseLong(cursor));
        } else {
            args.put("cursor", cursor);
        }
    }

    private static void put(ObjectNode args, String key, String value) {
        if (value != null) {
            args.put(key, value);
        }
    }
}
