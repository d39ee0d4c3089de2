package dev.agentmesh.store;

import dev.agentmesh.MeshException;
import dev.agentmesh.mesh.Mesh;
import dev.agentmesh.mesh.Message;
import dev.agentmesh.project.Project;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * A load process for the multi-process tests: a separate JVM that opens the test's SQLite store and sends, reads
 * or reserves through the real services; {@link Children} launches and watches such processes from a test.
 *
 * <p>Arguments: {@code MODE STORE PROJECT_DIR SIGNAL_DIR LABEL ARGS...}. Once the store is open and the classes
 * are loaded the process creates {@code SIGNAL_DIR/ready-LABEL}, then, by mode (output lines are tab-separated):
 * <ul>
 * <li>{@code send} {@code N SEED RECIPIENT...} (LABEL is the sender): waits for {@code go}, sends N messages, each to
 * 1..3 recipients drawn by {@code new Random(SEED)}; prints {@code M id sender r1,r2 latencyMicros} per committed
 * message, then {@code # done epochMicros}.</li>
 * <li>{@code read} {@code NAME...}: reads the NAMEs' inboxes (limit 100) in turn and prints {@code D recipient id sender}
 * per message handed out; stops once {@code stop} exists and a later round found every inbox empty; prints
 * {@code # last epochMicros} (time of the last non-empty read, 0 if none).</li>
 * <li>{@code reserve} {@code PATH...} (LABEL is the agent): for each PATH number i, waits for {@code go-i}, reserves it
 * exclusively and prints {@code R i WON startMicros} or {@code R i LOST startMicros message}, then creates
 * {@code done-i-LABEL}.</li>
 * </ul>
 * Exit code 0 when done, 1 on any failure (stack trace on stderr), 3 if a wait times out or the parent JVM is gone.
 */
public final class LoadProcess {
    /** Longest any wait lasts, in a child or in the test. */
    static final Duration WAIT = Duration.ofMinutes(5);
    private static final int INBOX_LIMIT = 100;

    private final Path signals;
    private final Optional<ProcessHandle> parent = ProcessHandle.current().parent();

    private LoadProcess(Path signals) {
        this.signals = signals;
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 5) {
            System.err.println("usage: LoadProcess send|read|reserve STORE PROJECT_DIR SIGNAL_DIR LABEL ARGS...");
            System.exit(2);
        }
        String mode = args[0];
        String label = args[4];
        List<String> rest = Arrays.asList(args).subList(5, args.length);
        LoadProcess self = new LoadProcess(Path.of(args[3]));
        Mesh mesh = Mesh.create(Store.openSqlite(Path.of(args[1])), Project.locate(Path.of(args[2])));
        mesh.reservations().list(); // loads the classes and opens a first connection before the race starts
        PrintWriter out = new PrintWriter(new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8)));
        try {
            self.signal("ready-" + label);
            switch (mode) {
                case "send" -> self.send(mesh, out, label, Integer.parseInt(rest.get(0)), Long.parseLong(rest.get(1)),
                        rest.subList(2, rest.size()));
                case "read" -> self.read(mesh, out, rest);
                case "reserve" -> self.reserve(mesh, out, label, rest);
                case "claim" -> self.claim(mesh, out, label, Integer.parseInt(rest.get(0)));
                default -> throw new IllegalArgumentException("unknown mode " + mode);
            }
        } catch (Throwable e) {
            out.flush();
            e.printStackTrace();
            System.exit(e instanceof GaveUp ? 3 : 1);
        }
        out.flush();
        System.exit(0);
    }

    private void send(Mesh mesh, PrintWriter out, String sender, int n, long seed, List<String> recipients)
            throws InterruptedException {
        Random random = new Random(seed);
        awaitSignal("go");
        for (int i = 0; i < n; i++) {
            List<String> pool = new ArrayList<>(recipients);
            List<String> to = new ArrayList<>();
            for (int k = 1 + random.nextInt(3); k > 0 && !pool.isEmpty(); k--) {
                to.add(pool.remove(random.nextInt(pool.size())));
            }
            long start = System.nanoTime();
            Message m = mesh.messenger().send(sender, to, sender + " #" + i, null);
            long micros = (System.nanoTime() - start) / 1000;
            out.println("M\t" + m.id() + "\t" + m.sender() + "\t" + String.join(",", m.recipients()) + "\t" + micros);
        }
        out.println("#\tdone\t" + epochMicros());
    }

    private void read(Mesh mesh, PrintWriter out, List<String> names) throws InterruptedException {
        long last = 0;
        while (true) {
            boolean stopping = Files.exists(signals.resolve("stop"));
            int got = 0;
            for (String name : names) {
                for (Message m : mesh.messenger().inbox(name, INBOX_LIMIT, false)) {
                    out.println("D\t" + name + "\t" + m.id() + "\t" + m.sender());
                    got++;
                }
            }
            if (got > 0) {
                last = epochMicros();
            } else if (stopping) {
                break;
            } else {
                checkParent();
                Thread.sleep(10);
            }
        }
        out.println("#\tlast\t" + last);
    }

    private void reserve(Mesh mesh, PrintWriter out, String agent, List<String> paths) throws InterruptedException {
        Path cwd = mesh.project().root();
        for (int i = 0; i < paths.size(); i++) {
            awaitSignal("go-" + i);
            long start = epochMicros();
            try {
                mesh.reservations().reserve(agent, cwd, List.of(paths.get(i)), "race " + i, true, null);
                out.println("R\t" + i + "\tWON\t" + start);
            } catch (MeshException e) {
                if (e.kind() != MeshException.Kind.UNEXPECTED_STATE) {
                    throw e;
                }
                out.println("R\t" + i + "\tLOST\t" + start + "\t" + e.getMessage());
            }
            out.flush();
            signal("done-" + i + "-" + agent);
        }
    }

    private void claim(Mesh mesh, PrintWriter out, String agent, int rounds) throws InterruptedException {
        for (int i = 0; i < rounds; i++) {
            awaitSignal("go-" + i);
            long start = epochMicros();
            try {
                mesh.swarm().claim(agent, mesh.project().root(), "task-" + i, null);
                out.println("R\t" + i + "\tWON\t" + start + "\t" + (epochMicros() - start));
            } catch (MeshException e) {
                if (e.kind() != MeshException.Kind.UNEXPECTED_STATE) {
                    throw e;
                }
                out.println("R\t" + i + "\tLOST\t" + start + "\t" + (epochMicros() - start));
            }
            out.flush();
            signal("done-" + i + "-" + agent);
        }
    }

    /** Spins on a sub-millisecond sleep so that processes waiting for the same signal start within a tick. */
    private void awaitSignal(String name) throws InterruptedException {
        Path file = signals.resolve(name);
        long deadline = System.nanoTime() + WAIT.toNanos();
        for (int spins = 0; !Files.exists(file); spins++) {
            if (System.nanoTime() > deadline) {
                throw new GaveUp("no " + file + " after " + WAIT);
            }
            if (spins % 1000 == 0) {
                checkParent();
            }
            Thread.sleep(Duration.ofNanos(200_000));
        }
    }

    private void checkParent() {
        if (parent.isPresent() && !parent.get().isAlive()) {
            throw new GaveUp("the test JVM (pid " + parent.get().pid() + ") is gone");
        }
    }

    private void signal(String name) {
        LoadProcess.signal(signals, name);
    }

    static void signal(Path dir, String name) {
        try {
            Files.createFile(dir.resolve(name));
        } catch (FileAlreadyExistsException e) {
            // another signal of the same name is as good
        } catch (IOException e) {
            throw new IllegalStateException("cannot create signal " + dir.resolve(name), e);
        }
    }

    static long epochMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1000;
    }

    private static final class GaveUp extends RuntimeException {
        GaveUp(String message) {
            super(message);
        }
    }

    /** One launched load process; its stdout and stderr go to files. */
    record Child(String label, Process process, Path out, Path err) {

        /** @return the lines it printed to stdout */
        List<String> lines() {
            try {
                return Files.readAllLines(out);
            } catch (IOException e) {
                throw new IllegalStateException("cannot read the output of " + label, e);
            }
        }

        /** @return its label, pid, exit state and the end of its stderr */
        String describe() {
            String state = process.isAlive() ? "running" : "exit " + process.exitValue();
            String err;
            try {
                err = Files.readString(err());
            } catch (IOException e) {
                err = "(no stderr: " + e.getMessage() + ")";
            }
            if (err.length() > 4000) {
                err = "..." + err.substring(err.length() - 4000);
            }
            return label + " (pid " + process.pid() + ", " + state + ")" + (err.isBlank() ? "" : " stderr:\n" + err);
        }
    }

    /**
     * Launches load processes against one store and project and owns them: {@link #close} kills any still running,
     * so none outlives the test. Every wait is bounded by {@link #WAIT}; a failure names each child with its stderr.
     */
    static final class Children implements AutoCloseable {
        private final Path signals;
        private final Path logs;
        private final List<String> command;
        private final List<Child> started = new ArrayList<>();

        Children(Path work, Path store, Path project) throws IOException {
            this.signals = Files.createDirectories(work.resolve("signals"));
            this.logs = Files.createDirectories(work.resolve("logs"));
            this.command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx128m", "--enable-native-access=ALL-UNNAMED",
                    "-cp", System.getProperty("java.class.path"), LoadProcess.class.getName(),
                    "MODE", store.toString(), project.toString(), signals.toString());
        }

        /** Starts {@code LoadProcess mode STORE PROJECT_DIR SIGNAL_DIR label args...}. */
        Child start(String mode, String label, List<String> args) throws IOException {
            List<String> cmd = new ArrayList<>(command);
            cmd.set(cmd.indexOf("MODE"), mode);
            cmd.add(label);
            cmd.addAll(args);
            Path out = logs.resolve(label + ".out");
            Path err = logs.resolve(label + ".err");
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            Child c = new Child(label, p, out, err);
            started.add(c);
            return c;
        }

        /** Creates the signal file {@code name}. */
        void signal(String name) {
            LoadProcess.signal(signals, name);
        }

        /** Waits until every started child has created its {@code ready-LABEL} signal. */
        void awaitReady() throws InterruptedException {
            awaitSignals(started.stream().map(c -> "ready-" + c.label()).toList());
        }

        /** Waits until all the signal files exist; fails early when a child exits with an error. */
        void awaitSignals(List<String> names) throws InterruptedException {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!names.stream().allMatch(n -> Files.exists(signals.resolve(n)))) {
                boolean failed = started.stream().anyMatch(c -> !c.process().isAlive() && c.process().exitValue() != 0);
                if (failed || System.nanoTime() > deadline) {
                    throw new AssertionError("waiting for signals " + names + (failed ? ", a load process failed" : ", timed out")
                            + "\n" + describeAll());
                }
                Thread.sleep(Duration.ofNanos(200_000));
            }
        }

        /** Waits until the children exit, each with code 0. */
        void awaitExit(List<Child> which) throws InterruptedException {
            long deadline = System.nanoTime() + WAIT.toNanos();
            for (Child c : which) {
                if (!c.process().waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    throw new AssertionError(c.label() + " did not finish within " + WAIT + "\n" + describeAll());
                }
                if (c.process().exitValue() != 0) {
                    throw new AssertionError(c.label() + " failed\n" + describeAll());
                }
            }
        }

        /** @return every child described, for a failure message */
        String describeAll() {
            return String.join("\n", started.stream().map(Child::describe).toList());
        }

        @Override
        public void close() throws InterruptedException {
            for (Child c : started) {
                c.process().destroyForcibly();
            }
            for (Child c : started) {
                c.process().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
