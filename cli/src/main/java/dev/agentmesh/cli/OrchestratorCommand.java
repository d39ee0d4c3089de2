package dev.agentmesh.cli;

import dev.agentmesh.MeshException;
import dev.agentmesh.api.Json;
import dev.agentmesh.orchestrator.Workspace;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.node.ObjectNode;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code mesh orchestrator ...} (issue 8, seeds/004): the orchestrator workspace ({@code init}, {@code persona use},
 * {@code persona list}; files only, through {@link Workspace}) and the role ({@code claim}, {@code status}: the
 * {@code claim_orchestrator_role} and {@code orchestrator_status} actions of the supervisor). Without a folder the
 * workspace is {@code <project>/.mesh/orchestrator}, or the workspace the current folder is in. Errors print one line
 * and exit non-zero like every command's; {@code --json} prints the data.
 */
@Command(name = "orchestrator", description = {"The orchestrator: its workspace (init, persona) and its role (claim, status).",
        "The workspace is a procedure layer: AGENTS.md, a SOUL.md persona link, comms.md, projects.md, memory/, personas/, skills."},
        subcommands = OrchestratorCommand.Persona.class)
final class OrchestratorCommand {

    @Command(mixinStandardHelpOptions = true, name = "init", description = {"Create the orchestrator workspace from the template.",
            "Existing files are kept, never overwritten: init again restores only what is missing.",
            "Default folder: <project>/.mesh/orchestrator (git-ignored). Files are 0600, folders 0700."})
    int init(@Parameters(arity = "0..1", paramLabel = "DIR", description = "The workspace folder (default: <project>/.mesh/orchestrator).") String dir,
             @Mixin Options.Json json) {
        Workspace.InitReport r = dir == null ? Workspace.init(Cli.meshEnv().project()) : Workspace.init(path(dir));
        StringBuilder text = new StringBuilder("orchestrator workspace " + r.dir() + ": " + r.created().size() + " created, "
                + r.kept().size() + " kept");
        if (!r.kept().isEmpty()) {
            text.append(" (existing files are never overwritten: ").append(String.join(", ", r.kept())).append(')');
        }
        text.append("\npersona: ").append(r.persona() == null ? "SOUL.md is your own file" : r.persona() + " (mesh orchestrator persona use NAME to change it)");
        text.append("\nrun the orchestrator agent in this folder; it reads AGENTS.md, which imports SOUL.md");
        ObjectNode data = Json.MAPPER.createObjectNode().put("dir", r.dir().toString()).put("persona", r.persona());
        r.created().forEach(data.putArray("created")::add);
        r.kept().forEach(data.putArray("kept")::add);
        Cli.print(Cli.out(), json.json, text.toString(), data);
        return 0;
    }

    @Command(mixinStandardHelpOptions = true, name = "claim", description = {"Claim the orchestrator role of your circle (claim_orchestrator_role).",
            "Refused while another live orchestrator holds it: --force takes over (it is told), --observer watches instead."})
    int claim(@Option(names = "--force", description = "Take the role over from a live orchestrator.") boolean force,
              @Option(names = "--observer", description = "Record yourself as an observer (co-orchestrator) instead.") boolean observer,
              @Option(names = "--circle", paramLabel = "C", description = "The circle (default: yours; only an agent in no circle may name another).") String circle,
              @Mixin Options.As as, @Mixin Options.Json json) {
        ObjectNode args = Cli.args("claim_orchestrator_role");
        if (force) {
            args.put("force", true);
        }
        if (observer) {
            args.put("observer", true);
        }
        if (circle != null) {
            args.put("circle", circle);
        }
        return Cli.action(as.as, json.json, Cli.out(), args);
    }

    @Command(mixinStandardHelpOptions = true, name = "status", description = "Whether a live orchestrator is present: name, last seen, staleness, observers (orchestrator_status).")
    int status(@Option(names = "--circle", paramLabel = "C", description = "The circle asked about (default: yours, or the whole project).") String circle,
               @Mixin Options.As as, @Mixin Options.Json json) {
        ObjectNode args = Cli.args("orchestrator_status");
        if (circle != null) {
            args.put("circle", circle);
        }
        return Cli.action(as.as, json.json, Cli.out(), args);
    }

    /** {@code mesh orchestrator persona use|list}: which persona SOUL.md points at. */
    @Command(name = "persona", description = "The workspace's persona: SOUL.md links to personas/NAME.md.")
    static final class Persona {
        @Command(mixinStandardHelpOptions = true, name = "use", description = {"Point SOUL.md at personas/NAME.md.",
                "A SOUL.md of your own (a file, not a link) is never overwritten."})
        int use(@Parameters(paramLabel = "NAME", description = "A persona of personas/ (see: mesh orchestrator persona list).") String name,
                @Option(names = "--dir", paramLabel = "DIR", description = "The workspace (default: the one you are in, else <project>/.mesh/orchestrator).") String dir,
                @Mixin Options.Json json) {
            Path ws = workspace(dir);
            String before = Workspace.usePersona(ws, name);
            ObjectNode data = Json.MAPPER.createObjectNode().put("dir", ws.toString()).put("persona", name).put("previous", before);
            Cli.print(Cli.out(), json.json, "SOUL.md -> personas/" + name + ".md" + (before == null ? "" : " (was " + before + ")")
                    + "\npersona guidance ranks below the person's and the orchestrator's directives and above retrieved content", data);
            return 0;
        }

        @Command(mixinStandardHelpOptions = true, name = "list", description = "List the personas; * marks the one SOUL.md points at.")
        int list(@Option(names = "--dir", paramLabel = "DIR", description = "The workspace (default: the one you are in, else <project>/.mesh/orchestrator).") String dir,
                 @Mixin Options.Json json) {
            Path ws = workspace(dir);
            List<String> personas = Workspace.personas(ws);
            String current = Workspace.currentPersona(ws);
            StringBuilder text = new StringBuilder(personas.size() + " persona(s) in " + ws.resolve("personas"));
            personas.forEach(p -> text.append('\n').append(p.equals(current) ? "* " : "  ").append(p));
            if (current == null) {
                text.append("\nSOUL.md points at no persona of personas/");
            }
            ObjectNode data = Json.MAPPER.createObjectNode().put("dir", ws.toString()).put("current", current);
            personas.forEach(data.putArray("personas")::add);
            Cli.print(Cli.out(), json.json, text.toString(), data);
            return 0;
        }
    }

    private static Path workspace(String dir) {
        return dir != null ? path(dir) : Workspace.locate(Cli.cwd(), Cli.meshEnv().project());
    }

    private static Path path(String dir) {
        if (dir.isBlank() || dir.indexOf('\0') >= 0) {
            throw MeshException.invalidInput("'" + dev.agentmesh.Texts.quote(dir, 80) + "' is not a folder path");
        }
        try {
            return Cli.cwd().resolve(dir);
        } catch (InvalidPathException e) {
            throw MeshException.invalidInput("'" + dev.agentmesh.Texts.quote(dir, 80) + "' is not a folder path");
        }
    }
}
