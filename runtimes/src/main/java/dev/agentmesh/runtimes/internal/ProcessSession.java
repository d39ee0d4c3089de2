package dev.agentmesh.runtimes.internal;

import dev.agentmesh.MeshException;
import dev.agentmesh.runtime.AgentEvent;
import dev.agentmesh.runtime.AgentSession;
import dev.agentmesh.runtime.Progress;
import dev.agentmesh.runtime.RunResult;
import dev.agentmesh.runtimes.ProcessGroups;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * What every session of an agent CLI driven over JSON lines shares (pi RPC, Claude Code stream-json, Codex
 * app-server): the process and its tree mark, a writer for stdin, a reader thread for stdout that hands each JSON
 * line to {@link #onLine}, requests matched to their replies by id, the last 20 lines of stderr for error messages, the transcript, listeners, the state and
 * the counters kept from the {@link AgentEvent}s the subclass {@link #emit emits}, and stopping the whole tree.
 * Subclasses translate their runtime's lines into events and call {@link #beginTurn} and {@link #endTurn}.
 * Thread-safe: state changes under {@link #lock}, and listeners are called holding it, so every listener sees the
 * events in the order the state changed (a turn's end before the next turn's start).
 */
public abstract class ProcessSession implements AgentSession {
    /** JSON for every runtime's lines. */
    protected static final JsonMapper JSON = JsonMapper.builder().build();
    /** Lines of stderr kept for error messages. */
    static final int STDERR_LINES = 20;

    private final String runtime;
    /** The agent process (the leader of its process group). */
    protected final Process process;
    private final String treeMark;
    private final Writer stdin;
    private final Writer transcript;
    private final Deque<String> stderrTail = new ArrayDeque<>();
    private final List<Consumer<AgentEvent>> listeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final java.util.Map<String, CompletableFuture<JsonNode>> replies = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong ids = new java.util.concurrent.atomic.AtomicLong();
    /** Guards the state, the turn and the counters. */
    protected final Object lock = new Object();

    private State state = State.STARTING;
    private CompletableFuture<RunResult> turn = CompletableFuture.completedFuture(null);
    private volatile String sessionId = "";
    private int toolCalls;
    private String lastTool;
    private long inTokens;
    private long outTokens;
    private long lastActivity = System.currentTimeMillis();
    private String lastText = "";
    private final List<String> edited = new ArrayList<>();
    private final Deque<String> followUps = new ArrayDeque<>();

    /**
     * @param runtime        the runtime's name, e.g. {@code claude}
     * @param process        the started agent process
     * @param transcriptFile where the raw lines go (streaming deltas are the subclass's to leave out), or null
     * @param treeMark       the mark its tree carries ({@link ProcessGroups#TREE_ENV})
     * @throws IOException if the transcript cannot be opened
     */
    protected ProcessSession(String runtime, Process process, Path transcriptFile, String treeMark) throws IOException {
        this.runtime = runtime;
        this.process = process;
        this.treeMark = treeMark;
        this.stdin = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
        if (transcriptFile != null) {
            Files.createDirectories(transcriptFile.toAbsolutePath().getParent());
        }
        // appended: a respawned agent's transcript keeps its history (agents.logs, the diagnostics of a failed spawn)
        this.transcript = transcriptFile == null ? null : Files.newBufferedWriter(transcriptFile, StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    }

    /** Starts the reader threads; call once, at the end of the subclass's constructor. */
    protected final void startReading() {
        Thread.ofVirtual().name(runtime + "-out-" + process.pid()).start(this::readStdout);
        Thread.ofVirtual().name(runtime + "-err-" + process.pid()).start(this::readStderr);
    }

    /**
     * Handles one JSON line of the runtime's stdout, on the reader thread.
     *
     * @param line the parsed line
     * @param raw  the line as read
     */
    protected abstract void onLine(JsonNode line, String raw);

    /**
     * Writes {@code line}, which carries {@code id} the way the runtime echoes it in its reply, and waits for that
     * reply ({@link #reply}).
     *
     * @param what names the request in the error, e.g. {@code initialize}
     * @return the reply line
     * @throws MeshException (unexpected state) if the agent is gone or does not answer within {@code timeout}
     */
    protected final JsonNode request(String id, JsonNode line, String what, Duration timeout) {
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        replies.put(id, reply);
        try {
            writeLine(line);
            return reply.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (MeshException e) {
            throw e;
        } catch (Exception e) {
            throw MeshException.unexpectedState(runtime + " (pid " + pid() + ") did not answer '" + what + "'"
                    + (process.isAlive() ? " in " + timeout.toSeconds() + " s" : ": it exited with code " + process.exitValue())
                    + stderrSuffix());
        } finally {
            replies.remove(id);
        }
    }

    /** Hands the reply line {@code answer} to the {@link #request} waiting for {@code id}, if any. */
    protected final void reply(String id, JsonNode answer) {
        CompletableFuture<JsonNode> f = replies.get(id);
        if (f != null) {
            f.complete(answer);
        }
    }

    /** @return a new request id, {@code prefix} and a number unique in this session */
    protected final String nextId(String prefix) {
        return prefix + ids.incrementAndGet();
    }

    @Override
    public final String runtime() {
        return runtime;
    }

    @Override
    public final long pid() {
        return process.pid();
    }

    @Override
    public final String sessionId() {
        return sessionId;
    }

    /** Records the runtime's session id once it says it. */
    protected final void sessionId(String id) {
        if (id != null && !id.isBlank()) {
            this.sessionId = id;
        }
    }

    @Override
    public final State state() {
        synchronized (lock) {
            return state;
        }
    }

    /** @return whether a turn is going on */
    protected final boolean working() {
        synchronized (lock) {
            return state == State.WORKING;
        }
    }

    /** Moves from starting to idle (the runtime said it is ready). */
    protected final void ready() {
        synchronized (lock) {
            if (state != State.STARTING) {
                return;
            }
            state = State.IDLE;
            emit(new AgentEvent.StateChanged(System.currentTimeMillis(), State.IDLE));
        }
    }

    /**
     * Starts a turn: a new result to wait for, the state working and {@link AgentEvent.TurnStarted} emitted. A turn
     * already going on is kept (a steer folded into it).
     *
     * @return false if a turn was going on already
     */
    protected final boolean beginTurn() {
        synchronized (lock) {
            if (state == State.STOPPED) {
                throw MeshException.unexpectedState(runtime + " agent " + pid() + " has stopped" + stderrSuffix());
            }
            if (!turn.isDone()) {
                return false;
            }
            turn = new CompletableFuture<>();
            state = State.WORKING;
            lastText = "";
            emit(new AgentEvent.TurnStarted(System.currentTimeMillis()));
            return true;
        }
    }

    /**
     * Ends the turn going on, if any: completes its result, makes the session idle (unless stopped) and emits
     * {@link AgentEvent.TurnEnded}.
     *
     * @param error null when the turn ended normally, else why not
     */
    protected final void endTurn(String error) {
        synchronized (lock) {
            if (turn.isDone()) {
                return;
            }
            RunResult r = new RunResult(error == null, lastText, error, progressLocked());
            if (state == State.WORKING) {
                state = State.IDLE;
            }
            emit(new AgentEvent.TurnEnded(System.currentTimeMillis(), r.ok(), r.finalText(), r.error()));
            turn.complete(r);
        }
    }

    /** Updates the counters from {@code e}, then tells the listeners (holding the lock); a failing listener is skipped. */
    protected final void emit(AgentEvent e) {
        synchronized (lock) {
            lastActivity = e.at();
            switch (e) {
                case AgentEvent.ToolCallStarted t -> {
                    toolCalls++;
                    lastTool = t.tool();
                    if (t.path() != null) {
                        edited.add(t.path());
                    }
                }
                case AgentEvent.Usage u -> {
                    inTokens += u.inputTokens();
                    outTokens += u.outputTokens();
                }
                case AgentEvent.Text t -> {
                    if (!t.text().isEmpty()) {
                        lastText = t.text();
                    }
                }
                default -> {
                }
            }
            for (Consumer<AgentEvent> l : listeners) {
                try {
                    l.accept(e);
                } catch (RuntimeException ex) {
                    // one listener's fault must not stop the session's reader
                }
            }
        }
    }

    /**
     * Queues a follow-up for the end of the turn going on.
     *
     * @return false when no turn is going on (the caller starts one with the message)
     */
    protected final boolean queueFollowUp(String message) {
        synchronized (lock) {
            if (state != State.WORKING) {
                return false;
            }
            followUps.addLast(message);
            return true;
        }
    }

    /**
     * A follow-up: queued for the turn going on, else a new turn; a turn that began in between takes it as its
     * follow-up.
     *
     * @throws MeshException (unexpected state) when the agent has stopped
     */
    protected final void followUpOrPrompt(String message) {
        for (int attempt = 0; ; attempt++) {
            if (queueFollowUp(message)) {
                return;
            }
            try {
                prompt(message);
                return;
            } catch (MeshException busy) {
                if (state() == State.STOPPED || attempt >= 3) {
                    throw busy;
                }
            }
        }
    }

    /** Drops the queued follow-ups (an interrupt); @return whether a turn is going on */
    protected final boolean dropFollowUps() {
        synchronized (lock) {
            followUps.clear();
            return state == State.WORKING;
        }
    }

    /**
     * At the end of a turn: when it ended well and a follow-up waits, {@code send} gets it on a thread of its own (a
     * large message must not block the thread that drains the runtime's output) and the turn goes on with it; a
     * failure to send ends the turn. When it ended badly, the follow-ups are not lost: once the caller has ended the
     * turn, the first starts the next turn ({@link #prompt}) and the others follow it. Only {@link #dropFollowUps}
     * (an interrupt) drops them.
     *
     * @return whether a follow-up continues the turn (else the caller ends it)
     */
    protected final boolean continueWithFollowUp(boolean ok, Consumer<String> send) {
        List<String> waiting;
        synchronized (lock) {
            if (followUps.isEmpty()) {
                return false;
            }
            waiting = ok ? List.of(followUps.pollFirst()) : List.copyOf(followUps);
            if (!ok) {
                followUps.clear();
            }
        }
        Thread.ofVirtual().name(runtime + "-follow-up-" + pid()).start(() -> {
            if (ok) {
                try {
                    send.accept(waiting.getFirst());
                } catch (MeshException e) {
                    endTurn(e.getMessage());
                }
                return;
            }
            CompletableFuture<RunResult> failed;
            synchronized (lock) {
                failed = turn;
            }
            failed.completeOnTimeout(null, 30, TimeUnit.SECONDS).join(); // the caller ends the failed turn first
            for (String message : waiting) {
                try {
                    followUp(message); // the first starts a turn, the rest follow it
                } catch (MeshException gone) {
                    return; // the agent stopped: nothing can take them
                }
            }
        });
        return ok;
    }

    /** @return the last assistant text of the turn so far */
    protected final String lastText() {
        synchronized (lock) {
            return lastText;
        }
    }

    /** Writes {@code line} and a newline to the agent's stdin. */
    protected final void writeLine(JsonNode line) {
        try {
            synchronized (stdin) {
                stdin.write(JSON.writeValueAsString(line));
                stdin.write('\n');
                stdin.flush();
            }
        } catch (IOException e) {
            throw MeshException.unexpectedState(runtime + " agent " + pid() + " is gone" + stderrSuffix(), e);
        }
    }

    /**
     * Records a prompt agentmesh wrote to the agent, for runtimes whose own output does not repeat it: a line
     * {@code {"type":"agentmesh.prompt","text":...}} in the transcript.
     */
    protected final void recordPrompt(String text) {
        record(JSON.createObjectNode().put("type", "agentmesh.prompt").put("text", text).toString());
    }

    /** Writes {@code raw} to the transcript, if there is one. */
    protected final void record(String raw) {
        if (transcript == null) {
            return;
        }
        synchronized (transcript) {
            try {
                transcript.write(raw);
                transcript.write('\n');
                transcript.flush();
            } catch (IOException e) {
                // best effort: the transcript is a record, not the run
            }
        }
    }

    @Override
    public RunResult awaitEnd(Duration timeout) {
        CompletableFuture<RunResult> current;
        synchronized (lock) {
            current = turn;
        }
        try {
            RunResult r = current.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return r == null ? new RunResult(false, "", "no run was started", progress()) : r;
        } catch (TimeoutException e) {
            try {
                interrupt();
            } catch (MeshException gone) {
                // the agent is gone; the result says timed out all the same
            }
            endTurn("timed out after " + timeout.toSeconds() + " s");
            return current.getNow(new RunResult(false, lastText(), "timed out after " + timeout.toSeconds() + " s", progress()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new RunResult(false, lastText(), "interrupted", progress());
        } catch (Exception e) {
            return new RunResult(false, lastText(), String.valueOf(e.getMessage()), progress());
        }
    }

    @Override
    public final Progress progress() {
        synchronized (lock) {
            return progressLocked();
        }
    }

    private Progress progressLocked() {
        return new Progress(toolCalls, lastTool, inTokens, outTokens, lastActivity, edited);
    }

    @Override
    public final AutoCloseable subscribe(Consumer<AgentEvent> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    @Override
    public void stop(Duration grace) {
        if (!stopping.compareAndSet(false, true)) {
            return;
        }
        List<ProcessHandle> tree = process.descendants().toList();
        try {
            stdin.close();
        } catch (IOException e) {
            // already closed by the process exiting
        }
        try {
            process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ProcessGroups.stop(process, tree, 2000, treeMark);
        endTurn("stopped");
        markStopped();
        if (transcript != null) {
            synchronized (transcript) {
                try {
                    transcript.close();
                } catch (IOException e) {
                    // best effort
                }
            }
        }
    }

    private void markStopped() {
        synchronized (lock) {
            if (state == State.STOPPED) {
                return;
            }
            state = State.STOPPED;
            emit(new AgentEvent.StateChanged(System.currentTimeMillis(), State.STOPPED));
        }
    }

    /** @return ": " and the last lines of stderr joined by " | ", or "" when it printed nothing */
    protected final String stderrSuffix() {
        synchronized (stderrTail) {
            return stderrTail.isEmpty() ? "" : ": " + String.join(" | ", stderrTail).strip();
        }
    }

    private void readStdout() {
        try (InputStreamReader r = new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)) {
            BoundedLines lines = new BoundedLines(r, BoundedLines.MAX_RECORD_CHARS);
            for (String line; (line = lines.next()) != null; ) {
                if (line == BoundedLines.OVERSIZED) {
                    emit(new AgentEvent.Error(System.currentTimeMillis(), "agentmesh dropped a " + runtime + " record over "
                            + BoundedLines.MAX_RECORD_CHARS + " characters (the 8 MiB JSONL record cap)"));
                    continue;
                }
                if (line.isBlank()) {
                    continue;
                }
                JsonNode node;
                try {
                    node = JSON.readTree(line);
                } catch (RuntimeException e) {
                    continue; // a runtime's stray non-JSON output
                }
                try {
                    onLine(node, line);
                } catch (RuntimeException e) {
                    emit(new AgentEvent.Error(System.currentTimeMillis(), "agentmesh could not read a " + runtime + " line: " + e.getMessage()));
                }
            }
        } catch (IOException e) {
            // the process closed its output
        }
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        replies.values().forEach(f -> f.completeExceptionally(new IOException(runtime + " exited")));
        endTurn(runtime + " exited with code " + process.exitValue() + stderrSuffix());
        markStopped();
    }

    private void readStderr() {
        try (InputStreamReader r = new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8)) {
            BoundedLines lines = new BoundedLines(r, 64 * 1024); // a tail of stderr for diagnostics; a longer line is dropped
            for (String line; (line = lines.next()) != null; ) {
                synchronized (stderrTail) {
                    stderrTail.addLast(line);
                    if (stderrTail.size() > STDERR_LINES) {
                        stderrTail.removeFirst();
                    }
                }
            }
        } catch (IOException e) {
            // the process closed its error output
        }
    }
}
