package dev.agentmesh.server.agents;

import dev.agentmesh.MeshException;
import dev.agentmesh.Texts;
import dev.agentmesh.agents.AgentHost;
import dev.agentmesh.agents.Agents;
import dev.agentmesh.agents.SpawnedAgent;
import dev.agentmesh.api.LocalMeshApi;
import dev.agentmesh.mesh.Agent;
import dev.agentmesh.mesh.Message;
import dev.agentmesh.mesh.Presence;
import dev.agentmesh.runtime.AgentEvent;
import dev.agentmesh.runtime.AgentRuntime;
import dev.agentmesh.runtime.AgentSession;
import dev.agentmesh.runtime.AgentSpec;
import dev.agentmesh.runtime.Capability;
import dev.agentmesh.runtime.ModelRef;
import dev.agentmesh.runtime.Progress;
import dev.agentmesh.server.RuntimeFactory;
import dev.agentmesh.store.Notifier;
import dev.agentmesh.store.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The supervisor's persistent named agents (issue 6, part 2; seed 000): it starts them on their runtime, keeps their
 * sessions, gives them assignments (a new turn when idle, else queued), delivers their messages through the
 * runtime's own channel where the runtime has none of its own, and stops them. One {@link Project} per project
 * implements {@link AgentHost}; the registry ({@link Agents}) records every change. Thread-safe.
 *
 * <p>Messages: pi agents get theirs from agentmesh's pi extension (a steer while working, a turn when idle); Claude
 * Code agents from agentmesh's hooks while they work; Codex agents from this host as a steer while they work; idle
 * Claude Code and Codex agents from this host as a new turn.
 */
public final class AgentHosting implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AgentHosting.class);

    private final Path store;
    private final Store db;
    private final Map<String, String> processEnv;
    private final String modelUrl;
    private final List<String> selfCommand;
    private final Map<String, Project> projects = new ConcurrentHashMap<>();

    /**
     * @param store       the store file
     * @param db          the open store
     * @param processEnv  the agents' environment (the supervisor's: PATH, provider keys)
     * @param modelUrl    {@code MESH_MODEL_URL}: an endpoint every spawned agent uses (the scripted model server in
     *                    tests), or null for each runtime's own configuration
     * @param selfCommand the mesh command line, or empty when unknown (then the stdio bridge cannot be offered)
     */
    public AgentHosting(Path store, Store db, Map<String, String> processEnv, String modelUrl, List<String> selfCommand) {
        this.store = store;
        this.db = db;
        this.processEnv = Map.copyOf(processEnv);
        this.modelUrl = modelUrl;
        this.selfCommand = List.copyOf(selfCommand);
    }

    /**
     * Marks the agents a previous supervisor ran as stopped (their processes died with it, or are killed by their
     * tree marks); call once at start.
     *
     * @return how many were marked
     */
    public int adoptAfterRestart() {
        var marked = Agents.stopAll(db);
        marked.forEach(e -> LOG.info("spawned agent {} of {} was running under the previous supervisor: marked stopped", e.getValue(), e.getKey()));
        return marked.size();
    }

    /** @return the host of {@code api}'s project, created on first use */
    public AgentHost forProject(LocalMeshApi api) {
        return projects.computeIfAbsent(api.mesh().project().key(), k -> new Project(api));
    }

    /** @return whether some spawned agent runs (the supervisor does not idle out under it) */
    public boolean anyRunning() {
        return projects.values().stream().anyMatch(p -> !p.live.isEmpty());
    }

    /** Stops every agent of every project. */
    @Override
    public void close() {
        projects.values().forEach(Project::killAll);
    }

    /**
     * One running agent: its session, its queued assignments, its message watch, and the corpus conversation its
     * events are captured into (by one thread, in order, off the session's reader).
     */
    private static final class Live {
        final AgentSession session;
        final boolean autoKillOnDone;
        final String systemPrompt;
        final Deque<String[]> queue = new ArrayDeque<>();
        final AtomicBoolean killed = new AtomicBoolean();
        final java.util.concurrent.ExecutorService capture = java.util.concurrent.Executors.newSingleThreadExecutor(
                Thread.ofVirtual().name("agent-capture").factory());
        volatile AutoCloseable watch;
        volatile long lastDelivered;
        /** the corpus conversation of the current assignment, or -1 */
        volatile long conversation = -1;
        /** who gave the last assignment (asked when a budget stops the next), or null */
        volatile String assignedBy;
        /** autoKillOnDone: it said agents.done, so it stops once its turn ends and no assignment waits */
        volatile boolean doneKill;
        /** why its work waits on a budget (said once until it is raised), or null */
        volatile String paused;
        /** this turn's usage so far (input tokens, output tokens, dollars), under the session's lock */
        long turnIn;
        long turnOut;
        double turnUsd;
        /** durable jobs the messages handed over as this turn armed (seeds/004): completed when the turn ends */
        final java.util.Set<Long> armedJobs = java.util.concurrent.ConcurrentHashMap.newKeySet();

        Live(AgentSession session, boolean autoKillOnDone, String systemPrompt) {
            this.session = session;
            this.autoKillOnDone = autoKillOnDone;
            this.systemPrompt = systemPrompt;
        }
    }

    /** The model of agents spawned without one while {@code MESH_MODEL_URL} is set (pi's provider for it is {@code mesh}). */
    static final String SCRIPTED_MODEL = "mesh/scripted";

    /** Whether the embedding model's background load was started (once per supervisor). */
    private static final AtomicBoolean MEMORY_WARMED = new AtomicBoolean();

    /** The workstream of assignments given none: recall still works, within this one. */
    static final String DEFAULT_WORKSTREAM = "default";

    /** The agents of one project. */
    private final class Project implements AgentHost {
        private final LocalMeshApi api;
        private final Agents agents;
        private final Map<String, Live> live = new ConcurrentHashMap<>();
        private final Map<String, AgentRuntime> runtimes = new ConcurrentHashMap<>();

        Project(LocalMeshApi api) {
            this.api = api;
            this.agents = api.agents();
        }

        private AgentRuntime runtime(String name) {
            return runtimes.computeIfAbsent(name, n -> RuntimeFactory.create(n, store, api.mesh(), modelUrl, processEnv,
                    selfCommand, line -> LOG.info("{}", line), true));
        }

        private Path transcript(String name) {
            return api.mesh().project().meshDir().resolve("agents/logs/" + name + ".jsonl");
        }

        @Override
        public synchronized SpawnedAgent spawn(SpawnRequest request) {
            ModelRef requested = Agents.check(request);
            String name = request.name();
            Optional<SpawnedAgent> before = agents.find(name);
            if (live.containsKey(name)) {
                throw MeshException.invalidInput("agent " + name + " is running (" + before.map(SpawnedAgent::status).orElse("?")
                        + "); agents.kill it first, or spawn another name");
            }
            // a profile (.mesh/agents/NAME.md, ~/.mesh/agents, bundled) gives defaults; what the request says wins
            // a respawn keeps its profile (its tools and prompt) unless it names another
            String profileName = request.profile() != null ? request.profile() : before.map(SpawnedAgent::profile).orElse(null);
            dev.agentmesh.agents.AgentProfile profile = profileName == null ? null
                    : dev.agentmesh.agents.AgentProfiles.forProject(api.mesh().project().root(), processEnv).get(profileName);
            String runtimeName = request.runtime() != null ? request.runtime()
                    : before.map(SpawnedAgent::runtime).orElse(profile != null && profile.runtime() != null ? profile.runtime() : "pi");
            // a respawn keeps its pinned model unless it asks for another (seed 003: same provider and model)
            ModelRef model = requested != null ? requested : before.map(b -> ModelRef.parse(b.model()))
                    .orElse(profile == null ? null : profile.model());
            if (model == null && modelUrl != null) {
                model = ModelRef.parse(SCRIPTED_MODEL); // MESH_MODEL_URL serves one model, whatever its name
            }
            // the request's thinking level, else a new agent's profile's (a respawn keeps the level it was pinned with)
            String thinking = request.thinking() != null ? request.thinking() : profile == null ? null : profile.thinking();
            if (model != null && thinking != null && (request.thinking() != null || before.isEmpty())) {
                model = model.withThinking(thinking);
            }
            String resume = before.filter(b -> b.runtime().equals(runtimeName) && b.sessionId() != null && !b.sessionId().isEmpty())
                    .map(SpawnedAgent::sessionId).orElse(null);
            AgentRuntime runtime = runtime(runtimeName);
            api.mesh().project().ensureMeshDir();
            Path memoryDir = memoryDir(name);
            Presence.Joined joined = api.mesh().presence().joinWithToken(new Presence.JoinRequest(name, null,
                    api.mesh().project().root().toString(), runtimeName, model == null ? null : model.toString(),
                    api.mesh().project().branch()), null);
            long now = System.currentTimeMillis();
            SpawnedAgent spawning = new SpawnedAgent(name, runtimeName, model == null ? null : model.toString(), profileName,
                    resume, SpawnedAgent.SPAWNING, null, null, null, null, before.map(SpawnedAgent::createdAt).orElse(now), now);
            agents.save(spawning);
            String extra = profile == null || profile.prompt().isBlank() ? request.prompt()
                    : request.prompt() == null ? profile.prompt() : profile.prompt() + "\n\n" + request.prompt();
            AgentSpec spec = new AgentSpec(name, profileName, model, systemPrompt(name, extra, memoryDir),
                    profile == null || profile.tools() == null ? Capability.ALL : profile.tools(),
                    api.mesh().project().root(), Map.of("MESH_AGENT_TOKEN", joined.token(), "MESH_AGENT_MEMORY", memoryDir.toString()),
                    transcript(name), model == null ? thinking : null); // no model named: the level goes to the runtime's default
            AgentSession session;
            try {
                session = launch(runtime, spec, resume, name);
            } catch (RuntimeException e) {
                agents.save(spawning.withStatus(SpawnedAgent.STOPPED, System.currentTimeMillis()));
                leave(name);
                throw MeshException.unexpectedState("spawn of " + name + " on " + runtimeName + " failed: " + Texts.firstLine(e.getMessage())
                        + "; diagnostics: " + transcript(name), e);
            }
            Live l = new Live(session, request.autoKillOnDone(), spec.systemPrompt());
            live.put(name, l);
            try {
                session.subscribe(e -> onEvent(name, l, e));
                if (!session.alive()) {
                    throw MeshException.unexpectedState(runtimeName + " exited as it started");
                }
                api.mesh().presence().setPid(name, session.pid());
            } catch (RuntimeException e) {
                live.remove(name);
                session.stop(java.time.Duration.ZERO);
                agents.save(spawning.withStatus(SpawnedAgent.STOPPED, System.currentTimeMillis()));
                leave(name);
                throw MeshException.unexpectedState("spawn of " + name + " on " + runtimeName + " failed: " + Texts.firstLine(e.getMessage())
                        + "; diagnostics: " + transcript(name), e);
            }
            SpawnedAgent idle = new SpawnedAgent(name, runtimeName, spawning.model(), profileName, session.sessionId(),
                    SpawnedAgent.IDLE, null, null, null, session.pid(), spawning.createdAt(), System.currentTimeMillis());
            agents.save(idle);
            if (!runtimeName.equals("pi")) {
                watchInbox(name, l); // pi's extension delivers its messages; Claude Code and Codex idle are woken here
            } else if (api.mesh().messenger().unread(name) == 0) {
                remindOfOpenAsks(name, l); // with messages waiting, pi's extension starts its turn with them
            }
            warmMemory();
            agents.event(name, "spawn", runtimeName + (idle.model() == null ? "" : " " + idle.model()) + (resume != null ? ", resumed" : ""));
            LOG.info("spawned {} on {} (pid {}, session {})", name, runtimeName, session.pid(), session.sessionId());
            return idle;
        }

        /**
         * Loads the embedding model in the background after the first spawn, so the first assignment's recall does
         * not wait for it (it can take seconds on a loaded machine).
         */
        private void warmMemory() {
            if (MEMORY_WARMED.compareAndSet(false, true)) {
                Thread.ofPlatform().daemon().name("memory-warm-up").start(() -> {
                    try {
                        api.memory().warmUp();
                    } catch (RuntimeException e) {
                        LOG.warn("the memory model did not load: {}", Texts.firstLine(String.valueOf(e.getMessage())));
                    }
                });
            }
        }

        /** Resumes {@code resume} when given; a session that cannot be resumed (never written, deleted) starts anew. */
        private AgentSession launch(AgentRuntime runtime, AgentSpec spec, String resume, String name) {
            if (resume == null) {
                return runtime.launch(spec);
            }
            try {
                return runtime.resume(spec, resume);
            } catch (MeshException e) {
                LOG.info("agent {}: session {} cannot be resumed ({}); starting a new one", name, resume, Texts.firstLine(e.getMessage()));
                agents.event(name, "agents.resume_failed", Texts.oneLine(e.getMessage(), 200));
                return runtime.launch(spec);
            }
        }

        /**
         * The agent's own memory folder, {@code .mesh/agent-memory/NAME/} (seed 003: it survives resume), made 0700 on
         * first use.
         */
        private Path memoryDir(String name) {
            Path dir = api.mesh().project().meshDir().resolve("agent-memory").resolve(name);
            try {
                Files.createDirectories(dir, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
            } catch (IOException e) {
                throw MeshException.unexpectedState("cannot create the memory folder " + dir + ": " + e.getMessage(), e);
            }
            return dir;
        }

        private String systemPrompt(String name, String extra, Path memoryDir) {
            String base = "You are " + name + ", a persistent agent on the agentmesh mesh. You get assignments as messages; when you"
                    + " have finished one, call pi_messenger with action \"agents.done\" and a short summary of what you did."
                    + " Your own notes folder, kept across restarts, is " + memoryDir + ".";
            return extra == null ? base : base + "\n\n" + extra;
        }

        @Override
        public synchronized Assigned assign(String name, String task, String workstream, String from) {
            Agents.checkAssignment(task, workstream);
            SpawnedAgent a = agents.get(name);
            Live l = live.get(name);
            if (l == null || a.status().equals(SpawnedAgent.STOPPED)) {
                throw MeshException.invalidInput("agent " + name + " is stopped; spawn it again (the same name resumes its session)");
            }
            if (from != null) {
                l.assignedBy = from;
            }
            Optional<String> over = api.budgets().reached(name);
            if (over.isPresent()) {
                synchronized (l.queue) {
                    l.queue.addLast(new String[]{task, workstream});
                    pause(name, l, over.get());
                    return new Assigned(a, true, l.queue.size(), 0, over.get());
                }
            }
            boolean waiting;
            synchronized (l.queue) {
                waiting = !l.queue.isEmpty();
            }
            if (waiting || a.status().equals(SpawnedAgent.ASSIGNED) || l.session.state() == AgentSession.State.WORKING) {
                int position;
                synchronized (l.queue) {
                    l.queue.addLast(new String[]{task, workstream});
                    position = l.queue.size();
                }
                if (waiting && l.session.state() == AgentSession.State.IDLE) {
                    // work waits behind older work on an idle agent (a budget just raised): the queue moves now
                    Thread.ofVirtual().name("agent-next-" + name).start(() -> next(name, l));
                }
                return new Assigned(a, true, position, 0, null);
            }
            Started started = start(name, l, task, workstream);
            return new Assigned(started.agent(), false, 0, started.recalled(), null);
        }

        private record Started(SpawnedAgent agent, int recalled) {
        }

        /**
         * Starts an assignment: the earlier summaries of its workstream that match it are recalled into its text
         * (seed 000: "On agents.assign, relevant prior summaries are recalled and injected"), and a corpus conversation
         * is begun for it.
         */
        private Started start(String name, Live l, String task, String workstream) {
            String ws = workstream == null ? DEFAULT_WORKSTREAM : workstream;
            List<dev.agentmesh.memory.Recalled> recalled = List.of();
            try {
                recalled = api.memory().recall(ws, task);
            } catch (RuntimeException e) {
                LOG.warn("agent {}: no recall for its assignment: {}", name, Texts.firstLine(String.valueOf(e.getMessage())));
            }
            String memory = api.memory().formatRecalled(recalled);
            String owed = api.asks().reminder(name).map(r -> "\n\n" + r).orElse("");
            String text = "[assignment" + (workstream == null ? "" : " " + workstream) + "] " + task
                    + (memory.isEmpty() ? "" : "\n\n" + memory)
                    + "\n\nWhen it is done, call pi_messenger with action \"agents.done\" and a summary." + owed;
            SpawnedAgent a0 = agents.get(name);
            // the conversation begins before the turn, so the turn's events (captured in order) land in it
            capture(l, () -> {
                endConversation(l, null);
                l.conversation = api.corpus().begin(name, a0.runtime(), a0.model(), null, l.systemPrompt);
                api.corpus().user(l.conversation, text);
            });
            try {
                l.session.prompt(text);
            } catch (MeshException busy) {
                // a turn began meanwhile (pi woke itself for a message): the assignment follows it
                l.session.followUp(text);
            }
            agents.event(name, "agents.assign", (workstream == null ? "" : "[" + workstream + "] ") + Texts.oneLine(task, 160)
                    + (recalled.isEmpty() ? "" : " (recalled " + recalled.size() + ")"));
            SpawnedAgent after = agents.update(name, a -> new SpawnedAgent(a.name(), a.runtime(), a.model(), a.profile(),
                    a.sessionId(), SpawnedAgent.ASSIGNED, workstream, task, null, a.pid(), a.createdAt(), System.currentTimeMillis()));
            return new Started(after, recalled.size());
        }

        /** Runs {@code work} on the agent's capture thread, after what was queued before; a failure is logged. */
        private void capture(Live l, Runnable work) {
            try {
                l.capture.execute(() -> {
                    try {
                        work.run();
                    } catch (RuntimeException e) {
                        LOG.warn("corpus capture failed: {}", Texts.firstLine(String.valueOf(e.getMessage())));
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException stopped) {
                // the agent stopped: nothing more to capture
            }
        }

        private void endConversation(Live l, String summary) {
            long id = l.conversation;
            l.conversation = -1;
            if (id >= 0) {
                try {
                    api.corpus().end(id, summary);
                } catch (MeshException gone) {
                    // data.retention removed it meanwhile: nothing left to end
                }
            }
        }

        @Override
        public SpawnedAgent done(String name, String summary) {
            if (summary != null && summary.length() > Agents.MAX_SUMMARY_CHARS) {
                throw MeshException.invalidInput("summary is " + summary.length() + " characters; the limit is " + Agents.MAX_SUMMARY_CHARS);
            }
            Live l = live.get(name);
            if (l == null) {
                throw MeshException.invalidInput(name + " is not a running spawned agent; agents.done is for them");
            }
            SpawnedAgent before = agents.get(name);
            SpawnedAgent after = agents.update(name, a -> new SpawnedAgent(a.name(), a.runtime(), a.model(), a.profile(),
                    a.sessionId(), SpawnedAgent.IDLE, a.workstream(), a.task(), summary, a.pid(), a.createdAt(), System.currentTimeMillis()));
            if (summary != null && !summary.isBlank() && before.status().equals(SpawnedAgent.ASSIGNED)) {
                // remembered before this returns: the next assignment of the workstream can recall it (seed 000)
                try {
                    api.memory().remember(name, before.workstream() == null ? DEFAULT_WORKSTREAM : before.workstream(), before.task(), summary);
                } catch (RuntimeException e) {
                    LOG.warn("agent {}: its summary was not remembered: {}", name, Texts.firstLine(String.valueOf(e.getMessage())));
                }
            }
            capture(l, () -> endConversation(l, summary));
            Progress p = l.session.progress();
            agents.event(name, "agents.done", (summary == null ? "" : Texts.oneLine(summary, 200) + " ")
                    + "(" + (p.inputTokens() + p.outputTokens()) + " tokens this session)");
            if (l.autoKillOnDone) {
                l.doneKill = true; // stopped when this turn ends and nothing more waits (next)
            }
            return after;
        }

        /** After each turn: the next queued assignment starts, else the agent is idle. */
        private void onEvent(String name, Live l, AgentEvent e) {
            if (e instanceof AgentEvent.Usage u) {
                l.turnIn += u.inputTokens();
                l.turnOut += u.outputTokens();
                l.turnUsd += Math.max(0, u.costUsd());
            }
            if (!(e instanceof AgentEvent.StateChanged)) {
                capture(l, () -> {
                    if (l.conversation >= 0) {
                        api.corpus().record(l.conversation, e);
                    }
                });
            }
            if (e instanceof AgentEvent.TurnEnded t) {
                if (!l.armedJobs.isEmpty()) {
                    List<Long> armed = List.copyOf(l.armedJobs);
                    l.armedJobs.clear();
                    Thread.ofVirtual().start(() -> {
                        try {
                            api.jobs().completeArmed(name, armed, t.ok() ? t.finalText() : null);
                        } catch (MeshException ex) {
                            LOG.warn("agent {}: cannot complete its jobs {}: {}", name, armed, ex.getMessage());
                        }
                    });
                }
                if (!t.ok() && !l.killed.get()) {
                    Thread.ofVirtual().start(() -> {
                        try {
                            agents.event(name, "agents.error", Texts.oneLine(String.valueOf(t.error()), 200));
                        } catch (MeshException ex) {
                            LOG.warn("agent {}: {}", name, ex.getMessage());
                        }
                    });
                }
                long in = l.turnIn;
                long out = l.turnOut;
                double usd = l.turnUsd;
                l.turnIn = 0;
                l.turnOut = 0;
                l.turnUsd = 0;
                Thread.ofVirtual().name("agent-next-" + name).start(() -> {
                    // the turn's usage counts before the next turn's budget check
                    if (in + out > 0 || usd > 0) {
                        try {
                            api.budgets().add(name, in, out, usd);
                        } catch (MeshException ex) {
                            LOG.warn("agent {}: usage not recorded: {}", name, ex.getMessage());
                        }
                    }
                    next(name, l);
                });
            } else if (e instanceof AgentEvent.StateChanged s && s.state() == AgentSession.State.STOPPED) {
                Thread.ofVirtual().name("agent-stopped-" + name).start(() -> stopped(name, l));
            }
        }

        /**
         * Work waits on a budget: a feed event, and a message to whoever assigned it (else to everyone), once until the
         * budget is raised. The turn in flight was never stopped (issue 6, part 7).
         */
        private void pause(String name, Live l, String why) {
            if (why.equals(l.paused)) {
                return;
            }
            l.paused = why;
            agents.event(name, "agents.budget", why);
            String text = "[mesh] " + name + " waits: " + why + ". Raise it with pi_messenger action \"agents.budget\""
                    + " (name: " + name + ", tokens or usd), or the project's without a name.";
            try {
                if (l.assignedBy != null && !l.assignedBy.equals(name)) {
                    api.mesh().messenger().send(name, List.of(l.assignedBy), text, null, null);
                    return;
                }
            } catch (MeshException gone) {
                // the assigner left: everyone is asked instead
            }
            try {
                api.mesh().messenger().broadcast(name, text);
            } catch (MeshException e) {
                LOG.warn("agent {}: cannot ask about its budget: {}", name, e.getMessage());
            }
        }

        @Override
        public void budgetChanged() {
            for (var e : live.entrySet()) {
                Live l = e.getValue();
                if (l.paused != null) {
                    Thread.ofVirtual().name("agent-budget-" + e.getKey()).start(() -> {
                        next(e.getKey(), l);
                        if (l.watch != null) {
                            deliver(e.getKey(), l);
                        }
                    });
                }
            }
        }

        private synchronized void next(String name, Live l) {
            if (l.killed.get() || live.get(name) != l || l.session.state() != AgentSession.State.IDLE) {
                return;
            }
            boolean waiting;
            synchronized (l.queue) {
                waiting = !l.queue.isEmpty();
            }
            Optional<String> over = waiting ? api.budgets().reached(name) : Optional.empty();
            if (over.isPresent()) {
                pause(name, l, over.get());
                agents.update(name, a -> a.status().equals(SpawnedAgent.ASSIGNED) ? a.withStatus(SpawnedAgent.IDLE, System.currentTimeMillis()) : a);
                return;
            }
            l.paused = null;
            String[] queued;
            synchronized (l.queue) {
                queued = l.queue.pollFirst();
            }
            if (queued == null && l.doneKill) {
                Thread.ofVirtual().name("agent-autokill-" + name).start(() -> {
                    try {
                        if (live.get(name) == l) {
                            kill(name);
                        }
                    } catch (MeshException e) {
                        LOG.warn("agent {}: autoKillOnDone: {}", name, e.getMessage());
                    }
                });
                return;
            }
            try {
                if (queued != null) {
                    try {
                        start(name, l, queued[0], queued[1]);
                    } catch (MeshException ex) {
                        synchronized (l.queue) {
                            l.queue.addFirst(queued); // not handed over: it stays first in line
                        }
                        throw ex;
                    }
                    return;
                }
                agents.update(name, a -> a.status().equals(SpawnedAgent.ASSIGNED) ? a.withStatus(SpawnedAgent.IDLE, System.currentTimeMillis()) : a);
                if (l.watch != null) {
                    deliver(name, l);
                }
            } catch (MeshException ex) {
                LOG.warn("agent {}: {}", name, ex.getMessage());
            }
        }

        private synchronized void stopped(String name, Live l) {
            if (live.get(name) != l) {
                return;
            }
            live.remove(name);
            close(l.watch);
            capture(l, () -> endConversation(l, null));
            l.capture.shutdown();
            // an agent that exited by itself may leave its tool's processes; stopping its session kills its tree
            l.session.stop(java.time.Duration.ZERO);
            try {
                agents.update(name, a -> a.withStatus(SpawnedAgent.STOPPED, System.currentTimeMillis()));
                if (!l.killed.get()) {
                    agents.event(name, "agents.exit", "its process ended");
                }
            } catch (MeshException ex) {
                LOG.warn("agent {}: {}", name, ex.getMessage());
            }
            leave(name);
        }

        /** An idle Claude Code or Codex agent is woken by its messages (they are its next turn); a working Codex is steered. */
        private void watchInbox(String name, Live l) {
            Agent agent = api.mesh().presence().whois(name);
            l.watch = db.notifier().subscribe(Notifier.inbox(agent.id()), () -> Thread.ofVirtual().start(() -> deliver(name, l)));
            deliver(name, l);
            remindOfOpenAsks(name, l);
        }

        /**
         * An agent (re)started idle with no new message but with asks it still owes (their messages reached its earlier
         * process, which a crash or a kill ended) gets them as its first turn: an open ask is never lost (seeds/004).
         */
        private synchronized void remindOfOpenAsks(String name, Live l) {
            if (l.killed.get() || live.get(name) != l || l.session.state() != AgentSession.State.IDLE || !l.queue.isEmpty()) {
                return;
            }
            try {
                if (api.budgets().reached(name).isPresent()) {
                    return;
                }
                Optional<String> owed = api.asks().reminder(name);
                if (owed.isPresent()) {
                    l.session.prompt(owed.get());
                    capture(l, () -> {
                        if (l.conversation >= 0) {
                            api.corpus().user(l.conversation, owed.get());
                        }
                    });
                }
            } catch (MeshException ex) {
                LOG.warn("agent {}: cannot remind it of its open asks: {}", name, ex.getMessage());
            }
        }

        /**
         * Hands the agent its pending messages: a new turn when idle; a steer into the running turn for Codex, which
         * has no hook of its own to take them (Claude Code's hooks do while it works).
         */
        private synchronized void deliver(String name, Live l) {
            boolean idle = l.session.state() == AgentSession.State.IDLE;
            boolean steer = !idle && l.session.state() == AgentSession.State.WORKING && l.session.runtime().equals("codex");
            if (l.killed.get() || live.get(name) != l || !(idle || steer)) {
                return;
            }
            try {
                Optional<String> over = idle ? api.budgets().reached(name) : Optional.empty();
                if (over.isPresent()) {
                    pause(name, l, over.get()); // its messages wait, unread, until the budget is raised
                    return;
                }
                Agent agent = api.mesh().presence().whois(name);
                List<Message> pending = api.mesh().messenger().pendingAfter(agent, 0, 50);
                if (pending.isEmpty()) {
                    return;
                }
                List<Long> ids = pending.stream().map(Message::id).toList();
                StringBuilder text = new StringBuilder("[mesh] " + pending.size() + " new message(s) for " + name + ":");
                for (Message m : pending) {
                    text.append("\n[mesh] message #").append(m.id()).append(" from ").append(Texts.escape(m.sender())).append(": ")
                            .append(Texts.escape(m.body()));
                }
                // open asks owed from before are re-surfaced on every turn until acked (seeds/004)
                api.asks().reminder(name, ids).ifPresent(r -> text.append("\n").append(r));
                // handed over first, acknowledged after: a crash in between shows them again, never loses them
                String prompt = text + "\n(answer with pi_messenger action \"send\")";
                if (steer) {
                    l.session.steer(prompt);
                } else {
                    l.session.prompt(prompt);
                }
                api.mesh().messenger().markDelivered(name, ids);
                // a durable job's ask handed over as this turn arms the job; the turn's end completes it
                l.armedJobs.addAll(api.jobs().armDelivered(name, ids));
                capture(l, () -> {
                    if (l.conversation >= 0) {
                        api.corpus().user(l.conversation, prompt);
                    }
                });
            } catch (MeshException ex) {
                LOG.warn("agent {}: cannot deliver its messages: {}", name, ex.getMessage());
            }
        }

        @Override
        public SpawnedAgent kill(String name) {
            SpawnedAgent a = agents.get(name);
            Live l = live.get(name);
            if (l == null) {
                return a;
            }
            l.killed.set(true);
            l.session.stop(AgentSession.DEFAULT_GRACE);
            stopped(name, l);
            agents.event(name, "agents.kill", a.runtime());
            return agents.get(name);
        }

        @Override
        public List<String> killAll() {
            List<String> killed = new ArrayList<>();
            for (String name : List.copyOf(live.keySet())) {
                kill(name);
                killed.add(name);
            }
            return killed;
        }

        @Override
        public Optional<AgentSession.State> sessionState(String name) {
            Live l = live.get(name);
            return l == null ? Optional.empty() : Optional.of(l.session.state());
        }

        @Override
        public Optional<Progress> progress(String name) {
            Live l = live.get(name);
            return l == null ? Optional.empty() : Optional.of(l.session.progress());
        }

        @Override
        public String logs(String name, int lines) {
            if (lines < 1 || lines > 10_000) {
                throw MeshException.invalidInput("limit " + lines + " is out of range 1..10000");
            }
            Path file = transcript(name);
            if (!Files.isRegularFile(file)) {
                return "";
            }
            try (var all = Files.lines(file)) {
                List<String> tail = new ArrayList<>();
                all.forEach(line -> {
                    String readable = Transcripts.readable(line);
                    if (readable != null) {
                        tail.add(readable);
                        if (tail.size() > lines) {
                            tail.removeFirst();
                        }
                    }
                });
                return String.join("\n", tail);
            } catch (IOException | java.io.UncheckedIOException e) {
                throw MeshException.unexpectedState("cannot read " + file + ": " + e.getMessage(), e);
            }
        }

        private void leave(String name) {
            try {
                api.mesh().presence().leave(name);
            } catch (MeshException e) {
                // it left already
            }
        }
    }

    private static void close(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            // a subscription's close cannot fail in a way that matters
        }
    }
}
