package dev.agentmesh.cli;

import dev.agentmesh.MeshException;
import dev.agentmesh.project.Commands;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code mesh guard install [--remove]}: a git pre-commit hook (in the folder git runs hooks from, {@code core.hooksPath}
 * included) that refuses a commit touching a file another agent
 * holds exclusively (it runs {@code mesh reservations check} on the staged paths as {@code $MESH_AGENT}).
 * Idempotent; it never overwrites a pre-commit hook it did not write, and {@code --remove} takes out only its own.
 */
@Command(name = "guard", description = "Git guard: refuse commits that touch files another agent holds.",
        subcommands = {GuardCommand.Install.class})
final class GuardCommand {
    /** The line that marks the hook as agentmesh's. */
    static final String MARK = "# agentmesh guard: refuses commits of files another agent holds (mesh guard install --remove takes it out)";

    @Command(name = "install", mixinStandardHelpOptions = true, description = {"Install the git pre-commit guard in this repository.",
            "It runs mesh reservations check on the staged files as $MESH_AGENT; a held file stops the commit, naming the holder."})
    static final class Install implements Callable<Integer> {
        @Option(names = "--remove", description = "Take the guard out again.")
        boolean remove;

        @Override
        public Integer call() throws IOException {
            var project = Cli.meshEnv().project();
            project.requireGit("mesh guard install");
            Path hooks = hooksDir(project.root());
            Path hook = hooks.resolve("pre-commit");
            boolean ours = Files.isRegularFile(hook) && Files.readString(hook).contains(MARK);
            if (remove) {
                if (ours) {
                    Files.delete(hook);
                    Cli.out().println("removed the guard " + hook);
                } else {
                    Cli.out().println("no agentmesh guard in " + hook + "; nothing changed");
                }
                return 0;
            }
            if (Files.exists(hook) && !ours) {
                throw MeshException.unexpectedState(hook + " exists and is not agentmesh's; add this line to it instead: "
                        + "git diff --cached --name-only -z | xargs -0 -r -n 100 " + String.join(" ", quoted(Cli.selfCommand()))
                        + " reservations check");
            }
            String script = "#!/bin/sh\n" + MARK + "\n"
                    + "git diff --cached --name-only --diff-filter=ACMRD -z | xargs -0 -r -n 100 " + String.join(" ", quoted(Cli.selfCommand()))
                    + " reservations check || { echo \"commit refused: coordinate with the holder, or commit without these files\" >&2; exit 1; }\n";
            Files.createDirectories(hooks);
            if (ours && Files.readString(hook).equals(script)) {
                Cli.out().println("the guard is installed already: " + hook);
                return 0;
            }
            Files.writeString(hook, script);
            Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
            Cli.out().println((ours ? "updated" : "installed") + " the guard " + hook);
            return 0;
        }
    }

    /** @return the folder git runs hooks from: {@code core.hooksPath} when set, the common {@code .git/hooks} of worktrees */
    private static Path hooksDir(Path root) {
        var out = Commands.run(root, java.time.Duration.ofSeconds(30), List.of("git", "rev-parse", "--git-path", "hooks"));
        if (!out.ok()) {
            throw MeshException.unexpectedState("git rev-parse --git-path hooks failed in " + root + ": " + out.lastLine());
        }
        return root.resolve(out.output().strip()).normalize();
    }

    private static List<String> quoted(List<String> words) {
        return words.stream().map(w -> "'" + w.replace("'", "'\\''") + "'").toList();
    }
}
