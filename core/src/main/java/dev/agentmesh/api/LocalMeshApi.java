package dev.agentmesh.api;

import static dev.agentmesh.api.Args.bool;
import static dev.agentmesh.api.Args.integer;
import static dev.agentmesh.api.Args.longArg;
import static dev.agentmesh.api.Args.str;
import static dev.agentmesh.api.Args.strList;

import dev.agentmesh.MeshException;
import dev.agentmesh.Texts;
import dev.agentmesh.crew.Crew;
import dev.agentmesh.crew.Plan;
import dev.agentmesh.crew.Task;
import dev.agentmesh.crew.TaskFormat;
import dev.agentmesh.crew.TaskSpec;
import dev.agentmesh.crew.Tasks;
import dev.agentmesh.mesh.Agent;
import dev.agentmesh.mesh.FeedEvent;
import dev.agentmesh.mesh.Feed;
import dev.agentmesh.mesh.Mesh;
import dev.agentmesh.mesh.Message;
import dev.agentmesh.mesh.Presence;
import dev.agentmesh.mesh.Reservation;
import dev.agentmesh.mesh.Reservations;
import dev.agentmesh.mesh.SwarmClaim;
import dev.agentmesh.project.MeshEnv;
import dev.agentmesh.project.Project;
import dev.agentmesh.store.Store;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * {@link MeshApi} over this process's services: the {@code pi_messenger} actions of pi-messenger (seeds/001) on a
 * project's {@link Mesh} and {@link Crew}. Used by the supervisor, and by every face when the supervisor is off
 * ({@code MESH_SERVE=off}). Results carry {@link Wire} records as data. Thread-safe.
 *
 * <p>Actions: coordination ({@code join leave list status whois feed set_status send broadcast inbox reserve
 * release reservations rename}) and crew tasks ({@code task.list task.ready task.show task.start task.done
 * task.block task.unblock task.reset crew.status crew.validate}).
 */
public final class LocalMeshApi implements MeshApi, AutoCloseable {
    /** Longest reservation TTL, in seconds: one week. */
    public static final int MAX_TTL_SECONDS = 7 * 24 * 3600;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Store store;
    private final boolean ownsStore;
    private final Mesh mesh;
    private final Crew crew;
    private final Tasks tasks;
    private final Map<String, BiFunction<Caller, JsonNode, ApiResult>> actions = new LinkedHashMap<>();
    private final dev.agentmesh.agents.Agents agents;
    private volatile dev.agentmesh.agents.AgentHost host;
    private final dev.agentmesh.memory.AgentMemory memory;
    private final dev.agentmesh.agents.Budgets budgets;
    private final dev.agentmesh.corpus.Corpus corpus;
    private final dev.agentmesh.team.TeamRuns teamRuns;
    private volatile dev.agentmesh.team.TeamHost teamHost;
    private final dev.agentmesh.orchestrator.Asks asks;
    private final dev.agentmesh.orchestrator.Jobs jobs;
    private final dev.agentmesh.orchestrator.Schedules schedules;
    private final dev.agentmesh.orchestrator.ReviewQueue reviews;

    /**
     * Opens the store of {@code env} and the services of its project; {@link #close} closes the store.
     *
     * @throws MeshException (unexpected state) if the store cannot be opened
     */
    public static LocalMeshApi open(MeshEnv env) {
        return new LocalMeshApi(env.openStore(), env.project(), true);
    }

    /** @return the API over {@code project} in an open {@code store}, which stays open on {@link #close} */
    public static LocalMeshApi create(Store store, Project project) {
        return new LocalMeshApi(store, project, false);
    }

    private LocalMeshApi(Store store, Project project, boolean ownsStore) {
        this.store = store;
        this.ownsStore = ownsStore;
        this.mesh = Mesh.create(store, project);
        this.crew = Crew.create(store, mesh);
        this.tasks = crew.tasks();
        this.agents = new dev.agentmesh.agents.Agents(store, project.key());
        this.memory = new dev.agentmesh.memory.AgentMemory(store, project.key());
        this.budgets = new dev.agentmesh.agents.Budgets(store, project.key());
        this.corpus = new dev.agentmesh.corpus.Corpus(store, project.key(), dataPolicy(project));
        this.teamRuns = new dev.agentmesh.team.TeamRuns(store, project.key());
        this.asks = new dev.agentmesh.orchestrator.Asks(store, project.key());
        this.jobs = new dev.agentmesh.orchestrator.Jobs(store, project.key());
        this.schedules = new dev.agentmesh.orchestrator.Schedules(store, project.key());
        actions.put("join", this::join);
        actions.put("leave", (s, a) -> {
            int n = mesh.presence().leave(me(s));
            return result(me(s) + " left the mesh; " + n + " reservation(s) released", obj().put("released", n));
        });
        actions.put("list", (s, a) -> {
            String circle = listCircle(s, a); // issue 8: the caller's circle unless circle names one ("*": every one)
            return agents(mesh.presence().list(bool(a, "all"), circle),
                    s.agent() != null && mesh.presence().authenticates(s.agent(), s.token()) ? s.agent() : null, circle);
        });
        actions.put("status", this::status);
        actions.put("whois", (s, a) -> whois(str(a, "name", true)));
        actions.put("feed", (s, a) -> feed(mesh.feed().latest(integer(a, "limit", Feed.DEFAULT_LIMIT))));
        actions.put("set_status", (s, a) -> {
            Agent ag = mesh.presence().setStatus(me(s), str(a, "message", false));
            return result(ag.statusMessage() == null ? "status cleared" : "status: " + Texts.escape(ag.statusMessage()), tree(Wire.AgentWire.of(ag)));
        });
        actions.put("send", (s, a) -> sent(mesh.messenger().send(me(s), strList(a, "to", true), str(a, "message", true),
                longArg(a, "replyTo"), str(a, "idempotencyKey", false))));
        actions.put("broadcast", (s, a) -> sent(mesh.messenger().broadcast(me(s), str(a, "message", true))));
        actions.put("inbox", (s, a) -> inbox(mesh.messenger().inbox(me(s), integer(a, "limit", 50), bool(a, "peek"))));
        actions.put("inbox.ack", (s, a) -> {
            int n = mesh.messenger().markDelivered(me(s), Args.ids(a, "ids"));
            return result("acknowledged " + n + " message(s)", obj().put("acknowledged", n));
        });
        actions.put("reserve", (s, a) -> {
            List<Reservation> r = mesh.reservations().reserve(me(s), s.cwd(), strList(a, "paths", true),
                    str(a, "reason", false), exclusive(a), ttl(a));
            return result("reserved " + String.join(", ", r.stream().map(Reservation::pattern).toList()), tree(r.stream().map(Wire.ReservationWire::of).toList()));
        });
        actions.put("release", (s, a) -> {
            List<String> released = mesh.reservations().release(me(s), s.cwd(), strList(a, "paths", false));
            return result(released.isEmpty() ? "nothing to release" : "released " + String.join(", ", released),
                    tree(released));
        });
        actions.put("reservations", (s, a) -> reservations(mesh.reservations().list()));
        actions.put("reservations.check", (s, a) -> check(mesh.reservations().check(s.agent(), s.cwd(), strList(a, "paths", true))));
        actions.put("rename", (s, a) -> {
            Agent ag = mesh.presence().rename(me(s), str(a, "name", true));
            s.agent(ag.name());
            return result("you are now " + ag.name(), tree(Wire.AgentWire.of(ag)));
        });
        actions.put("swarm", (s, a) -> swarm(mesh.swarm().status(s.cwd(), str(a, "spec", false))));
        actions.put("claim", (s, a) -> {
            SwarmClaim c = mesh.swarm().claim(me(s), s.cwd(), str(a, "taskId", true), str(a, "spec", false));
            return result("claimed " + c.taskId() + (c.spec().isEmpty() ? "" : " of " + c.spec()), tree(Wire.SwarmClaimWire.of(c)));
        });
        actions.put("unclaim", (s, a) -> {
            String task = str(a, "taskId", true);
            mesh.swarm().unclaim(me(s), s.cwd(), task, str(a, "spec", false));
            return result("released the claim of " + task, obj().put("taskId", task).put("released", true));
        });
        actions.put("complete", (s, a) -> {
            SwarmClaim c = mesh.swarm().complete(me(s), s.cwd(), str(a, "taskId", true), str(a, "spec", false),
                    str(a, "result", false));
            return result("completed " + c.taskId() + (c.spec().isEmpty() ? "" : " of " + c.spec()), tree(Wire.SwarmClaimWire.of(c)));
        });
        actions.put("task.list", (s, a) -> taskList(tasks.list()));
        actions.put("task.ready", (s, a) -> taskList(tasks.ready()));
        actions.put("task.show", (s, a) -> taskShow(tasks.show(str(a, "id", true))));
        actions.put("task.start", (s, a) -> taskShow(tasks.start(str(a, "id", true), me(s), null)));
        actions.put("task.done", (s, a) -> taskShow(tasks.done(str(a, "id", true), me(s), str(a, "summary", false))));
        actions.put("task.block", (s, a) -> taskShow(tasks.block(str(a, "id", true), s.agent(), str(a, "reason", true))));
        actions.put("task.unblock", (s, a) -> taskShow(tasks.unblock(str(a, "id", true), s.agent())));
        actions.put("task.reset", (s, a) -> taskList(tasks.reset(str(a, "id", true), s.agent(), bool(a, "cascade"))));
        actions.put("crew.status", (s, a) -> crewStatus());
        actions.put("crew.validate", (s, a) -> {
            List<Task> all = tasks.list();
            Plan.validate(all.stream().map(t -> new TaskSpec(t.id(), t.title(), t.description(), t.dependsOn())).toList());
            return result("plan is valid: " + all.size() + " tasks, dependencies known, no cycle", obj().put("valid", true));
        });
        actions.put("spawn", (s, a) -> {
            var request = new dev.agentmesh.agents.AgentHost.SpawnRequest(str(a, "name", false), str(a, "runtime", false),
                    str(a, "model", false), str(a, "thinking", false), str(a, "profile", false), str(a, "prompt", false),
                    bool(a, "autoKillOnDone"));
            dev.agentmesh.agents.Agents.check(request);
            if (request.profile() != null) {
                // an unknown or broken profile is refused before anything starts, with or without a supervisor
                dev.agentmesh.agents.AgentProfiles.forProject(mesh.project().root(), System.getenv()).get(request.profile());
            }
            String session = str(a, "session", false);
            if (session != null) {
                checkLabel(session, "session"); // before anything starts
            }
            var spawned = host("spawn").spawn(request);
            if (session != null || agents.session(spawned.name()) == null) {
                agents.setSession(spawned.name(), session == null ? defaultLabel() : session);
            }
            return spawned(spawned, "spawned");
        });
        actions.put("agents.assign", (s, a) -> {
            dev.agentmesh.agents.Agents.checkAssignment(str(a, "task", true), str(a, "workstream", false));
            agents.get(str(a, "name", true));
            var r = host("agents.assign").assign(str(a, "name", true), str(a, "task", true), str(a, "workstream", false), s.agent());
            return spawned(r.agent(), r.paused() != null ? "paused; the task waits (position " + r.position() + "): " + r.paused()
                    + "; raise it with action agents.budget"
                    : r.queued() ? "busy; the task is queued (position " + r.position() + ")"
                    : "assigned" + (r.recalled() > 0 ? " with " + r.recalled() + " recalled memor" + (r.recalled() == 1 ? "y" : "ies") : ""));
        });
        actions.put("agents.check", (s, a) -> spawned(agents.get(str(a, "name", true)), null));
        actions.put("agents.list", (s, a) -> spawnedList());
        actions.put("agents.logs", (s, a) -> {
            String name = agents.get(str(a, "name", true)).name();
            String text = host("agents.logs").logs(name, integer(a, "limit", 200));
            return result(text.isEmpty() ? "no transcript for " + name + " yet" : text, JSON.createObjectNode().put("name", name).put("text", text));
        });
        actions.put("agents.attach", (s, a) -> {
            // a tool call cannot stream: it hands over where the agent is and how to follow it; mesh agents attach
            // follows its transcript live and sends what is typed
            String name = agents.get(str(a, "name", true)).name();
            String recent = host("agents.attach").logs(name, integer(a, "limit", 20));
            ApiResult state = spawned(agents.get(name), "attached to");
            return result(state.text() + "\n" + (recent.isEmpty() ? "(no transcript yet)" : recent)
                    + "\nsend to it with action send (to: " + name + "); a steer while it works, a new turn when idle."
                    + " From a terminal: mesh agents attach " + name, state.data());
        });
        actions.put("agents.kill", (s, a) -> spawned(host("agents.kill").kill(str(a, "name", true)), "killed"));
        actions.put("agents.killall", (s, a) -> {
            List<String> killed = host("agents.killall").killAll();
            return result(killed.isEmpty() ? "no spawned agent was running" : "killed " + String.join(", ", killed), tree(killed));
        });
        actions.put("agents.done", (s, a) -> spawned(host("agents.done").done(me(s), str(a, "summary", false)), "done"));
        actions.put("agents.budget", (s, a) -> {
            // issue 6, part 7: a limit per agent (name) or for the project (no name); without tokens or usd, the usage
            String name = str(a, "name", false);
            if (name != null) {
                agents.get(name);
            }
            if (a.has("tokens") || a.has("usd")) {
                Double t = Args.number(a, "tokens");
                if (t != null && (t != Math.rint(t))) {
                    throw MeshException.invalidInput("parameter 'tokens' must be a whole number, not " + t);
                }
                var before = budgets.of(name);
                // a limit not given stays as it was; null removes it
                Long tokens = !a.has("tokens") ? before.budgetTokens() : t == null ? null : (long) Math.min(t, (double) dev.agentmesh.agents.Budgets.MAX_TOKENS + 1);
                Double usd = !a.has("usd") ? before.budgetUsd() : Args.number(a, "usd");
                budgets.setBudget(name, tokens, usd);
                dev.agentmesh.agents.AgentHost h = host;
                if (h != null) {
                    h.budgetChanged();
                }
            }
            var u = budgets.of(name);
            return result((name == null ? "project" : name) + ": " + u.describe() + u.reached().map(w -> "; reached: " + w).orElse(""),
                    tree(u));
        });
        actions.put("agents.resume", (s, a) -> {
            // seed 003, Resume: the same name on its runtime session, provider and model; then its new task, if any
            var known = agents.get(str(a, "name", true));
            String task = str(a, "task", false);
            dev.agentmesh.agents.Agents.checkAssignment(task == null ? "-" : task, str(a, "workstream", false));
            var h = host("agents.resume");
            var resumed = known.status().equals(dev.agentmesh.agents.SpawnedAgent.STOPPED)
                    ? h.spawn(new dev.agentmesh.agents.AgentHost.SpawnRequest(known.name(), null, null, null, known.profile(), null))
                    : known;
            if (task == null) {
                return spawned(resumed, "resumed");
            }
            var r = h.assign(known.name(), task, str(a, "workstream", false), s.agent());
            return spawned(r.agent(), "resumed and " + (r.queued() ? "queued (position " + r.position() + ")" : "assigned"));
        });
        actions.put("agents.delete", (s, a) -> {
            String session = str(a, "session", false);
            String name = str(a, "name", session == null);
            List<String> names = session != null ? agents.inSession(checkLabel(session, "session")) : List.of(agents.get(name).name());
            dev.agentmesh.agents.AgentHost h = host;
            for (String n : names) {
                if (h != null) {
                    h.kill(n);
                }
                agents.delete(n);
                agents.event(n, "agents.delete", session == null ? null : "session " + session);
            }
            String what = session != null ? "deleted " + names.size() + " agent(s) of session '" + Texts.escape(session) + "'"
                    + (names.isEmpty() ? "" : ": " + String.join(", ", names)) : "deleted " + names.getFirst();
            return result(what, tree(names));
        });
        actions.put("agents.export", (s, a) -> {
            java.nio.file.Path file = DataActions.exportFile(mesh.project(), str(a, "out", false), java.nio.file.Path.of(".mesh/subagents.json"));
            String session = checkLabel(str(a, "session", false) == null ? defaultLabel() : str(a, "session", false), "session");
            ObjectNode json = agents.subagentsJson(session);
            DataActions.writePrivate(file, w -> {
                try {
                    w.write(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(json) + "\n");
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            return result("wrote " + json.path("agents").size() + " agent(s) of session '" + Texts.escape(session) + "' to " + file,
                    obj().put("out", file.toString()).set("registry", json));
        });
        new DataActions(memory, corpus, project).register(actions);
        new TeamActions(project, teamRuns, () -> teamHost).register(actions);
        this.reviews = new dev.agentmesh.orchestrator.ReviewQueue(store, project, mesh.presence());
        new OrchestratorActions(asks, jobs, schedules, reviews).register(actions);
        new ReviewActions(reviews, new dev.agentmesh.orchestrator.Timeline(store, project.key())).register(actions);
        new RoleActions(store, mesh).register(actions);
        if (!List.copyOf(actions.keySet()).equals(ACTIONS)) {
            throw new IllegalStateException("ACTIONS is out of step with the handlers: " + actions.keySet());
        }
    }

    /** @return the mesh services (presence, messages, reservations, feed) */
    public Mesh mesh() {
        return mesh;
    }

    /** @return the crew services (tasks, runs) */
    public Crew crew() {
        return crew;
    }

    /** Closes the store when this API opened it. */
    @Override
    public void close() {
        if (ownsStore) {
            store.close();
        }
    }

    /**
     * Runs one action.
     *
     * @param session the caller; {@code join} and {@code rename} update its agent name
     * @param args    a JSON object with {@code action} and the action's parameters
     * @return the result, with a notice of unread messages appended for a joined caller
     * @throws MeshException (invalid input) for a missing or unknown action or a bad parameter, and whatever the
     *                       action throws
     */
    @Override
    public ApiResult call(Caller session, JsonNode args) {
        if (args == null || !args.isObject()) {
            throw MeshException.invalidInput("pi_messenger takes a JSON object with an 'action'");
        }
        String action = str(args, "action", true);
        var handler = actions.get(action);
        if (handler == null) {
            throw MeshException.invalidInput("unknown action '" + action + "'; known actions: " + String.join(", ", actions.keySet()));
        }
        boolean open = PUBLIC_READS.contains(action);
        // one read before the action: the token check and the count for the unread notice
        Presence.CallerCheck who = session.agent() == null || action.equals("join") ? null
                : mesh.presence().check(session.agent(), session.token());
        // every action as an agent but join and the open reads needs the agent's token (issue 5, part 3)
        if (who != null && !open) {
            who.requireAuthenticated();
        }
        if (OPERATOR_ACTIONS.contains(action) && session.agent() != null && agents.find(session.agent()).isPresent()
                && !(action.equals("agents.budget") && !args.has("tokens") && !args.has("usd"))) {
            // authority is enforced: the agents a budget or the data policy governs do not change them
            throw MeshException.invalidInput(action + " is for whoever runs the agents; " + session.agent()
                    + " is a spawned agent and may not call it");
        }
        ApiResult r = handler.apply(session, args);
        if (session.agent() != null && !action.equals("inbox") && !action.equals("leave")) {
            // the notice tells the agent itself only: after an open read, only if the caller proves it is the agent.
            // Most actions leave their caller's inbox as it was, so the count from before holds; after a rename, an
            // inbox.ack or a send to itself it is counted again
            boolean changed = action.equals("rename") || action.equals("inbox.ack")
                    || (action.equals("send") && strList(args, "to", false).contains(session.agent()));
            int unread = who != null && !changed ? who.unread() : unreadOf(session.agent());
            boolean itself = !open || (who != null ? who.authenticated() : mesh.presence().authenticates(session.agent(), session.token()));
            String notice = "";
            if (unread > 0 && itself) {
                notice = "\n\n" + NOTICE + unread + " unread message(s) for " + session.agent()
                        + ": call pi_messenger with action \"inbox\" to read them.";
            }
            int owed = itself && !action.equals("ask_list") ? asks.openCount(session.agent()) : 0;
            if (owed > 0) {
                // an open ask is re-surfaced until it is really acked (seeds/004)
                notice += "\n\n" + ASK_NOTICE + owed + " open ask(s) owed by " + session.agent()
                        + ": ask_list shows them; close each with ack {\"id\": ID, \"message\": \"your reply\"}.";
            }
            if (!notice.isEmpty()) {
                return new ApiResult(r.text() + notice, r.data());
            }
        }
        return r;
    }

    /**
     * Lets {@code spawn} and the {@code agents.*} actions reach the host of persistent agents (the supervisor sets
     * itself; without one they are refused).
     */
    public void agentHost(dev.agentmesh.agents.AgentHost host) {
        this.host = host;
    }

    /** Lets {@code team.start}, {@code team.message} and {@code team.cancel} reach the supervisor's team runner. */
    public void teamHost(dev.agentmesh.team.TeamHost host) {
        this.teamHost = host;
    }

    /** @return the project's asks (seeds/004) */
    public dev.agentmesh.orchestrator.Asks asks() {
        return asks;
    }

    /** @return the project's durable jobs (seeds/004) */
    public dev.agentmesh.orchestrator.Jobs jobs() {
        return jobs;
    }

    /** @return the project's schedules (seeds/004) */
    public dev.agentmesh.orchestrator.Schedules schedules() {
        return schedules;
    }

    /** @return the project's {@code agent_team} runs in the store */
    public dev.agentmesh.team.TeamRuns teamRuns() {
        return teamRuns;
    }

    /**
     * The data policy from the config ({@code data.training} puts this project on the allow-list, {@code
     * data.retentionDays}); a config that does not load gives the defaults here, and its error where it is used.
     */
    private static dev.agentmesh.corpus.DataPolicy dataPolicy(dev.agentmesh.project.Project project) {
        dev.agentmesh.project.MeshConfig.Data data;
        try {
            data = dev.agentmesh.project.MeshConfig.load(java.nio.file.Path.of(System.getenv().getOrDefault("HOME", System.getProperty("user.home"))), project).data();
        } catch (MeshException e) {
            data = dev.agentmesh.project.MeshConfig.Data.defaults();
        }
        var policy = dev.agentmesh.corpus.DataPolicy.defaults().withRetentionDays(data.retentionDays());
        return data.training() ? policy.withTrainingProjects(java.util.Set.of(project.key())) : policy;
    }

    /** @return the project folder's name: the default session and corpus label */
    private String defaultLabel() {
        var f = mesh.project().root().getFileName();
        return f == null ? mesh.project().key() : f.toString();
    }

    /** @throws MeshException (invalid input) for a blank label, one over 128 characters or with control characters */
    static String checkLabel(String label, String what) {
        if (label.isBlank() || label.length() > 128 || label.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7f)) {
            throw MeshException.invalidInput(what + " '" + Texts.quote(label, 40) + "' must be 1..128 characters without control characters");
        }
        return label;
    }

    /** @return the usage and budgets of this project's spawned agents (issue 6, part 7) */
    public dev.agentmesh.agents.Budgets budgets() {
        return budgets;
    }

    /** @return the memory of this project's spawned agents (seed 000) */
    public dev.agentmesh.memory.AgentMemory memory() {
        return memory;
    }

    /** @return the training corpus of this project, under its data policy (seed 000) */
    public dev.agentmesh.corpus.Corpus corpus() {
        return corpus;
    }

    /** @return the persistent-agent registry of this project */
    public dev.agentmesh.agents.Agents agents() {
        return agents;
    }

    private dev.agentmesh.agents.AgentHost host(String action) {
        dev.agentmesh.agents.AgentHost h = host;
        if (h == null) {
            throw MeshException.invalidInput(action + " needs the supervisor, which runs spawned agents: MESH_SERVE=off has none");
        }
        return h;
    }

    private ApiResult spawned(dev.agentmesh.agents.SpawnedAgent a, String what) {
        dev.agentmesh.agents.AgentHost h = host;
        var p = h == null ? null : h.progress(a.name()).orElse(null);
        String text = (what == null ? "" : what + ": ") + a.name() + " (" + a.runtime() + (a.model() == null ? "" : " " + a.model())
                + ") " + a.status() + (a.task() == null ? "" : "\n  task: " + Texts.oneLine(a.task(), 200))
                + (a.workstream() == null ? "" : " [" + Texts.escape(a.workstream()) + "]")
                + (a.summary() == null ? "" : "\n  done: " + Texts.oneLine(a.summary(), 200))
                + (p == null ? "" : "\n  " + p.toolCalls() + " tool call(s), " + (p.inputTokens() + p.outputTokens()) + " tokens, last activity "
                + Texts.clock(p.lastActivity()));
        var usage = budgets.of(a.name());
        if (usage.tokens() > 0 || usage.budgetTokens() != null || usage.budgetUsd() != null) {
            text += "\n  usage: " + usage.describe() + usage.reached().map(w -> "; reached: " + w).orElse("");
        }
        JsonNode data = tree(Wire.SpawnedWire.of(a, p));
        if (data instanceof ObjectNode o) {
            o.set("usage", tree(usage));
            if (h != null) {
                h.sessionState(a.name()).ifPresent(st -> o.put("session", st.name().toLowerCase(java.util.Locale.ROOT)));
            }
        }
        return result(text, data);
    }

    private ApiResult spawnedList() {
        List<dev.agentmesh.agents.SpawnedAgent> all = agents.list();
        StringBuilder sb = new StringBuilder(all.isEmpty() ? "no spawned agents" : String.format(java.util.Locale.ROOT,
                "%-20s %-8s %-28s %-9s %s", "NAME", "RUNTIME", "MODEL", "STATUS", "CREATED"));
        List<Wire.SpawnedWire> wires = new java.util.ArrayList<>();
        dev.agentmesh.agents.AgentHost h = host;
        for (var a : all) {
            sb.append(String.format(java.util.Locale.ROOT, "%n%-20s %-8s %-28s %-9s %s", a.name(), a.runtime(),
                    a.model() == null ? "(default)" : a.model(), a.status(), Texts.clock(a.createdAt())));
            wires.add(Wire.SpawnedWire.of(a, h == null ? null : h.progress(a.name()).orElse(null)));
        }
        return result(sb.toString(), tree(wires));
    }

    /**
     * Actions a spawned agent may not call (issue 6, parts 5 and 7): its own budget and the project's (reading them is
     * fine), the data policy and the corpus, the memory, and removing agents.
     */
    private static final java.util.Set<String> OPERATOR_ACTIONS = java.util.Set.of("agents.budget", "agents.delete",
            "agents.killall", "agents.memory.reset", "data.session", "data.export", "data.retention");

    /** How the open-asks notice appended to a result's text begins. */
    public static final String ASK_NOTICE = "[mesh] ";

    /** How the unread notice appended to a result's text begins. */
    public static final String NOTICE = "[mesh] ";

    /**
     * Actions that show only what every member of the project may see (the roster, the feed, reservations, tasks),
     * so they run without the caller's token: a git hook asks {@code reservations.check} as {@code $MESH_AGENT}
     * from a process that never joined. Without the token the unread notice is left out. {@code reservations.check}
     * leaves out the named agent's own leases without proof that the caller is that agent: the git guard guards
     * against mistakes, not against a process that lies about its name (which could skip the hook anyway).
     */
    private static final java.util.Set<String> PUBLIC_READS = java.util.Set.of("list", "status", "whois", "feed",
            "reservations", "reservations.check", "swarm", "task.list", "task.ready", "task.show", "crew.status",
            "crew.validate", "agents.list", "agents.check");

    private int unreadOf(String agent) {
        try {
            return mesh.messenger().unread(agent);
        } catch (MeshException e) {
            return 0;
        }
    }

    private ApiResult join(Caller s, JsonNode a) {
        String name = str(a, "name", false);
        String joining = name != null ? name : s.agent();
        // the caller's token counts only for the name it belongs to
        String presented = joining != null && joining.equals(s.agent()) ? s.token() : null;
        Presence.Joined j = mesh.presence().joinWithToken(new Presence.JoinRequest(joining, s.pid(),
                s.cwd().toString(), s.runtime(), s.model(), mesh.project().branch(), str(a, "circle", false)), presented);
        Agent ag = j.agent();
        s.agent(ag.name());
        s.token(j.token());
        int peers = mesh.presence().list(false).size() - 1;
        // the token goes to the caller (s.token), never into the result: a model reads results, and a secret in its
        // context could be talked out of it; the HTTP API and the CLI's --json hand it to the program that joined
        return result("joined as " + ag.name() + " (" + peers + " peer(s)) in " + mesh.project().root(), tree(Wire.AgentWire.of(ag)));
    }

    private ApiResult status(Caller s, JsonNode a) {
        ObjectNode data = obj();
        StringBuilder text = new StringBuilder();
        if (s.agent() != null) {
            Agent me = mesh.presence().whois(s.agent());
            List<Reservation> mine = mesh.reservationsOf(me.name());
            data.set("agent", tree(Wire.AgentWire.of(me)));
            data.set("reservations", tree(mine.stream().map(Wire.ReservationWire::of).toList()));
            text.append("you are ").append(me.name()).append(me.present() ? "" : " (left)")
                    .append(me.statusMessage() == null ? "" : ": " + Texts.escape(me.statusMessage()))
                    .append("; reservations: ").append(mine.isEmpty() ? "none" : String.join(", ", mine.stream().map(Reservation::pattern).toList()))
                    .append('\n');
        }
        ApiResult crew = crewStatus();
        data.set("crew", crew.data());
        return result(text + crew.text(), data);
    }

    private ApiResult whois(String name) {
        Agent a = mesh.presence().whois(name);
        List<Reservation> r = mesh.reservationsOf(name);
        ObjectNode data = (ObjectNode) tree(Wire.AgentWire.of(a));
        data.set("reservations", tree(r.stream().map(Wire.ReservationWire::of).toList()));
        String text = a.name() + (a.present() ? "" : " (left)") + "\n  runtime " + nz(a.runtime()) + ", model " + nz(a.model())
                + ", branch " + nz(a.branch()) + ", pid " + nz(a.pid()) + " on " + nz(a.host())
                + "\n  cwd " + nz(a.cwd())
                + (a.statusMessage() == null ? "" : "\n  status: " + Texts.escape(a.statusMessage()))
                + (a.circle() == null ? "" : "\n  circle " + a.circle())
                + RoleActions.describing(a, "\n  working on: ")
                + "\n  reservations: " + (r.isEmpty() ? "none" : String.join(", ", r.stream().map(Reservation::pattern).toList()));
        return result(text, data);
    }

    /**
     * The roster; {@code me} (the authenticated caller, or null) is marked "(you)"; {@code circle} the circle it is
     * scoped to, or null for none.
     */
    private static ApiResult agents(List<Agent> list, String me, String circle) {
        StringBuilder sb = new StringBuilder(list.size() + " agent(s)" + (circle == null ? ""
                : " in circle " + circle + " or in none (circle: \"*\" lists every circle)"));
        for (Agent a : list) {
            sb.append("\n  ").append(a.name()).append(a.name().equals(me) ? " (you)" : "").append(a.present() ? "" : " (left)").append("  ").append(nz(a.runtime()))
                    .append(a.model() == null ? "" : " " + a.model())
                    .append(a.branch() == null ? "" : " @" + a.branch())
                    .append(a.statusMessage() == null ? "" : "  \"" + Texts.escape(a.statusMessage()) + "\"")
                    .append(a.circle() == null ? "" : "  [" + a.circle() + "]")
                    .append(RoleActions.describing(a, "  working on: "));
        }
        return result(sb.toString(), tree(list.stream().map(Wire.AgentWire::of).toList()));
    }

    private static ApiResult reservations(List<Reservation> all) {
        StringBuilder sb = new StringBuilder(all.isEmpty() ? "no reservations" : "");
        for (Reservation r : all) {
            sb.append(String.format("%-30s %-14s %-9s since %s%s%n", r.pattern(), r.holder(), r.exclusive() ? "exclusive" : "shared",
                    Texts.clock(r.createdAt()), r.reason() == null ? "" : "  " + Texts.escape(r.reason())));
        }
        return result(sb.toString().stripTrailing(), tree(all.stream().map(Wire.ReservationWire::of).toList()));
    }

    private static ApiResult check(List<Reservations.Conflict> conflicts) {
        ObjectNode data = obj().put("free", conflicts.isEmpty());
        var list = data.putArray("conflicts");
        for (Reservations.Conflict c : conflicts) {
            ObjectNode o = list.addObject().put("path", c.path()).put("message", c.refusal());
            o.set("reservation", tree(Wire.ReservationWire.of(c.held())));
        }
        return result(conflicts.isEmpty() ? "free: no other agent holds these paths"
                : String.join("\n", conflicts.stream().map(Reservations.Conflict::refusal).toList()), data);
    }

    private static ApiResult swarm(List<SwarmClaim> claims) {
        StringBuilder sb = new StringBuilder(claims.isEmpty() ? "swarm: no claims" : "swarm: " + claims.stream()
                .filter(SwarmClaim::completed).count() + " completed, " + claims.stream().filter(c -> !c.completed()).count()
                + " claimed");
        for (SwarmClaim c : claims) {
            sb.append("\n  ").append(String.format("%-20s %-10s %-14s since %s", c.taskId(), c.completed() ? "completed" : "claimed",
                    c.holder(), Texts.clock(c.claimedAt()))).append(c.spec().isEmpty() ? "" : "  (" + c.spec() + ")")
                    .append(c.result() == null ? "" : ": " + Texts.oneLine(Texts.escape(c.result()), 80));
        }
        return result(sb.toString(), tree(claims.stream().map(Wire.SwarmClaimWire::of).toList()));
    }

    private static boolean exclusive(JsonNode a) {
        String mode = str(a, "mode", false);
        if (mode != null && !mode.equals("exclusive") && !mode.equals("shared")) {
            throw MeshException.invalidInput("parameter 'mode' must be exclusive or shared, not '" + mode + "'");
        }
        return !"shared".equals(mode);
    }

    private static Duration ttl(JsonNode a) {
        int seconds = integer(a, "ttl", 0);
        if (seconds < 0 || seconds > MAX_TTL_SECONDS) {
            throw MeshException.invalidInput("parameter 'ttl' is " + seconds + " s; it must be 1.." + MAX_TTL_SECONDS + " s (or absent for no TTL)");
        }
        return seconds == 0 ? null : Duration.ofSeconds(seconds);
    }

    private static ApiResult feed(List<FeedEvent> events) {
        List<Wire.FeedEventWire> wire = events.stream().map(Wire.FeedEventWire::of).toList();
        return result(events.isEmpty() ? "feed is empty" : String.join("\n", wire.stream().map(Wire.FeedEventWire::line).toList()),
                tree(wire));
    }

    private static ApiResult sent(Message m) {
        return result("sent #" + m.id() + " to " + (m.recipients().isEmpty() ? "nobody (no one else is here)"
                : String.join(", ", m.recipients())), tree(Wire.MessageWire.of(m)));
    }

    private static ApiResult inbox(List<Message> msgs) {
        StringBuilder sb = new StringBuilder(msgs.isEmpty() ? "no new messages" : msgs.size() + " message(s)");
        for (Message m : msgs) {
            sb.append('\n').append(Wire.MessageWire.of(m).line());
        }
        return result(sb.toString(), tree(msgs.stream().map(Wire.MessageWire::of).toList()));
    }

    private static ApiResult taskList(List<Task> list) {
        StringBuilder sb = new StringBuilder(list.isEmpty() ? "no tasks" : "");
        for (Task t : list) {
            sb.append(TaskFormat.line(t)).append('\n');
        }
        return result(sb.toString().stripTrailing(), tree(list.stream().map(Wire.TaskWire::of).toList()));
    }

    private static ApiResult taskShow(Task t) {
        return result(TaskFormat.detail(t), tree(Wire.TaskWire.of(t)));
    }

    private ApiResult crewStatus() {
        Map<Task.Status, Long> c = tasks.counts();
        ObjectNode data = obj();
        c.forEach((k, v) -> data.put(k.wire(), v));
        long total = c.values().stream().mapToLong(Long::longValue).sum();
        List<String> ready = tasks.ready().stream().map(Task::id).toList();
        StringBuilder text = new StringBuilder(total == 0 ? "crew: no plan yet" : "crew: " + total + " tasks: "
                + c.get(Task.Status.DONE) + " done, " + c.get(Task.Status.IN_PROGRESS) + " in progress, "
                + c.get(Task.Status.TODO) + " todo, " + c.get(Task.Status.BLOCKED) + " blocked; ready: "
                + (ready.isEmpty() ? "none" : String.join(", ", ready)));
        for (Task t : tasks.list()) {
            text.append("\n  ").append(TaskFormat.line(t));
        }
        var run = crew.runs().latest();
        run.ifPresent(r -> {
            text.append("\nlast run: ").append(r.status()).append(", started ").append(Texts.clock(r.startedAt()))
                    .append(r.endedAt() == null ? " (pid " + r.pid() + ")" : ", " + r.waves() + " wave(s)");
            data.set("lastRun", tree(Wire.CrewRunWire.of(r)));
        });
        List<Agent> present = mesh.presence().list(false);
        text.append("\nagents present: ").append(present.isEmpty() ? "none"
                : String.join(", ", present.stream().map(a -> a.name() + (a.statusMessage() == null ? ""
                        : " (" + Texts.oneLine(Texts.escape(a.statusMessage()), 80) + ")")).toList()));
        data.set("agentsPresent", tree(present.stream().map(Agent::name).toList()));
        return result(text.toString(), data);
    }

    /** @return the circle {@code list} is scoped to: parameter {@code circle} ("*" for none), else the caller's */
    private String listCircle(Caller s, JsonNode a) {
        String c = str(a, "circle", false);
        if (c != null) {
            if (c.equals(Presence.EVERY_CIRCLE)) {
                return null;
            }
            Presence.checkCircle(c);
            return c;
        }
        return s.agent() == null ? null : mesh.presence().list(false).stream().filter(x -> x.name().equals(s.agent()))
                .findFirst().map(Agent::circle).orElse(null);
    }

    /** @return the caller's agent name; the API's actions that act as an agent share it */
    static String me(Caller s) {
        if (s.agent() == null) {
            throw MeshException.invalidInput("join the mesh first (action \"join\"), or set MESH_AGENT");
        }
        return s.agent();
    }

    static ApiResult result(String text, JsonNode data) {
        return new ApiResult(text, data);
    }

    /** @return a wire record as a JSON tree */
    static JsonNode tree(Object wire) {
        return JSON.valueToTree(wire);
    }

    static ObjectNode obj() {
        return JSON.createObjectNode();
    }

    private static String nz(Object o) {
        return o == null ? "-" : o.toString();
    }
}
