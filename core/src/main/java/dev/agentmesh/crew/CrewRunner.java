package dev.agentmesh.crew;

import dev.agentmesh.MeshException;
import dev.agentmesh.mesh.Agent;
import dev.agentmesh.mesh.Mesh;
import dev.agentmesh.mesh.Presence;
import dev.agentmesh.runtime.AgentRuntime;
import dev.agentmesh.runtime.AgentSession;
import dev.agentmesh.runtime.AgentSpec;
import dev.agentmesh.runtime.Capability;
import dev.agentmesh.runtime.ModelRef;
import dev.agentmesh.runtime.Progress;
import dev.agentmesh.runtime.RunResult;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Runs a crew (seeds/001): a planner agent turns the PRD into a validated task graph; tasks run in waves, each
 * task starting only when its dependencies are done and shipped, at most {@code concurrency} tasks at once; each
 * worker reserves its files, works and calls {@code task.done}; each done task gets a reviewer whose verdict
 * (SHIP / NEEDS_WORK / MAJOR_RETHINK) is applied. All state is in the store, so a second run continues where an
 * interrupted one stopped. {@link #interrupt} stops every agent (no orphan process) and puts their tasks back
 * to todo.
 */
public final class CrewRunner {

    /**
     * What a run is asked to do.
     *
     * @param prd                 the PRD file (absolute), must exist
     * @param concurrency         tasks (worker, then reviewer) at once, 1..10 (pi-messenger's hard ceiling)
     * @param maxAttemptsPerTask  worker runs of a task before it is blocked
     * @param reviewMaxIterations reviews of a task before a NEEDS_WORK blocks it
     * @param maxWaves            waves before the run stops
     * @param agentTimeout        wall time of one agent run (planner, worker or reviewer)
     * @param models              model per role ({@code planner}, {@code worker}, {@code reviewer}) as
     *                            {@code provider/model}; a missing role uses {@code defaultModel}
     * @param defaultModel        {@code provider/model} for roles without one, or null for the runtime's default
     * @param replan              plan again even when the project has tasks
     * @param runtime             the runtime of roles without one of their own ({@code pi}, {@code claude}, {@code codex})
     * @param runtimes            runtime per role ({@code crew.runtimes.worker}, issue 6); a missing role uses {@code runtime}
     */
    public record Settings(Path prd, int concurrency, int maxAttemptsPerTask, int reviewMaxIterations, int maxWaves,
                           Duration agentTimeout, Map<String, String> models, String defaultModel, boolean replan,
                           String runtime, Map<String, String> runtimes) {
        /** The roles a crew has, as config and options name them. */
        public static final List<String> ROLES = List.of("planner", "worker", "reviewer");

        /** Settings with every role on pi. */
        public Settings(Path prd, int concurrency, int maxAttemptsPerTask, int reviewMaxIterations, int maxWaves,
                        Duration agentTimeout, Map<String, String> models, String defaultModel, boolean replan) {
            this(prd, concurrency, maxAttemptsPerTask, reviewMaxIterations, maxWaves, agentTimeout, models, defaultModel,
                    replan, "pi", Map.of());
        }

        /**
         * @throws MeshException (invalid input) for a value out of range, an unknown runtime or an unknown role
         */
        public Settings {
            runtimes = Map.copyOf(runtimes);
            models = Map.copyOf(models);
            checkRuntime(runtime, "runtime");
            runtimes.forEach((role, name) -> {
                if (!ROLES.contains(role)) {
                    throw MeshException.invalidInput("unknown crew role '" + dev.agentmesh.Texts.quote(role, 40) + "' in crew.runtimes; roles: "
                            + String.join(", ", ROLES));
                }
                checkRuntime(name, "crew.runtimes." + role);
            });
            if (concurrency < 1 || concurrency > 10) {
                throw MeshException.invalidInput("concurrency " + concurrency + " is out of range 1..10");
            }
            if (maxAttemptsPerTask < 1 || reviewMaxIterations < 1 || maxWaves < 1) {
                throw MeshException.invalidInput("attempts, review iterations and waves must be at least 1");
            }
            if (agentTimeout == null || agentTimeout.isNegative() || agentTimeout.isZero()) {
                throw MeshException.invalidInput("agent timeout " + (agentTimeout == null ? null : agentTimeout.toSeconds() + " s")
                        + " must be positive");
            }
        }
    }

    private static void checkRuntime(String name, String where) {
        if (!AgentRuntime.KNOWN.contains(name)) {
            throw MeshException.invalidInput(where + " '" + dev.agentmesh.Texts.quote(String.valueOf(name), 40)
                    + "' is not a runtime; runtimes: " + String.join(", ", AgentRuntime.KNOWN));
        }
    }

    /** @return the runtime {@code role} ({@code planner}, {@code worker}, {@code reviewer}) runs on under {@code settings} */
    public static String runtimeOf(Settings settings, String role) {
        return settings.runtimes().getOrDefault(role, settings.runtime());
    }

    /**
     * How a run ended.
     *
     * @param status     {@code done} (every task SHIP), {@code blocked}, {@code incomplete} or {@code interrupted}
     * @param tasks      the tasks at the end
     * @param waves      waves run in this invocation
     * @param planningMs wall time of planning (0 when the plan existed)
     * @param wavesMs    wall time of the waves, reviews included
     * @param workMs     summed wall time of worker runs
     * @param reviewMs   summed wall time of reviewer runs
     * @param wallMs     wall time of the whole run
     * @param agents     names of the agents the run started, in start order
     */
    public record Summary(String status, List<Task> tasks, int waves, long planningMs, long wavesMs, long workMs,
                          long reviewMs, long wallMs, List<String> agents) {
    }

    private enum Role { PLANNER, WORKER, REVIEWER }

    /** A worker may do everything; planners and reviewers read, search, run commands and talk, but edit nothing. */
    private static final Set<Capability> WORKER_TOOLS = Capability.ALL;
    private static final Set<Capability> READER_TOOLS = Capability.READ_ONLY;

    private final Mesh mesh;
    private final WorkTree workTree;
    private final Crew crew;
    private final Tasks tasks;
    private final java.util.function.Function<String, AgentRuntime> runtimes;
    private final Settings settings;
    private final Consumer<String> log;
    private final Set<AgentSession> live = ConcurrentHashMap.newKeySet();
    private final List<String> started = java.util.Collections.synchronizedList(new ArrayList<>());
    /** The token of each worker it joined, handed to the worker as MESH_AGENT_TOKEN. */
    private final Map<String, String> tokens = new java.util.concurrent.ConcurrentHashMap<>();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final AtomicLong workMs = new AtomicLong();
    private final AtomicLong reviewMs = new AtomicLong();
    private volatile boolean stopped;
    private volatile String modelDown;

    /**
     * @param log receives progress lines meant for a person
     */
    public CrewRunner(Mesh mesh, Crew crew, AgentRuntime launcher, Settings settings, Consumer<String> log) {
        this(mesh, crew, name -> launcher, settings, log);
    }

    /**
     * A runner whose roles may run on different runtimes ({@link Settings#runtimes}).
     *
     * @param runtimes the runtime of a name ({@code pi}, {@code claude}, ...), asked once per agent; it may throw
     *                 {@link MeshException} for a runtime that cannot be started, which fails that agent's run
     */
    public CrewRunner(Mesh mesh, Crew crew, java.util.function.Function<String, AgentRuntime> runtimes, Settings settings,
                      Consumer<String> log) {
        this.mesh = mesh;
        this.workTree = new WorkTree(mesh.project().root());
        this.crew = crew;
        this.tasks = crew.tasks();
        this.runtimes = runtimes;
        this.settings = settings;
        this.log = log;
    }

    /**
     * Checks what a run needs before anything starts: a git repository and a readable, non-empty PRD.
     *
     * @return the PRD text
     * @throws MeshException (invalid input) naming what is missing
     */
    public static String checkInputs(Mesh mesh, Path prd) {
        mesh.project().requireGit("mesh crew run");
        if (prd != null && Files.isDirectory(prd)) {
            throw MeshException.invalidInput("PRD " + prd + " is a folder; give the PRD file");
        }
        if (prd == null || !Files.isRegularFile(prd)) {
            throw MeshException.invalidInput("PRD file " + prd + " does not exist");
        }
        try {
            String text = Files.readString(prd, StandardCharsets.UTF_8);
            if (text.isBlank()) {
                throw MeshException.invalidInput("PRD file " + prd + " is empty");
            }
            return text;
        } catch (IOException e) {
            throw MeshException.invalidInput("PRD file " + prd + " cannot be read: " + e.getMessage());
        } catch (java.io.UncheckedIOException e) {
            throw MeshException.invalidInput("PRD file " + prd + " is not UTF-8 text");
        }
    }

    /**
     * Runs the crew until every task is shipped or blocked, the waves run out, or {@link #interrupt} is called.
     *
     * @return the summary
     * @throws MeshException (invalid input) for a missing PRD, a plan that is malformed or cyclic;
     *                       (unexpected state) if another crew run is live or the planner fails
     */
    public Summary run() {
        long t0 = System.currentTimeMillis();
        String prdText = checkInputs(mesh, settings.prd());
        long runId = crew.runs().claim(mesh.project().root().relativize(settings.prd()).toString());
        long planningMs = 0;
        long wavesMs = 0;
        int waves = 0;
        String status = "failed";
        try {
            requeueOrphans();
            if (settings.replan() || tasks.list().isEmpty()) {
                long p0 = System.currentTimeMillis();
                plan(prdText);
                planningMs = System.currentTimeMillis() - p0;
            } else {
                log.accept("crew: continuing the plan in the store (" + tasks.list().size() + " tasks; --replan plans again)");
            }
            reviewUnreviewed();
            while (!stopped && modelDown == null && waves < settings.maxWaves()) {
                List<Task> ready = readyForCrew();
                if (ready.isEmpty()) {
                    break;
                }
                waves++;
                long w0 = System.currentTimeMillis();
                log.accept("wave " + waves + ": " + ready.stream().map(Task::id).collect(Collectors.joining(", ")));
                runWave(ready, waves);
                wavesMs += System.currentTimeMillis() - w0;
            }
            if (modelDown != null) {
                long left = tasks.list().stream().filter(t -> t.status() != Task.Status.DONE).count();
                throw MeshException.unexpectedState("the model is not reachable (" + modelDown + "): the crew stopped with "
                        + left + " task(s) left, no attempt counted; run mesh crew run again when it is back");
            }
            status = stopped ? "interrupted" : outcome();
            return new Summary(status, tasks.list(), waves, planningMs, wavesMs, workMs.get(), reviewMs.get(),
                    System.currentTimeMillis() - t0, List.copyOf(started));
        } finally {
            try {
                crew.runs().finish(runId, stopped ? "interrupted" : status, t0, planningMs, workMs.get(), reviewMs.get(), waves);
            } finally {
                finished.countDown();
            }
        }
    }

    /**
     * Stops the run: kills every agent process group, puts their tasks back to todo, and waits up to
     * {@code wait} for the run to record its end. Safe to call from a shutdown hook and more than once.
     */
    public void interrupt(Duration wait) {
        stopped = true;
        try (ExecutorService closers = Executors.newVirtualThreadPerTaskExecutor()) {
            live.forEach(p -> closers.submit(p::close));
        }
        try {
            finished.await(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void plan(String prdText) {
        String planner = join(Role.PLANNER);
        try {
            log.accept("crew: planning " + mesh.project().root().relativize(settings.prd()) + " with planner " + planner + " ...");
            RunResult r = runAgentSafely(Role.PLANNER, planner, CrewPrompts.plannerSystem(),
                    CrewPrompts.planner(mesh.project().root().relativize(settings.prd()).toString(), prdText, workTree.files()),
                    READER_TOOLS, "plan");
            if (stopped) {
                return;
            }
            if (!r.ok() && r.finalText().isBlank()) {
                throw MeshException.unexpectedState("the planner " + planner + " failed: " + r.error());
            }
            Plan plan;
            try {
                plan = Plan.parse(r.finalText());
            } catch (MeshException e) {
                throw MeshException.invalidInput("the planner's plan was rejected: " + e.getMessage());
            }
            tasks.replacePlan(plan);
            log.accept("crew: plan has " + plan.tasks().size() + " tasks: " + plan.tasks().stream()
                    .map(t -> t.id() + (t.dependsOn().isEmpty() ? "" : " (after " + String.join(", ", t.dependsOn()) + ")"))
                    .collect(Collectors.joining(", ")));
        } finally {
            leave(planner);
        }
    }

    private void runWave(List<Task> ready, int wave) {
        Semaphore slots = new Semaphore(settings.concurrency());
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Task t : ready) {
                pool.submit(() -> {
                    slots.acquireUninterruptibly();
                    try {
                        if (!stopped) {
                            work(t, wave);
                        }
                    } catch (RuntimeException e) {
                        log.accept("  " + t.id() + "  " + (e instanceof MeshException ? "" : "internal error: ") + e.getMessage());
                    } finally {
                        slots.release();
                    }
                });
            }
        }
    }

    private void work(Task task, int wave) {
        String worker = join(Role.WORKER);
        Task t;
        try {
            t = tasks.start(task.id(), worker, wave);
        } catch (MeshException e) {
            leave(worker);
            log.accept("  " + task.id() + "  not started: " + e.getMessage());
            return;
        }
        long w0 = System.currentTimeMillis();
        RunResult r;
        try {
            log.accept("  " + t.id() + "  worker " + worker + " started (attempt " + t.attempts() + ")");
            String label = t.id() + "-work-" + t.attempts();
            r = runAgentSafely(Role.WORKER, worker, CrewPrompts.workerSystem(worker), CrewPrompts.worker(t, worker),
                    WORKER_TOOLS, label);
            List<String> edited = workTree.relative(r.progress().editedPaths());
            touched.computeIfAbsent(t.id(), k -> ConcurrentHashMap.newKeySet()).addAll(edited);
            tasks.addFiles(t.id(), edited); // kept in the store: the task's own diff after the run (the dashboard)
        } finally {
            leave(worker);
            workMs.addAndGet(System.currentTimeMillis() - w0);
        }
        Task after = tasks.show(t.id());
        if (after.status() == Task.Status.IN_PROGRESS) {
            if (stopped) {
                tasks.requeue(t.id(), "the crew run was interrupted");
                return;
            }
            if (unreachableModel(r.error())) {
                // an outage is not the task's fault: stop the crew instead of burning every attempt
                modelDown = r.error();
                tasks.requeue(t.id(), "the model was not reachable: " + r.error());
                log.accept("  " + t.id() + "  " + worker + " could not reach the model -> todo (" + r.error() + "); stopping the crew");
                return;
            }
            Task back = tasks.abandon(t.id(), "worker " + worker + " stopped without task.done"
                    + (r.error() == null ? "" : ": " + r.error()), settings.maxAttemptsPerTask());
            log.accept("  " + t.id() + "  " + worker + " stopped without task.done -> " + back.status().wire()
                    + (r.error() == null ? "" : " (" + r.error() + ")"));
            return;
        }
        if (after.status() != Task.Status.DONE) {
            log.accept("  " + t.id() + "  is " + after.status().wire() + (after.blockReason() == null ? "" : ": " + after.blockReason()));
            return;
        }
        log.accept("  " + t.id() + "  done by " + worker + " (" + r.progress().toolCalls() + " tool calls, "
                + seconds(System.currentTimeMillis() - w0) + "): " + oneLine(after.summary()));
        if (!stopped) {
            review(after);
        }
    }

    private void review(Task t) {
        String reviewer = join(Role.REVIEWER);
        long r0 = System.currentTimeMillis();
        try {
            RunResult r = runAgentSafely(Role.REVIEWER, reviewer, CrewPrompts.reviewerSystem(reviewer),
                    CrewPrompts.reviewer(t, workTree.changes(touched.getOrDefault(t.id(), Set.of()))), READER_TOOLS, t.id() + "-review-" + (t.reviews() + 1));
            if (stopped) {
                return;
            }
            var verdict = Verdict.parse(r.finalText());
            if (verdict.isEmpty() && !r.ok()) {
                log.accept("  " + t.id() + "  review by " + reviewer + " failed (" + r.error() + "); it stays done, unreviewed");
                return;
            }
            Verdict v = verdict.orElse(Verdict.NEEDS_WORK);
            String feedback = verdict.isPresent() ? r.finalText().strip()
                    : "the reviewer's answer had no verdict (SHIP, NEEDS_WORK or MAJOR_RETHINK): " + r.finalText().strip();
            Task after = tasks.review(t.id(), reviewer, v, feedback, settings.reviewMaxIterations());
            log.accept("  " + t.id() + "  review by " + reviewer + ": " + v + (after.status() == Task.Status.DONE ? ""
                    : " -> " + after.status().wire()) + (v == Verdict.SHIP ? "" : " (" + oneLine(feedback) + ")"));
        } finally {
            leave(reviewer);
            reviewMs.addAndGet(System.currentTimeMillis() - r0);
        }
    }

    /** @return true for a run that ended because the model endpoint could not be reached at all */
    static boolean unreachableModel(String error) {
        if (error == null || !error.startsWith("model error:")) {
            return false;
        }
        String e = error.toLowerCase(java.util.Locale.ROOT);
        return (e.contains("connection") && !e.contains("reset")) || e.contains("econnrefused") || e.contains("fetch failed")
                || e.contains("unreachable");
    }

    /** Like {@link #runAgent}, but a runtime that fails to start or answer gives a failed result instead of throwing. */
    private RunResult runAgentSafely(Role role, String name, String system, String prompt, Set<Capability> tools, String label) {
        try {
            return runAgent(role, name, system, prompt, tools, label);
        } catch (RuntimeException e) {
            return new RunResult(false, "", String.valueOf(e.getMessage()), new dev.agentmesh.runtime.Progress(0, null, 0, 0, 0));
        }
    }

    private RunResult runAgent(Role role, String name, String system, String prompt, Set<Capability> tools, String label) {
        String model = settings.models().getOrDefault(role.name().toLowerCase(java.util.Locale.ROOT), settings.defaultModel());
        Path transcript = mesh.project().meshDir().resolve("crew/logs/" + label + "-" + name + ".jsonl");
        AgentSession p = runtimes.apply(runtimeOf(settings, role.name().toLowerCase(java.util.Locale.ROOT))).launch(new AgentSpec(name, role.name().toLowerCase(java.util.Locale.ROOT), ModelRef.parse(model),
                system, tools, mesh.project().root(),
                tokens.containsKey(name) ? Map.of("MESH_AGENT_TOKEN", tokens.get(name)) : Map.of(), transcript));
        live.add(p);
        try {
            if (stopped) {
                return new RunResult(false, "", "interrupted", p.progress());
            }
            mesh.presence().setPid(name, p.pid());
            p.prompt(prompt);
            Thread reporter = Thread.ofVirtual().name("crew-progress-" + name).start(() -> report(name, label, p));
            try {
                return p.awaitEnd(settings.agentTimeout());
            } finally {
                reporter.interrupt();
            }
        } finally {
            p.close();
            live.remove(p);
        }
    }

    /** The files each task's workers edited, over all its attempts: what its reviewer's diff shows. */
    private final Map<String, Set<String>> touched = new ConcurrentHashMap<>();

    /** How often a running agent's progress goes into its status (what {@code mesh crew status --watch} shows). */
    static final Duration PROGRESS_EVERY = Duration.ofSeconds(2);

    /** Until interrupted: puts the agent's progress into its status message when it changed. */
    private void report(String name, String label, AgentSession p) {
        Progress last = null;
        while (true) {
            try {
                Thread.sleep(PROGRESS_EVERY);
            } catch (InterruptedException e) {
                return;
            }
            Progress now = p.progress();
            if (!now.equals(last) && (now.toolCalls() > 0 || now.inputTokens() > 0)) {
                last = now;
                try {
                    mesh.presence().setProgress(name, progressLine(label, now));
                } catch (MeshException e) {
                    // the agent left (its process died); the run notices
                }
            }
        }
    }

    /** @return e.g. {@code "task-1: bash, 4 tool call(s), 12.3k tokens"} */
    static String progressLine(String label, Progress p) {
        long tokens = p.inputTokens() + p.outputTokens();
        return label + ": " + (p.lastTool() == null ? "thinking" : p.lastTool()) + ", " + p.toolCalls() + " tool call(s), "
                + (tokens >= 1000 ? String.format(java.util.Locale.ROOT, "%.1fk", tokens / 1000.0) : Long.toString(tokens)) + " tokens";
    }

    private String join(Role role) {
        Presence.Joined j = mesh.presence().joinWithToken(new Presence.JoinRequest(null, ProcessHandle.current().pid(),
                mesh.project().root().toString(), runtimeOf(settings, role.name().toLowerCase(java.util.Locale.ROOT)), settings.defaultModel(), mesh.project().branch()), null);
        Agent a = j.agent();
        started.add(a.name());
        tokens.put(a.name(), j.token());
        return a.name();
    }

    private void leave(String name) {
        try {
            mesh.presence().leave(name);
        } catch (MeshException e) {
            // already left (e.g. reaped after its process died)
        }
    }

    private List<Task> readyForCrew() {
        return Tasks.ready(tasks.list(), true);
    }

    private void reviewUnreviewed() {
        for (Task t : tasks.list()) {
            if (!stopped && t.status() == Task.Status.DONE && t.verdict() == null) {
                log.accept("  " + t.id() + "  was done but not reviewed; reviewing it now");
                try {
                    review(t);
                } catch (RuntimeException e) {
                    log.accept("  " + t.id() + "  review failed: " + e.getMessage());
                }
            }
        }
    }

    private void requeueOrphans() {
        crew.requeueOrphans().forEach(log);
    }

    private String outcome() {
        List<Task> all = tasks.list();
        if (!all.isEmpty() && all.stream().allMatch(t -> t.status() == Task.Status.DONE && t.verdict() == Verdict.SHIP)) {
            return "done";
        }
        return all.stream().anyMatch(t -> t.status() == Task.Status.BLOCKED) ? "blocked" : "incomplete";
    }

    private static String oneLine(String s) {
        return s == null ? "" : dev.agentmesh.Texts.oneLine(s, 100);
    }

    static String seconds(long ms) {
        return String.format(java.util.Locale.ROOT, "%.1fs", ms / 1000.0);
    }
}
