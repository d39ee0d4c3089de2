package dev.agentmesh.cli;

import dev.agentmesh.MeshException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The {@code mesh} command: entry point of the CLI. Mesh commands ({@code join}, {@code send}, ...) come from
 * the command classes of each group; errors print one line ({@code -x} adds the stack trace) and exit 2
 * (invalid input), 3 (unexpected state) or 4 (internal), as {@link MeshException.Kind} says.
 */
@Command(name = "mesh", mixinStandardHelpOptions = true, versionProvider = MeshCommand.Version.class,
        description = {"agentmesh: coordination runtime for teams of AI coding agents.",
                "Agents join a mesh, message each other, reserve files, and run crews of workers from a PRD."})
public final class MeshCommand implements Callable<Integer> {
    /** The command classes; with the method commands of {@link #GROUPS}, every subcommand of {@code mesh}. */
    private static final Class<?>[] COMMANDS = {ServeCommand.class, ReservationsCommand.class, GuardCommand.class, InstallCommand.class,
            TaskCommand.class, CrewCommand.class, ToolCommand.class, McpCommand.class, ModelCommand.class,
            AgentsCommand.class, TeamCommand.class, OrchestratorCommand.class, DashboardCommand.class, DataCommand.class, DemoCommand.class, SmokeCommand.class, AotTrainingCommand.class, CommandLine.HelpCommand.class,
            picocli.AutoComplete.GenerateCompletion.class};
    /** One class per command group; their commands are static methods, so picocli can invoke them on any object. */
    private static final Class<?>[] GROUPS = {PresenceCommands.class, MessageCommands.class, ReservationCommands.class,
            SwarmCommands.class, OrchestratorCommands.class, ReviewCommands.class};

    @Option(names = {"-x", "--trace"}, description = "Print the stack trace of an error (anywhere before a --: mesh -x send ..., mesh send ... -x).")
    boolean trace;


    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(Cli.out());
        return 0;
    }

    /** Runs the CLI and exits with its code. */
    public static void main(String[] args) {
        int code = run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
        System.exit(code);
    }

    /**
     * Runs the CLI without exiting.
     *
     * @return the exit code: 0 ok, 1 a check failed (e.g. demo), 2 invalid input, 3 unexpected state, 4 internal
     */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = commandLine(firstWord(args));
        Cli.out(out);
        Cli.err(err);
        cl.setOut(out);
        cl.setErr(err);
        // the global flags go anywhere on the line before a "--": -x/--trace (mesh's own) and --json (each command's)
        List<String> words = new ArrayList<>();
        boolean trace = false;
        boolean json = false;
        int end = java.util.Arrays.asList(args).indexOf("--");
        for (int i = 0; i < args.length; i++) {
            boolean global = end < 0 || i < end;
            if (global && (args[i].equals("-x") || args[i].equals("--trace"))) {
                trace = true;
            } else if (global && args[i].equals("--json") && words.stream().noneMatch(w -> !w.startsWith("-"))) {
                json = true;
            } else {
                words.add(args[i]);
            }
        }
        if (json) {
            int at = words.indexOf("--");
            words.add(at < 0 ? words.size() : at, "--json");
        }
        String[] rest = words.toArray(String[]::new);
        boolean traced = trace;
        cl.setParameterExceptionHandler((ex, a) -> {
            String hint = ex instanceof CommandLine.UnmatchedArgumentException u ? nearest(u) : "";
            ex.getCommandLine().getErr().println("mesh: " + firstLine(ex.getMessage()) + hint
                    + " (see: " + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help)");
            return MeshException.Kind.INVALID_INPUT.exitCode();
        });
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            PrintWriter e = cmd.getErr();
            if (ex instanceof MeshException me) {
                e.println("mesh: " + firstLine(me.getMessage()));
                if (traced) {
                    me.printStackTrace(e);
                }
                e.flush();
                return me.kind().exitCode();
            }
            e.println("mesh: internal error: " + firstLine(String.valueOf(ex.getMessage())) + " (" + ex.getClass().getSimpleName()
                    + "; run again with -x for the stack trace)");
            if (traced) {
                StringWriter sw = new StringWriter();
                ex.printStackTrace(new PrintWriter(sw));
                e.print(sw);
            }
            e.flush();
            return MeshException.Kind.INTERNAL.exitCode();
        });
        return cl.execute(rest);
    }

    /** @return the command line with every subcommand (for help, completion and tests) */
    static CommandLine commandLine() {
        return commandLine(null);
    }

    /**
     * @param command the subcommand about to run, or null
     * @return the command line with only that subcommand when it names one, else with all: picocli builds the
     *         model of every subcommand it is given, which costs a third of a short command's time
     */
    static CommandLine commandLine(String command) {
        CommandLine cl = new CommandLine(new MeshCommand());
        boolean found = false;
        // "help NAME" needs NAME: it gets every subcommand
        if (command != null && !command.equals("help")) {
            for (Class<?> group : GROUPS) {
                for (java.lang.reflect.Method m : CommandLine.getCommandMethods(group, command)) {
                    cl.addSubcommand(new CommandLine(m));
                    found = true;
                }
            }
            for (Class<?> c : COMMANDS) {
                Command a = c.getAnnotation(Command.class);
                if (!found && a != null && (a.name().equals(command) || java.util.Arrays.asList(a.aliases()).contains(command))) {
                    cl.addSubcommand(c);
                    found = true;
                }
            }
        }
        if (!found) {
            for (Class<?> c : COMMANDS) {
                cl.addSubcommand(c);
            }
            for (Class<?> group : GROUPS) {
                for (java.lang.reflect.Method m : CommandLine.getCommandMethods(group, null)) {
                    cl.addSubcommand(new CommandLine(m));
                }
            }
        }
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        addHelpOptions(cl);
        return cl;
    }

    /** @return the first word after the leading global flags, or null when there is none or it is an option */
    private static String firstWord(String[] args) {
        for (String a : args) {
            if (!a.equals("-x") && !a.equals("--trace") && !a.equals("--json")) {
                return a.startsWith("-") ? null : a;
            }
        }
        return null;
    }

    /** Gives every subcommand {@code -h/--help} and {@code -V/--version}, as the top command has. */
    private static void addHelpOptions(CommandLine cl) {
        for (CommandLine sub : cl.getSubcommands().values()) {
            // method commands bind options to parameters by position, so they declare the help options themselves
            if (sub.getCommandSpec().optionsMap().get("--help") == null && !(sub.getCommand() instanceof CommandLine.HelpCommand)
                    && !(sub.getCommand() instanceof java.lang.reflect.Method)) {
                sub.getCommandSpec().mixinStandardHelpOptions(true);
            }
            addHelpOptions(sub);
        }
    }

    /** @return "; did you mean X?" for the first unmatched word when a command or option is within two edits of it */
    private static String nearest(CommandLine.UnmatchedArgumentException u) {
        if (u.getUnmatched().isEmpty()) {
            return "";
        }
        String word = u.getUnmatched().getFirst();
        var spec = u.getCommandLine().getCommandSpec();
        java.util.List<String> names = new java.util.ArrayList<>(u.getCommandLine().getSubcommands().keySet());
        names.addAll(spec.optionsMap().keySet());
        String best = null;
        int bestDistance = Math.max(1, Math.min(2, word.length() / 3));
        for (String n : names) {
            int d = distance(word, n);
            if (d <= bestDistance && (best == null || d < distance(word, best))) {
                best = n;
            }
        }
        return best == null ? "" : "; did you mean " + best + "?";
    }

    /** Edit distance (insert, delete, substitute, and swap of neighbours count one each). */
    private static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            for (int j = 0; j <= b.length(); j++) {
                if (i == 0 || j == 0) {
                    d[i][j] = i + j;
                    continue;
                }
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    static String firstLine(String s) {
        return dev.agentmesh.Texts.firstLine(s);
    }

    /** @return the agentmesh version from the jar manifest, or the build's */
    static String version() {
        String v = MeshCommand.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0" : v;
    }

    /** Prints the version from the jar manifest, or the build's. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = MeshCommand.class.getPackage().getImplementationVersion();
            return new String[]{"mesh (agentmesh) " + (v == null ? "0.1.0" : v), "Java " + Runtime.version()};
        }
    }
}
