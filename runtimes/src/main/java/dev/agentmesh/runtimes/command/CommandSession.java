package dev.agentmesh.runtimes.command;

import dev.agentmesh.MeshException;
import dev.agentmesh.runtime.AgentEvent;
import dev.agentmesh.runtime.AgentSession;
import dev.agentmesh.runtime.Progress;
import dev.agentmesh.runtime.RunResult;
import dev.agentmesh.runtimes.ProcessGroups;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * One agent of the {@link CommandRuntime}: a run of the program per prompt, none while idle. A turn is the run of its
 * prompt and of every message queued ({@link #followUp}, {@link #steer}) while it went on, one after the other; a run
 * that fails ends the turn, and what is still queued starts the next one. {@link #interrupt} and {@link #stop} drop
 * the queue. Thread-safe: state changes under {@link #lock}, listeners are called holding it.
 */
final class CommandSession implements AgentSession {
    /** Largest {@link AgentEvent.Text} of stdout, in bytes; a chunk ends at a line end unless one line is longer. */
    static final int CHUNK_BYTES = 64 * 1024;
    /** Bytes at the end of stderr kept for the error of a failed run. */
    static final int STDERR_TAIL_BYTES = 4096;
    /** Lines of that tail named in the error. */
    static final int STDERR_LINES = 20;
    /** How long an interrupted program may take to go after SIGTERM before its tree is killed, in ms. */
    static final long INTERRUPT_GRACE_MS = 500;
    /** How long, once the program exited, its output may take to be read to the end, in ms. */
    private static final long DRAIN_MS = 5000;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String agent;
    private final String sessionId;
    private final List<String> command;
    private final Path cwd;
    private final Map<String, String> env;
    private final Writer transcript;
    private final List<Consumer<AgentEvent>> listeners = new CopyOnWriteArrayList<>();
    /** Guards everything below. */
    private final Object lock = new Object();
    private final Deque<String> queued = new ArrayDeque<>();
    private State state = State.IDLE;
    private boolean stopping;
    private Run run;
    private CompletableFuture<RunResult> turn = CompletableFuture.completedFuture(null);
    private String lastText = "";
    private long lastActivity = System.currentTimeMillis();

    /** One run of the program. */
    private static final class Run {
        final Process process;
        final String mark;
        final long startedAt = System.currentTimeMillis();
        /** Kept stdout, at most {@link CommandRuntime#MAX_OUTPUT_BYTES}; guarded by itself. */
        final ByteArrayOutputStream output = new ByteArrayOutputStream();
        final CompletableFuture<Void> done = new CompletableFuture<>();
        long dropped;
        /** Why agentmesh ended it ("interrupted", "stopped", a timeout), or null; guarded by the session's lock. */
        String reason;
        boolean settled;

        Run(Process process, String mark) {
            this.process = process;
            this.mark = mark;
        }
    }

    CommandSession(String agent, String sessionId, List<String> command, Path cwd, Map<String, String> env, Path transcriptFile)
            throws IOException {
        this.agent = agent;
        this.sessionId = sessionId;
        this.command = List.copyOf(command);
        this.cwd = cwd;
        this.env = Map.copyOf(env);
        if (transcriptFile != null) {
            Files.createDirectories(transcriptFile.toAbsolutePath().getParent());
        }
        // appended: a respawned agent's transcript keeps its history
        this.transcript = transcriptFile == null ? null : Files.newBufferedWriter(transcriptFile, StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** @return a UUID of this runtime's own (there is no program-side session) */
    @Override
    public String sessionId() {
        return sessionId;
    }

    @Override
    public String runtime() {
        return CommandRuntime.NAME;
    }

    /**
     * @return this JVM's pid: the session lives here between runs, so it is alive exactly while its owner is (the
     *     pid of the running program changes with every run)
     */
    @Override
    public long pid() {
        return ProcessHandle.current().pid();
    }

    @Override
    public State state() {
        synchronized (lock) {
            return state;
        }
    }

    /**
     * Starts a turn: a run of the program with {@code message} on its stdin. A program that cannot be started ends
     * the turn at once, not ok, with why.
     *
     * @throws MeshException (unexpected state) if a turn is going on or the agent has stopped
     */
    @Override
    public void prompt(String message) {
        give(message, false);
    }

    /**
     * There is no channel into a running program: while a turn goes on, {@code message} is queued like a
     * {@link #followUp}, for a run of its own once the current run ends; when idle, it starts a turn.
     *
     * @throws MeshException (unexpected state) if the agent has stopped
     */
    @Override
    public void steer(String message) {
        followUp(message);
    }

    /**
     * While a turn goes on, queues {@code message} for a run of its own, in the same turn, once the current run ends
     * ok; when idle, starts a turn with it.
     *
     * @throws MeshException (unexpected state) if the agent has stopped
     */
    @Override
    public void followUp(String message) {
        give(message, true);
    }

    /** A turn with {@code message} when idle; while working, queued ({@code queue}) or refused. */
    private void give(String message, boolean queue) {
        java.util.Objects.requireNonNull(message, "message");
        synchronized (lock) {
            requireRunning();
            if (state != State.WORKING) {
                beginTurn(message);
            } else if (queue) {
                queued.addLast(message);
            } else {
                throw MeshException.unexpectedState("command agent " + agent + " is running its program; steer or follow up instead");
            }
        }
    }

    /**
     * Kills the running program's tree (SIGTERM, SIGKILL after {@value #INTERRUPT_GRACE_MS} ms) and drops the queue;
     * the turn ends not ok, "interrupted". Returns once the turn has ended (unless called from a listener); nothing
     * when idle.
     */
    @Override
    public void interrupt() {
        kill("interrupted", INTERRUPT_GRACE_MS);
    }

    /**
     * Waits for the current turn to end; when {@code timeout} passes, kills its program as {@link #interrupt} does and
     * the result says "timed out after ...".
     */
    @Override
    public RunResult awaitEnd(Duration timeout) {
        CompletableFuture<RunResult> current;
        synchronized (lock) {
            current = turn;
        }
        String timedOut = "timed out after " + (timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + " s" : timeout.toMillis() + " ms");
        try {
            current.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            kill(timedOut, INTERRUPT_GRACE_MS); // returns once the run has settled, the turn ended with this reason
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new RunResult(false, lastText(), "interrupted", progress());
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e); // a turn is only ever completed with a result
        }
        RunResult r = current.getNow(null);
        if (r != null) {
            return r;
        }
        return current.isDone() ? new RunResult(false, "", "no run was started", progress())
                : new RunResult(false, lastText(), timedOut, progress());
    }

    /** @return no tool calls or tokens (a plain program reports none); the time of the last event */
    @Override
    public Progress progress() {
        synchronized (lock) {
            return progressLocked();
        }
    }

    private Progress progressLocked() {
        return new Progress(0, null, 0, 0, lastActivity);
    }

    @Override
    public AutoCloseable subscribe(Consumer<AgentEvent> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /**
     * Stops the agent: drops the queue, sends SIGTERM to the running program's tree, kills it after {@code grace}, and
     * ends its turn as "stopped"; returns once no process of it is left (unless called from a listener). Idempotent.
     */
    @Override
    public void stop(Duration grace) {
        Run r;
        synchronized (lock) {
            if (stopping) {
                return;
            }
            stopping = true;
            queued.clear();
            r = run;
            if (r != null && r.reason == null) {
                r.reason = "stopped";
            }
        }
        if (r != null) {
            terminate(r, grace.toMillis());
        }
        synchronized (lock) {
            endTurn("stopped");
            state = State.STOPPED;
            emit(new AgentEvent.StateChanged(System.currentTimeMillis(), State.STOPPED));
            if (transcript != null) {
                try {
                    transcript.close();
                } catch (IOException e) {
                    // best effort: the transcript is a record, not the run
                }
            }
        }
    }

    private void requireRunning() {
        if (stopping) {
            throw MeshException.unexpectedState("command agent " + agent + " has stopped");
        }
    }

    private String lastText() {
        synchronized (lock) {
            return lastText;
        }
    }

    /** Holding the lock: a new turn, working, with a run of {@code message}. */
    private void beginTurn(String message) {
        turn = new CompletableFuture<>();
        state = State.WORKING;
        lastText = "";
        emit(new AgentEvent.TurnStarted(System.currentTimeMillis()));
        startRun(message);
    }

    /** Holding the lock: starts the program with {@code message}; a start that fails settles at once. */
    private void startRun(String message) {
        record(entry("message_end").set("message", message("user", message)));
        String mark = ProcessGroups.newTreeMark();
        ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        pb.environment().put(ProcessGroups.TREE_ENV, mark);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            settle(null, "cannot start " + command.get(1) + ": " + dev.agentmesh.Texts.firstLine(e.getMessage()), "not started");
            return;
        }
        Run r = new Run(p, mark);
        run = r;
        Thread.ofVirtual().name("command-run-" + p.pid()).start(() -> supervise(r, message));
    }

    /** On the run's own thread: feeds stdin, reads stdout and stderr, waits for the exit, kills what is left, settles. */
    private void supervise(Run r, String message) {
        Process p = r.process;
        try {
            Thread.ofVirtual().name("command-in-" + p.pid()).start(() -> {
                try (OutputStream in = p.getOutputStream()) {
                    in.write(message.getBytes(StandardCharsets.UTF_8));
                } catch (IOException e) {
                    // the program exited or closed its stdin without reading all: its exit code says how it went
                }
            });
            Thread out = Thread.ofVirtual().name("command-out-" + p.pid()).start(() -> readOutput(r));
            StderrTail err = new StderrTail();
            Thread errReader = Thread.ofVirtual().name("command-err-" + p.pid()).start(() -> err.read(p.getErrorStream()));
            int code = p.onExit().thenApply(Process::exitValue).join();
            // what it left running (a background child holding its stdout) goes with it: no process runs while idle
            ProcessGroups.stop(p, List.of(), 0, r.mark);
            out.join(DRAIN_MS);
            errReader.join(DRAIN_MS);
            String tail = err.text();
            synchronized (lock) {
                String error = r.reason != null ? r.reason
                        : code == 0 ? null
                        : "'" + Path.of(command.get(1)).getFileName() + "' exited with code " + code + (tail.isEmpty() ? "" : ": " + tail);
                settle(r, error, r.reason != null ? r.reason : "exit " + code);
            }
        } catch (InterruptedException | RuntimeException e) {
            ProcessGroups.stop(p, p.descendants().toList(), 0, r.mark);
            synchronized (lock) {
                settle(r, "agentmesh lost track of the run: " + e, "lost");
            }
        } finally {
            r.done.complete(null);
        }
    }

    /**
     * Holding the lock: the run {@code r} (null when it never started) ended with {@code error} (null when ok). Records
     * it; then the next queued message runs in the same turn if it went ok, else the turn ends and what is still
     * queued starts the next turn.
     */
    private void settle(Run r, String error, String outcome) {
        if (r != null) {
            if (r.settled) {
                return;
            }
            r.settled = true;
            if (run == r) {
                run = null;
            }
            lastText = finalText(r);
        }
        ObjectNode exit = entry("result").put("subtype", outcome).put("ok", error == null);
        if (error != null) {
            exit.put("error", error);
        }
        if (r != null) {
            exit.put("exitCode", r.process.exitValue()).put("ms", System.currentTimeMillis() - r.startedAt);
        }
        record(exit);
        if (stopping || turn.isDone()) {
            endTurn(error);
            return;
        }
        if (error == null && !queued.isEmpty()) {
            startRun(queued.pollFirst());
            return;
        }
        endTurn(error);
        if (!queued.isEmpty()) {
            beginTurn(queued.pollFirst());
        }
    }

    /** Holding the lock: ends the turn going on, if any; idle unless stopping. */
    private void endTurn(String error) {
        if (turn.isDone()) {
            return;
        }
        if (!stopping) {
            state = State.IDLE;
        }
        RunResult result = new RunResult(error == null, lastText, error, progressLocked());
        emit(new AgentEvent.TurnEnded(System.currentTimeMillis(), result.ok(), result.finalText(), result.error()));
        turn.complete(result);
    }

    /**
     * Ends the running program (SIGTERM to its tree, SIGKILL after {@code graceMs}) for {@code reason}, dropping the
     * queue; nothing when no program runs or the agent stops.
     */
    private void kill(String reason, long graceMs) {
        Run r;
        synchronized (lock) {
            r = run;
            if (r == null || stopping) {
                return;
            }
            if (r.reason == null) {
                r.reason = reason;
            }
            queued.clear();
        }
        terminate(r, graceMs);
    }

    /** SIGTERM to {@code r}'s tree, SIGKILL after {@code graceMs}; waits for the run to settle unless this thread holds the lock. */
    private void terminate(Run r, long graceMs) {
        ProcessGroups.stop(r.process, r.process.descendants().toList(), graceMs, r.mark);
        if (!Thread.holdsLock(lock)) {
            try {
                r.done.get(DRAIN_MS + 2000, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                // a reader that never came back (a detached process holds the pipe): the caller ends the turn itself
            }
        }
    }

    /**
     * Reads stdout to its end, keeping at most {@link CommandRuntime#MAX_OUTPUT_BYTES}: each time the program pauses
     * (nothing more to read at once) or {@value #CHUNK_BYTES} bytes wait, the whole lines read so far are one
     * {@link AgentEvent.Text}; past the limit, an {@link AgentEvent.Error} says so and the rest is read and dropped.
     */
    private void readOutput(Run r) {
        ByteArrayOutputStream pending = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try (InputStream in = r.process.getInputStream()) {
            for (int n; (n = in.read(buf)) >= 0; ) {
                int take;
                boolean cut;
                synchronized (r.output) {
                    take = Math.max(0, Math.min(n, CommandRuntime.MAX_OUTPUT_BYTES - r.output.size()));
                    r.output.write(buf, 0, take);
                    cut = r.dropped == 0 && take < n;
                    r.dropped += n - take;
                }
                pending.write(buf, 0, take);
                if (pending.size() >= CHUNK_BYTES || in.available() == 0 || cut) {
                    flush(r, pending, false);
                }
                if (cut) {
                    synchronized (lock) {
                        if (!r.settled) {
                            emit(new AgentEvent.Error(System.currentTimeMillis(), "the program's output passed "
                                    + CommandRuntime.MAX_OUTPUT_BYTES + " bytes; the rest of this run's output is dropped"));
                        }
                    }
                }
            }
        } catch (IOException e) {
            // the pipe closed: what was read is the output
        }
        flush(r, pending, true);
    }

    /**
     * Emits {@code pending} as texts of at most {@value #CHUNK_BYTES} bytes, each ending at its last line end; a line
     * longer than that is cut where a character ends. What is left (a line not yet ended) stays in {@code pending},
     * unless {@code all}.
     */
    private void flush(Run r, ByteArrayOutputStream pending, boolean all) {
        byte[] bytes = pending.toByteArray();
        int from = 0;
        while (from < bytes.length) {
            int end = Math.min(bytes.length, from + CHUNK_BYTES);
            int cut = all && end == bytes.length ? end : lastLineEnd(bytes, from, end);
            if (cut == from) {
                if (bytes.length <= from + CHUNK_BYTES) {
                    break; // a line not yet ended, or one whose next byte is not read yet
                }
                cut = end;
                while (cut > from + 1 && (bytes[cut] & 0xC0) == 0x80) {
                    cut--; // bytes[cut] continues a character: cut before that character
                }
            }
            emitText(r, new String(bytes, from, cut - from, StandardCharsets.UTF_8));
            from = cut;
        }
        pending.reset();
        pending.write(bytes, from, bytes.length - from);
    }

    /** @return the index after the last {@code \n} in {@code bytes[from, end)}, or {@code from} when there is none */
    private static int lastLineEnd(byte[] bytes, int from, int end) {
        for (int i = end - 1; i >= from; i--) {
            if (bytes[i] == '\n') {
                return i + 1;
            }
        }
        return from;
    }

    private void emitText(Run r, String chunk) {
        String text = stripLineEnds(chunk);
        synchronized (lock) {
            if (r.settled || text.isEmpty()) {
                return;
            }
            emit(new AgentEvent.Text(System.currentTimeMillis(), text));
            record(entry("message_end").set("message", message("assistant", text)));
        }
    }

    /** @return the run's kept stdout without its last line ends, and a note when some was dropped */
    private static String finalText(Run r) {
        synchronized (r.output) {
            String text = stripLineEnds(r.output.toString(StandardCharsets.UTF_8));
            return r.dropped == 0 ? text
                    : text + "\n[agentmesh: output cut at " + CommandRuntime.MAX_OUTPUT_BYTES + " bytes; " + r.dropped + " more bytes dropped]";
        }
    }

    /** The end of a run's stderr: its last {@value #STDERR_TAIL_BYTES} bytes, and whether anything before them was dropped. */
    private static final class StderrTail {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private boolean cut;

        /** Reads {@code in} to its end. */
        void read(InputStream in) {
            byte[] buf = new byte[4096];
            try (in) {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    synchronized (this) {
                        bytes.write(buf, 0, n);
                        if (bytes.size() > 2 * STDERR_TAIL_BYTES) {
                            byte[] all = bytes.toByteArray();
                            bytes.reset();
                            bytes.write(all, all.length - STDERR_TAIL_BYTES, STDERR_TAIL_BYTES);
                            cut = true;
                        }
                    }
                }
            } catch (IOException e) {
                // the pipe closed
            }
        }

        /**
         * @return the last {@value #STDERR_LINES} non-blank lines of the last {@value #STDERR_TAIL_BYTES} bytes,
         *     stripped, joined by " | ", control characters escaped: one line; a line whose start was dropped is left
         *     out unless it is the only one
         */
        synchronized String text() {
            byte[] all = bytes.toByteArray();
            int from = Math.max(0, all.length - STDERR_TAIL_BYTES);
            List<String> lines = new String(all, from, all.length - from, StandardCharsets.UTF_8).lines()
                    .filter(l -> !l.isBlank()).map(String::strip).toList();
            if ((cut || from > 0) && lines.size() > 1) {
                lines = lines.subList(1, lines.size());
            }
            return dev.agentmesh.Texts.escape(String.join(" | ", lines.subList(Math.max(0, lines.size() - STDERR_LINES), lines.size())));
        }
    }

    private static String stripLineEnds(String text) {
        int end = text.length();
        while (end > 0 && (text.charAt(end - 1) == '\n' || text.charAt(end - 1) == '\r')) {
            end--;
        }
        return text.substring(0, end);
    }

    /** Holding the lock: the counters, then the listeners; a failing listener is skipped. */
    private void emit(AgentEvent e) {
        lastActivity = e.at();
        for (Consumer<AgentEvent> l : listeners) {
            try {
                l.accept(e);
            } catch (RuntimeException ex) {
                // one listener's fault must not stop the run
            }
        }
    }

    private ObjectNode entry(String type) {
        return JSON.createObjectNode().put("type", type).put("runtime", CommandRuntime.NAME).put("at", System.currentTimeMillis());
    }

    /** @return a message as pi's {@code message_end} carries it, which agentmesh's readable transcript shows */
    private static ObjectNode message(String role, String text) {
        ObjectNode m = JSON.createObjectNode().put("role", role);
        m.putArray("content").addObject().put("type", "text").put("text", text);
        return m;
    }

    /** Holding the lock: one line of the transcript, if there is one. */
    private void record(ObjectNode line) {
        if (transcript == null || state == State.STOPPED) {
            return;
        }
        try {
            transcript.write(JSON.writeValueAsString(line));
            transcript.write('\n');
            transcript.flush();
        } catch (IOException e) {
            // best effort: the transcript is a record, not the run
        }
    }
}
