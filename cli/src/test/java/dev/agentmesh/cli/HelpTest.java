package dev.agentmesh.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Every command, at every depth, answers --help with its usage and exit code 0. */
class HelpTest {

    @Test
    void everyCommandPrintsItsUsageForHelp() {
        List<String> paths = new ArrayList<>();
        collect(MeshCommand.commandLine(), "", paths);
        assertThat(paths).contains("join", "send", "reserve", "task done", "crew run", "demo", "mcp", "model serve", "tool");
        for (String path : paths) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            List<String> args = new ArrayList<>(List.of(path.split(" ")));
            args.add("--help");
            int code = MeshCommand.run(args.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
            assertThat(code).as("mesh %s --help: %s", path, err).isZero();
            assertThat(out.toString()).as("mesh %s --help", path).startsWith("Usage: mesh " + path);
        }
    }

    private static void collect(CommandLine cl, String prefix, List<String> paths) {
        cl.getSubcommands().forEach((name, sub) -> {
            if (sub.getCommand() instanceof CommandLine.HelpCommand || !sub.getCommandName().equals(name)) {
                return;
            }
            String path = (prefix + " " + name).strip();
            paths.add(path);
            collect(sub, path, paths);
        });
    }
}
