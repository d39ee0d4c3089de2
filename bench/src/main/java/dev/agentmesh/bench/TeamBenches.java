package dev.agentmesh.bench;

import dev.agentmesh.agents.AgentProfiles;
import dev.agentmesh.api.Json;
import dev.agentmesh.cli.client.RemoteMeshApi;
import dev.agentmesh.model.Script;
import dev.agentmesh.model.ScriptedModelServer;
import dev.agentmesh.runtimes.claude.ClaudeRuntime;
import dev.agentmesh.runtimes.codex.CodexRuntime;
import dev.agentmesh.runtimes.pi.PiRuntime;
import dev.agentmesh.store.Store;
import dev.agentmesh.team.TeamPlan;
import dev.agentmesh.team.TeamPlanner;
import dev.agentmesh.team.TeamRun;
import dev.agentmesh.team.TeamRuns;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;

import static dev.agentmesh.bench.BenchSupport.*;

/** {@code team}: {@code agent_team} runs (issue 7, seeds/002; see {@link Bench}). */
final class TeamBenches {
    /** Timed wake-ups of a {@code run_status} wait, after {@link #WAKEUP_WARMUPS} untimed ones. */
    static final int WAKEUP_ROUNDS = 200;
    static final int WAKEUP_WARMUPS = 20;
    /** One-step runs per runtime for the start figures. */
    static final int START_RUNS = 10;
    /** Steps of the chain for the overhead figures. */
    static final int CHAIN_STEPS = 16;
    /** Parallel lanes of the fan-out graph, into one synthesis step. */
    static final int LANES = 6;
    /** The command runtime's program: reads the prompt, works 200 ms, answers. */
    static final String COMMAND_ARGV = "[\"sh\",\"-c\",\"cat >/dev/null; sleep 0.2; echo done\"]";
    /** The phrase of every step's task, which the scripted model answers with a text. */
    static final String TASK = "[bench team] answer with one word.";

    /** {@code -Dteam.keep=true}: leave the runs and their artifacts (transcripts, manifests) for inspection, no cleanup. */
    static final boolean KEEP = Boolean.getBoolean("team.keep");
    /** {@code -Dteam.parts=wakeup,start,chain,fanout}: the parts to run (default all), e.g. to profile one. */
    static final List<String> PARTS = List.of(System.getProperty("team.parts", "wakeup,start,chain,fanout").split(","));
    /** {@code -Dteam.runtimes=command,pi}: the runtimes of the supervisor parts (default every one found). */
    static final List<String> ONLY_RUNTIMES = System.getProperty("team.runtimes") == null ? null
            : List.of(System.getProperty("team.runtimes").split(","));
    /** Every timed team.start call, of every runtime. */
    private static final List<Double> START_CALLS = new ArrayList<>();

    private TeamBenches() {
    }

    static void team() throws Exception {
        ObjectNode o = Json.MAPPER.createObjectNode().put("benchmark", "team");
        if (part("wakeup")) {
            waitWakeup(o);
        }
        if (!part("start") && !part("chain") && !part("fanout")) {
            System.out.println(o);
            return;
        }
        Script script = Script.parse("""
                rules:
                  - match: "[bench team]"
                    steps:
                      - text: "done"
                """, "team-bench");
        try (ScriptedModelServer server = ScriptedModelServer.start(script, 0);
             Setup s = setup(List.of("Boss"), Map.of("MESH_MODEL_URL", server.baseUrl(), "MESH_COMMAND_ARGV", COMMAND_ARGV))) {
            RemoteMeshApi api = new RemoteMeshApi(s.runFile(), s.repo());
            Client c = new Client(api, s);
            List<String> runtimes = new ArrayList<>();
            for (String runtime : List.of("command", "pi", "claude", "codex")) {
                Optional<String> missing = missing(runtime);
                if (missing.isPresent()) {
                    System.err.println("bench: skipping " + runtime + ": " + missing.get());
                    o.put("skipped_" + runtime, missing.get());
                } else if (ONLY_RUNTIMES == null || ONLY_RUNTIMES.contains(runtime)) {
                    runtimes.add(runtime);
                }
            }
            if (part("start")) {
                o.put("start_runs_per_runtime", START_RUNS);
                for (String runtime : runtimes) {
                    startToRunning(c, runtime, o);
                }
                double[] all = START_CALLS.stream().mapToDouble(Double::doubleValue).sorted().toArray();
                o.put("start_call_p50_ms", round(percentile(all, 50)));
            }
            if (part("chain")) {
                o.put("chain_steps", CHAIN_STEPS);
                for (String runtime : List.of("command", "pi")) {
                    if (runtimes.contains(runtime)) {
                        chain(c, runtime, o);
                    }
                }
            }
            if (part("fanout") && runtimes.contains("pi")) {
                fanout(c, "pi", o);
            }
        }
        System.out.println(o);
    }

    // ---- 1. the wake-up of a run_status wait, in this process ----

    private static void waitWakeup(ObjectNode o) throws Exception {
        Path dir = Files.createTempDirectory("mesh-bench-team");
        Path root = Files.createDirectories(dir.resolve("repo")).toRealPath();
        try (Store store = Store.openSqlite(dir.resolve("mesh.db"))) {
            TeamRuns runs = new TeamRuns(store, "bench");
            TeamPlan plan = TeamPlanner.plan(Json.MAPPER.readTree(graph("wake-up bench", "pi", 1, false)),
                    new TeamPlanner.Context(root, AgentProfiles.inFolders(null, null), "pi"));
            TeamRun run = runs.create(plan, null, "none", 0, 10, root, root.resolve(".mesh"), ProcessHandle.current().pid());
            String runId = run.runId();
            String stepId = plan.steps().getFirst().id();
            SynchronousQueue<Long> go = new SynchronousQueue<>();
            long stop = -1;
            final String[] receipt = new String[1];
            final long[] returned = new long[1];
            final CountDownLatch[] latches = new CountDownLatch[2];
            Thread waiter = Thread.ofPlatform().name("bench-waiter").daemon().start(() -> {
                try {
                    while (true) {
                        long cursor = go.take();
                        if (cursor == stop) {
                            return;
                        }
                        latches[0].countDown();
                        TeamRuns.Wait w = runs.await(runId, cursor, null, Duration.ofSeconds(10));
                        returned[0] = System.nanoTime();
                        receipt[0] = w.receipt();
                        latches[1].countDown();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            // a listener of our own marks when the commit signals the topic (the writer thread, after the commit)
            java.util.concurrent.atomic.AtomicLong signalled = new java.util.concurrent.atomic.AtomicLong();
            AutoCloseable mark = store.notifier().subscribe(TeamRuns.topic("bench", runId), () -> signalled.set(System.nanoTime()));
            double[] ms = new double[WAKEUP_ROUNDS];
            double[] commit = new double[WAKEUP_ROUNDS];
            double[] after = new double[WAKEUP_ROUNDS];
            long gcCount = 0;
            long gcMs = 0;
            for (int i = 0; i < WAKEUP_WARMUPS + WAKEUP_ROUNDS; i++) {
                if (i == WAKEUP_WARMUPS) {
                    for (var gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
                        gcCount -= gc.getCollectionCount();
                        gcMs -= gc.getCollectionTime();
                    }
                }
                latches[0] = new CountDownLatch(1);
                latches[1] = new CountDownLatch(1);
                go.put(runs.cursor(runId));
                latches[0].await();
                // the waiter is parked in its timed wait (after its first look at the events), not reading the store
                long until = System.nanoTime() + 1_000_000_000L;
                Thread.sleep(2);
                while (waiter.getState() != Thread.State.TIMED_WAITING && System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
                signalled.set(0);
                long t0 = System.nanoTime();
                runs.event(runId, stepId, "bench", true, "x");
                if (!latches[1].await(15, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the run_status wait did not return after a material event");
                }
                if (!"material".equals(receipt[0])) {
                    throw new IllegalStateException("the wait returned " + receipt[0] + ", not material");
                }
                while (signalled.get() == 0) {
                    Thread.onSpinWait(); // our listener may run just after the waiter's
                }
                if (i >= WAKEUP_WARMUPS) {
                    ms[i - WAKEUP_WARMUPS] = (returned[0] - t0) / 1e6;
                    commit[i - WAKEUP_WARMUPS] = (signalled.get() - t0) / 1e6;
                    after[i - WAKEUP_WARMUPS] = (returned[0] - signalled.get()) / 1e6;
                }
            }
            for (var gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
                gcCount += gc.getCollectionCount();
                gcMs += gc.getCollectionTime();
            }
            go.put(stop);
            waiter.join(5_000);
            mark.close();
            Integer[] order = new Integer[ms.length];
            Arrays.setAll(order, k -> k);
            Arrays.sort(order, (a, b) -> Double.compare(ms[b], ms[a]));
            StringBuilder slow = new StringBuilder();
            for (int k = 0; k < 5; k++) {
                slow.append(k == 0 ? "" : ", ").append('#').append(order[k]).append(' ').append(round(ms[order[k]]))
                        .append(" ms (commit ").append(round(commit[order[k]])).append(", after signal ").append(round(after[order[k]])).append(')');
            }
            System.err.println("bench: slowest wake-ups: " + slow);
            Arrays.sort(ms);
            Arrays.sort(commit);
            Arrays.sort(after);
            System.err.println("bench: wait wake-up p50 " + round(percentile(ms, 50)) + " ms, p99 " + round(percentile(ms, 99))
                    + " ms; of which the event's commit to its signal p50 " + round(percentile(commit, 50)) + " ms, p99 "
                    + round(percentile(commit, 99)) + " ms, the signal to the wait's return p50 " + round(percentile(after, 50))
                    + " ms, p99 " + round(percentile(after, 99)) + " ms");
            o.put("wait_wakeup_rounds", WAKEUP_ROUNDS).put("wait_wakeup_p50_ms", round(percentile(ms, 50)))
                    .put("wait_wakeup_p99_ms", round(percentile(ms, 99))).put("wait_wakeup_max_ms", round(ms[ms.length - 1]))
                    .put("wait_wakeup_commit_p50_ms", round(percentile(commit, 50))).put("wait_wakeup_commit_p99_ms", round(percentile(commit, 99)))
                    .put("wait_wakeup_after_signal_p50_ms", round(percentile(after, 50)))
                    .put("wait_wakeup_after_signal_p99_ms", round(percentile(after, 99)))
                    .put("wait_wakeup_gcs", gcCount).put("wait_wakeup_gc_ms", gcMs);
        }
    }

    // ---- 2. start to the first child running, through the supervisor ----

    private static void startToRunning(Client c, String runtime, ObjectNode o) throws Exception {
        double[] start = new double[START_RUNS];
        double[] running = new double[START_RUNS];
        double[] toLaunching = new double[START_RUNS];
        double[] launch = new double[START_RUNS];
        double[] wall = new double[START_RUNS];
        for (int i = 0; i < START_RUNS; i++) {
            String g = graph("start bench " + runtime + " " + i, runtime, 1, false);
            long t0 = System.nanoTime();
            JsonNode started = c.call("{\"action\":\"team.start\",\"graph\":" + g + "}");
            long t1 = System.nanoTime();
            String runId = started.at("/data/runId").asString();
            JsonNode st;
            while (true) {
                st = c.call("{\"action\":\"team.run_status\",\"runId\":\"" + runId + "\"}");
                JsonNode step = st.at("/data/steps/0");
                if (!step.path("pid").isNull() && !step.path("pid").isMissingNode()) {
                    break;
                }
                if (isTerminal(st)) {
                    throw new IllegalStateException("run " + runId + " on " + runtime + " ended before its step ran: " + st.at("/text").asString());
                }
                if (System.nanoTime() - t0 > 120_000_000_000L) {
                    throw new IllegalStateException("run " + runId + " on " + runtime + ": no child after 120 s");
                }
                Thread.sleep(20);
            }
            long t2 = System.nanoTime();
            JsonNode end = awaitTerminal(c, runId, st.at("/data/cursor").asString());
            long t3 = System.nanoTime();
            requireSucceeded(end, runId, runtime);
            start[i] = (t1 - t0) / 1e6;
            running[i] = (t2 - t0) / 1e6;
            wall[i] = (t3 - t0) / 1e6;
            // the server's own clock: created -> launching (startedAt) -> launched (the step.started event, pid known)
            JsonNode debug = c.call("{\"action\":\"team.run_status\",\"runId\":\"" + runId + "\",\"debugEvents\":true}");
            long created = debug.at("/data/createdAt").asLong();
            long startedAt = debug.at("/data/steps/0/startedAt").asLong();
            long launched = eventAt(debug, "step.started", null);
            toLaunching[i] = startedAt - created;
            launch[i] = launched - startedAt;
            cleanup(c, runId);
            System.err.println("bench: " + runtime + " " + runId + ": start call " + Math.round(start[i]) + " ms, child running at "
                    + Math.round(running[i]) + " ms (created->launching " + Math.round(toLaunching[i]) + " ms, launching->pid "
                    + Math.round(launch[i]) + " ms), terminal at " + Math.round(wall[i]) + " ms");
        }
        Arrays.sort(start);
        Arrays.sort(running);
        Arrays.sort(toLaunching);
        Arrays.sort(launch);
        Arrays.sort(wall);
        o.put("start_call_p50_ms_" + runtime, round(percentile(start, 50)))
                .put("start_to_first_child_running_p50_ms_" + runtime, round(percentile(running, 50)))
                .put("start_to_first_child_running_max_ms_" + runtime, round(running[running.length - 1]))
                .put("created_to_launching_p50_ms_" + runtime, round(percentile(toLaunching, 50)))
                .put("launching_to_pid_p50_ms_" + runtime, round(percentile(launch, 50)))
                .put("one_step_run_wall_p50_ms_" + runtime, round(percentile(wall, 50)));
        for (double v : start) {
            START_CALLS.add(v);
        }
    }

    // ---- 3. the runner's overhead on a 16-step chain and a fan-out ----

    private static void chain(Client c, String runtime, ObjectNode o) throws Exception {
        Timed t = runTimed(c, graph("chain bench " + runtime, runtime, CHAIN_STEPS, false), runtime);
        List<JsonNode> steps = t.steps();
        long children = 0;
        List<Double> gaps = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            children += steps.get(i).path("endedAt").asLong() - steps.get(i).path("startedAt").asLong();
            if (i > 0) {
                gaps.add((double) (steps.get(i).path("startedAt").asLong() - steps.get(i - 1).path("endedAt").asLong()));
            }
        }
        double[] g = gaps.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double pct = (t.wallMs() - children) / children * 100;
        System.err.println("bench: " + runtime + " chain of " + CHAIN_STEPS + ": wall " + Math.round(t.wallMs()) + " ms, children " + children
                + " ms, overhead " + round(pct) + " %; gaps between steps p50 " + percentile(g, 50) + " ms, max " + g[g.length - 1]
                + " ms; start call to first launching " + t.headMs() + " ms, last end to terminal seen " + round(t.tailMs()) + " ms");
        o.put("overhead_16_steps_pct_" + runtime, round(pct)).put("children_ms_" + runtime, children)
                .put("run_wall_ms_" + runtime, round(t.wallMs()))
                .put("step_gap_p50_ms_" + runtime, round(percentile(g, 50))).put("step_gap_max_ms_" + runtime, round(g[g.length - 1]))
                .put("start_to_first_launching_ms_" + runtime, t.headMs()).put("last_end_to_terminal_seen_ms_" + runtime, round(t.tailMs()));
        stepBreakdown(t, runtime, o, "_16_steps_");
    }

    private static void fanout(Client c, String runtime, ObjectNode o) throws Exception {
        Timed t = runTimed(c, graph("fan-out bench " + runtime, runtime, LANES, true), runtime);
        long maxLane = 0;
        long synth = 0;
        long lastLaneEnd = 0;
        long synthStart = 0;
        for (JsonNode st : t.steps()) {
            long d = st.path("endedAt").asLong() - st.path("startedAt").asLong();
            if (st.path("stepId").asString().equals("synth")) {
                synth = d;
                synthStart = st.path("startedAt").asLong();
            } else {
                maxLane = Math.max(maxLane, d);
                lastLaneEnd = Math.max(lastLaneEnd, st.path("endedAt").asLong());
            }
        }
        long critical = maxLane + synth;
        double pct = (t.wallMs() - critical) / critical * 100;
        System.err.println("bench: " + runtime + " fan-out " + LANES + "+1: wall " + Math.round(t.wallMs()) + " ms, max lane " + maxLane
                + " ms + synth " + synth + " ms, overhead " + round(pct) + " %; last lane end to synth launching " + (synthStart - lastLaneEnd) + " ms");
        o.put("overhead_fanout_pct_" + runtime, round(pct)).put("fanout_lanes", LANES)
                .put("fanout_critical_path_ms_" + runtime, critical).put("fanout_run_wall_ms_" + runtime, round(t.wallMs()))
                .put("fanout_last_lane_end_to_synth_launching_ms_" + runtime, synthStart - lastLaneEnd);
    }

    /** Where a step's own time goes: launching to its pid, its pid to its last text, its last text to its end. */
    private static void stepBreakdown(Timed t, String runtime, ObjectNode o, String tag) {
        List<Double> launch = new ArrayList<>();
        List<Double> tail = new ArrayList<>();
        for (JsonNode st : t.steps()) {
            String id = st.path("stepId").asString();
            long startedAt = st.path("startedAt").asLong();
            long endedAt = st.path("endedAt").asLong();
            long pidAt = eventAt(t.debug(), "step.started", id);
            long textAt = eventAt(t.debug(), "step.text", id);
            if (pidAt > 0) {
                launch.add((double) (pidAt - startedAt));
            }
            if (textAt > 0) {
                tail.add((double) (endedAt - textAt));
            }
        }
        double[] l = launch.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double[] e = tail.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        o.put("launching_to_pid_p50_ms" + tag + runtime, round(percentile(l, 50)))
                .put("last_text_to_step_end_p50_ms" + tag + runtime, round(percentile(e, 50)));
        System.err.println("bench: " + runtime + " steps: launching->pid p50 " + percentile(l, 50) + " ms, last text->step end p50 "
                + percentile(e, 50) + " ms");
        if (runtime.equals("command")) {
            // the command runtime's transcript: the prompt written just before the program starts, its exit with its run time
            List<Double> toPrompt = new ArrayList<>();
            List<Double> afterExit = new ArrayList<>();
            long process = 0;
            for (JsonNode st : t.steps()) {
                String id = st.path("stepId").asString();
                long pidAt = eventAt(t.debug(), "step.started", id);
                long promptAt = 0;
                long exitAt = 0;
                for (JsonNode line : t.transcripts().getOrDefault(id, List.of())) {
                    if (promptAt == 0 && line.path("type").asString().equals("message_end")
                            && line.at("/message/role").asString().equals("user")) {
                        promptAt = line.path("at").asLong();
                    }
                    if (line.path("type").asString().equals("result")) {
                        exitAt = line.path("at").asLong();
                        process += line.path("ms").asLong();
                    }
                }
                if (promptAt > 0 && pidAt > 0) {
                    toPrompt.add((double) (promptAt - pidAt));
                }
                if (exitAt > 0) {
                    afterExit.add((double) (st.path("endedAt").asLong() - exitAt));
                }
            }
            double[] p = toPrompt.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            double[] x = afterExit.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            double pct = (t.wallMs() - process) / process * 100;
            o.put("pid_to_program_start_p50_ms" + tag + runtime, round(percentile(p, 50)))
                    .put("program_exit_to_step_end_p50_ms" + tag + runtime, round(percentile(x, 50)))
                    .put("program_ms" + tag + runtime, process)
                    .put("overhead_vs_program_pct" + tag + runtime, round(pct));
            System.err.println("bench: " + runtime + " steps: pid->program start p50 " + percentile(p, 50) + " ms (max "
                    + (p.length == 0 ? 0 : p[p.length - 1]) + "), program exit->step end p50 " + percentile(x, 50) + " ms (max "
                    + (x.length == 0 ? 0 : x[x.length - 1]) + "); the programs' own time " + process + " ms, wall over it "
                    + round(pct) + " %");
        }
    }

    /** A run timed from its start call to its terminal status. */
    private record Timed(String runId, double wallMs, long headMs, double tailMs, List<JsonNode> steps, JsonNode debug,
                         Map<String, List<JsonNode>> transcripts) {
    }

    private static Timed runTimed(Client c, String graph, String runtime) throws Exception {
        long wallStart = System.currentTimeMillis();
        long t0 = System.nanoTime();
        JsonNode started = c.call("{\"action\":\"team.start\",\"graph\":" + graph + "}");
        String runId = started.at("/data/runId").asString();
        JsonNode end = awaitTerminal(c, runId, started.at("/data/cursor").asString(null));
        long t1 = System.nanoTime();
        long wallEnd = System.currentTimeMillis();
        requireSucceeded(end, runId, runtime);
        JsonNode debug = c.call("{\"action\":\"team.run_status\",\"runId\":\"" + runId + "\",\"debugEvents\":true}");
        List<JsonNode> steps = new ArrayList<>();
        debug.at("/data/steps").forEach(steps::add);
        long firstLaunching = steps.stream().mapToLong(st -> st.path("startedAt").asLong()).min().orElse(wallStart);
        long lastEnd = steps.stream().mapToLong(st -> st.path("endedAt").asLong()).max().orElse(wallEnd);
        Map<String, List<JsonNode>> transcripts = new java.util.HashMap<>();
        Path logs = Path.of(debug.at("/data/artifacts").asString()).resolve("logs");
        for (JsonNode st : steps) {
            Path log = logs.resolve(st.path("stepId").asString() + ".jsonl");
            List<JsonNode> lines = new ArrayList<>();
            if (Files.exists(log)) {
                for (String line : Files.readAllLines(log)) {
                    try {
                        lines.add(Json.MAPPER.readTree(line));
                    } catch (RuntimeException e) {
                        // a line that is not JSON: not a timestamp
                    }
                }
            }
            transcripts.put(st.path("stepId").asString(), lines);
        }
        cleanup(c, runId);
        return new Timed(runId, (t1 - t0) / 1e6, firstLaunching - wallStart, wallEnd - lastEnd, steps, debug, transcripts);
    }

    // ---- helpers ----

    private static boolean part(String name) {
        return PARTS.contains(name);
    }

    private static void cleanup(Client c, String runId) {
        if (!KEEP) {
            c.call("{\"action\":\"team.cleanup\",\"runId\":\"" + runId + "\"}");
        }
    }

    /**
     * A graph of {@code n} steps on {@code runtime}: a chain ({@code s2} needs {@code s1}, ...), or with
     * {@code fanout} {@code n} independent lanes and a {@code synth} step needing them all.
     */
    static String graph(String objective, String runtime, int n, boolean fanout) {
        ObjectNode g = Json.MAPPER.createObjectNode().put("objective", objective).put("runtime", runtime);
        g.putObject("authority").put("allowFilesystemRead", true);
        g.putObject("limits").put("concurrency", fanout ? Math.min(6, n) : 1).put("timeoutSecondsPerStep", 120);
        ArrayNode steps = g.putArray("steps");
        for (int i = 1; i <= n; i++) {
            ObjectNode st = steps.addObject().put("id", (fanout ? "lane" : "s") + i);
            st.putObject("agent").put("system", "You are a benchmark helper; answer in one word.");
            st.put("task", TASK);
            if (!fanout && i > 1) {
                st.putArray("needs").add("s" + (i - 1));
            }
        }
        if (fanout) {
            ObjectNode st = steps.addObject().put("id", "synth");
            st.putObject("agent").put("system", "You are a benchmark synthesizer; answer in one word.");
            st.put("task", TASK);
            ArrayNode needs = st.putArray("needs");
            for (int i = 1; i <= n; i++) {
                needs.add("lane" + i);
            }
        }
        return g.toString();
    }

    /** Waits with {@code waitSeconds} until the run is terminal; @return the last run_status */
    private static JsonNode awaitTerminal(Client c, String runId, String cursor) {
        long until = System.nanoTime() + 600_000_000_000L;
        while (true) {
            JsonNode st = c.call("{\"action\":\"team.run_status\",\"runId\":\"" + runId + "\",\"waitSeconds\":60"
                    + (cursor == null ? "" : ",\"cursor\":\"" + cursor + "\"") + "}");
            if (isTerminal(st)) {
                return st;
            }
            if (System.nanoTime() > until) {
                throw new IllegalStateException("run " + runId + " did not end in 10 minutes: " + st.at("/text").asString());
            }
            cursor = st.at("/data/cursor").asString(cursor);
        }
    }

    private static boolean isTerminal(JsonNode status) {
        return !status.at("/data/endedAt").isNull() && !status.at("/data/endedAt").isMissingNode();
    }

    private static void requireSucceeded(JsonNode status, String runId, String runtime) {
        if (!"succeeded".equals(status.at("/data/status").asString())) {
            throw new IllegalStateException("run " + runId + " on " + runtime + " did not succeed: " + status.at("/text").asString());
        }
    }

    /** @return the time of the last event {@code kind} (of step {@code stepId}, or any), 0 when there is none */
    private static long eventAt(JsonNode debug, String kind, String stepId) {
        long at = 0;
        for (JsonNode e : debug.at("/data/events")) {
            if (e.path("kind").asString().equals(kind) && (stepId == null || stepId.equals(e.path("stepId").asString(null)))) {
                at = Math.max(at, e.path("at").asLong());
            }
        }
        return at;
    }

    /**
     * @return why {@code runtime}'s CLI cannot be found as the runtimes look it up ({@code MESH_PI}, {@code MESH_CLAUDE},
     *     {@code MESH_CODEX}; then {@code PATH}; then agentmesh's npm cache), without installing it; empty when found
     */
    static Optional<String> missing(String runtime) {
        Map<String, String> env = System.getenv();
        String override;
        String bin;
        String pkg;
        String version;
        switch (runtime) {
            case "pi" -> {
                override = "MESH_PI";
                bin = "pi";
                pkg = PiRuntime.PACKAGE;
                version = PiRuntime.VERSION;
            }
            case "claude" -> {
                override = "MESH_CLAUDE";
                bin = "claude";
                pkg = ClaudeRuntime.PACKAGE;
                version = ClaudeRuntime.VERSION;
            }
            case "codex" -> {
                override = "MESH_CODEX";
                bin = "codex";
                pkg = CodexRuntime.PACKAGE;
                version = CodexRuntime.VERSION;
            }
            default -> {
                return Optional.empty();
            }
        }
        String given = env.get(override);
        if (given != null && !given.isBlank()) {
            return Files.isExecutable(Path.of(given)) ? Optional.empty() : Optional.of(override + "=" + given + " is not executable");
        }
        for (String d : env.getOrDefault("PATH", "").split(":")) {
            if (!d.isBlank() && Files.isExecutable(Path.of(d, bin))) {
                return Optional.empty();
            }
        }
        Path exe = PiRuntime.cacheDir(env).resolve("npm/" + pkg.substring(pkg.indexOf('/') + 1) + "-" + version)
                .resolve("node_modules/.bin/" + bin);
        return Files.isExecutable(exe) ? Optional.empty()
                : Optional.of(bin + " is not on PATH, " + override + " is unset and " + exe + " is not installed");
    }

    /** Calls as Boss; @return {@code {text, data}} */
    private record Client(RemoteMeshApi api, Setup s) {
        JsonNode call(String args) {
            var r = api.call(s.as("Boss"), Json.MAPPER.readTree(args));
            ObjectNode n = Json.MAPPER.createObjectNode().put("text", r.text());
            n.set("data", r.data());
            return n;
        }
    }
}
