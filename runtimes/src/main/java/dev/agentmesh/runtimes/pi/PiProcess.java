package dev.agentmesh.runtimes.pi;

import dev.agentmesh.MeshException;
import dev.agentmesh.runtime.AgentProcess;
import dev.agentmesh.runtimes.ProcessGroups;
import dev.agentmesh.runtime.Progress;
import dev.agentmesh.runtime.RunResult;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.io.BufferedReader;
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
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A pi agent in RPC mode ({@code pi --mode rpc}): JSON lines both ways (reference/agent-cli-protocols.md).
 * Commands carry an id echoed in their reply; events feed {@link Progress}; {@code agent_end} ends a run,
 * unless the last assistant message is an error and pi starts an automatic retry, in which case the run ends
 * at {@code auto_retry_end} or at a later {@code agent_end}. Stdin stays open while a run is going: closing it
 * makes pi exit and cancels the run.
 */
final class PiProcess implements AgentProcess {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** How long an errored {@code agent_end} waits for pi's {@code auto_retry_start} before it counts as the end. */
    private static final long RETRY_GRACE_MS = 400;

    private final Process process;
    private final Writer stdin;
    private final Writer transcript;
    private final Deque<String> stderrTail = new ArrayDeque<>();
    private final ConcurrentHashMap<String, CompletableFuture<JsonNode>> replies = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final Object lock = new Object();

    private CompletableFuture<RunResult> run = CompletableFuture.completedFuture(null);
    private int toolCalls;
    /** Paths its write and edit tools were given, in order (see {@link Progress#editedPaths}). */
    private final java.util.List<String> edited = new java.util.ArrayList<>();
    private String lastTool;
    private long inTokens;
    private long outTokens;
    private long lastActivity = System.currentTimeMillis();
    private String lastText = "";
    private String lastError;
    private boolean retrying;
    private long endSeq;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private final String treeMark;

    PiProcess(Process process, Path transcriptFile, String treeMark) throws IOException {
        this.treeMark = treeMark;
        this.process = process;
        this.stdin = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
        this.transcript = transcriptFile == null ? null : Files.newBufferedWriter(transcriptFile, StandardCharsets.UTF_8);
        Thread.ofVirtual().name("pi-out-" + process.pid()).start(this::readStdout);
        Thread.ofVirtual().name("pi-err-" + process.pid()).start(this::readStderr);
    }

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public void prompt(String message) {
        synchronized (lock) {
            if (!run.isDone()) {
                throw MeshException.unexpectedState("agent " + pid() + " is busy; steer or follow up instead");
            }
            run = new CompletableFuture<>();
            lastText = "";
            lastError = null;
            retrying = false;
        }
        JsonNode reply = command(JSON.createObjectNode().put("type", "prompt").put("message", message));
        if (!reply.path("success").asBoolean(false)) {
            String why = reply.path("error").asString("refused");
            finish(new RunResult(false, "", "pi refused the prompt: " + why, progress()));
            throw MeshException.unexpectedState("pi refused the prompt: " + why);
        }
    }

    @Override
    public void steer(String message) {
        command(JSON.createObjectNode().put("type", "steer").put("message", message));
    }

    @Override
    public void followUp(String message) {
        command(JSON.createObjectNode().put("type", "follow_up").put("message", message));
    }

    @Override
    public void abort() {
        send(JSON.createObjectNode().put("type", "abort").put("id", "abort-" + ids.incrementAndGet()));
    }

    @Override
    public RunResult awaitEnd(Duration timeout) {
        CompletableFuture<RunResult> current;
        synchronized (lock) {
            current = run;
        }
        try {
            RunResult r = current.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return r == null ? new RunResult(false, "", "no run was started", progress()) : r;
        } catch (TimeoutException e) {
            abort();
            RunResult r = new RunResult(false, lastText, "timed out after " + timeout.toSeconds() + " s", progress());
            finish(r);
            return r;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new RunResult(false, lastText, "interrupted", progress());
        } catch (Exception e) {
            return new RunResult(false, lastText, String.valueOf(e.getMessage()), progress());
        }
    }

    @Override
    public Progress progress() {
        synchronized (lock) {
            return new Progress(toolCalls, lastTool, inTokens, outTokens, lastActivity, edited);
        }
    }

    @Override
    public boolean alive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        List<ProcessHandle> tree = process.descendants().toList();
        try {
            stdin.close();
        } catch (IOException e) {
            // already closed by the process exiting
        }
        try {
            process.waitFor(300, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ProcessGroups.stop(process, tree, 2000, treeMark);
        finish(new RunResult(false, lastText, "stopped", progress()));
        synchronized (lock) {
            if (transcript != null) {
                try {
                    transcript.close();
                } catch (IOException e) {
                    // best effort: the transcript is a debugging aid
                }
            }
        }
    }

    private JsonNode command(ObjectNode cmd) {
        String id = "c" + ids.incrementAndGet();
        cmd.put("id", id);
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        replies.put(id, reply);
        send(cmd);
        try {
            return reply.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw MeshException.unexpectedState("pi (pid " + pid() + ") did not answer '" + cmd.path("type").asString()
                    + "'" + (process.isAlive() ? "" : ": it exited with code " + process.exitValue() + stderrSuffix()));
        } finally {
            replies.remove(id);
        }
    }

    private void send(ObjectNode cmd) {
        try {
            synchronized (stdin) {
                stdin.write(JSON.writeValueAsString(cmd));
                stdin.write('\n');
                stdin.flush();
            }
        } catch (IOException e) {
            throw MeshException.unexpectedState("pi (pid " + pid() + ") is gone" + stderrSuffix(), e);
        }
    }

    private void readStdout() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode ev;
                try {
                    ev = JSON.readTree(line);
                } catch (Exception e) {
                    continue;
                }
                onEvent(ev, line);
            }
        } catch (IOException e) {
            // the process closed its output
        }
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        finish(new RunResult(false, lastText, "pi exited with code " + process.exitValue() + stderrSuffix(), progress()));
        replies.values().forEach(f -> f.completeExceptionally(new IOException("pi exited")));
    }

    private void readStderr() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                synchronized (stderrTail) {
                    stderrTail.addLast(line);
                    if (stderrTail.size() > 20) {
                        stderrTail.removeFirst();
                    }
                }
            }
        } catch (IOException e) {
            // the process closed its error output
        }
    }

    private void onEvent(JsonNode ev, String line) {
        String type = ev.path("type").asString("");
        synchronized (lock) {
            lastActivity = System.currentTimeMillis();
            if (transcript != null && !type.equals("message_update") && !type.equals("tool_execution_update")) {
                try {
                    transcript.write(line);
                    transcript.write('\n');
                    transcript.flush();
                } catch (IOException e) {
                    // best effort
                }
            }
            switch (type) {
                case "response" -> {
                    CompletableFuture<JsonNode> f = replies.get(ev.path("id").asString(""));
                    if (f != null) {
                        f.complete(ev);
                    }
                }
                case "tool_execution_start" -> {
                    toolCalls++;
                    lastTool = ev.path("toolName").asString(null);
                    if (("write".equals(lastTool) || "edit".equals(lastTool)) && ev.path("args").path("path").isString()) {
                        edited.add(ev.path("args").path("path").asString());
                    }
                }
                case "message_end" -> onMessageEnd(ev.path("message"));
                case "auto_retry_start" -> retrying = true;
                case "auto_retry_end" -> {
                    retrying = false;
                    if (!ev.path("success").asBoolean(false)) {
                        completeRun(new RunResult(false, lastText, "model error: " + ev.path("finalError").asString(lastError), progressLocked()));
                    }
                }
                case "agent_end" -> onAgentEnd();
                case "agent_start" -> {
                    // a run pi started itself (a steering message that woke the idle agent): awaitEnd waits for it
                    if (run.isDone()) {
                        run = new CompletableFuture<>();
                    }
                }
                default -> {
                }
            }
        }
    }

    private void onMessageEnd(JsonNode msg) {
        if (!"assistant".equals(msg.path("role").asString())) {
            return;
        }
        JsonNode usage = msg.path("usage");
        inTokens += usage.path("input").asLong(usage.path("inputTokens").asLong(0));
        outTokens += usage.path("output").asLong(usage.path("outputTokens").asLong(0));
        StringBuilder text = new StringBuilder();
        for (JsonNode part : msg.path("content")) {
            if ("text".equals(part.path("type").asString())) {
                text.append(part.path("text").asString(""));
            }
        }
        if (!text.isEmpty()) {
            lastText = text.toString();
        }
        lastError = "error".equals(msg.path("stopReason").asString()) ? msg.path("errorMessage").asString("model error") : null;
    }

    private void onAgentEnd() {
        if (lastError == null) {
            completeRun(new RunResult(true, lastText, null, progressLocked()));
            return;
        }
        long seq = ++endSeq;
        String error = lastError;
        Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(RETRY_GRACE_MS);
            } catch (InterruptedException e) {
                return;
            }
            synchronized (lock) {
                if (seq == endSeq && !retrying) {
                    completeRun(new RunResult(false, lastText, "model error: " + error, progressLocked()));
                }
            }
        });
    }

    private void completeRun(RunResult r) {
        run.complete(r);
    }

    private void finish(RunResult r) {
        synchronized (lock) {
            run.complete(r);
        }
    }

    private Progress progressLocked() {
        return new Progress(toolCalls, lastTool, inTokens, outTokens, lastActivity, edited);
    }

    private String stderrSuffix() {
        synchronized (stderrTail) {
            return stderrTail.isEmpty() ? "" : ": " + String.join(" | ", stderrTail).strip();
        }
    }
}
