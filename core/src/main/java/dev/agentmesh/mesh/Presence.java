package dev.agentmesh.mesh;

import dev.agentmesh.mesh.internal.AgentTable;
import dev.agentmesh.mesh.internal.ReservationTable;
import dev.agentmesh.MeshException;
import dev.agentmesh.mesh.internal.Liveness;
import dev.agentmesh.mesh.internal.Names;
import dev.agentmesh.mesh.internal.SwarmTable;
import dev.agentmesh.project.Host;
import dev.agentmesh.store.Store;
import dev.agentmesh.store.StoreTx;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Who is on the mesh: join, leave, list, whois, set_status, rename (pi-messenger coordination actions,
 * seeds/001). Agents whose process died on this host are reaped (left, leases released) whenever presence is
 * read or changed.
 */
public final class Presence {

    /**
     * What an agent tells about itself when it joins.
     *
     * @param name    wanted name, or null to get a generated one
     * @param pid     its process id, or null
     * @param cwd     working directory, or null
     * @param runtime runtime name, or null
     * @param model   model id, or null
     * @param branch  git branch, or null
     * @param circle  the circle to be in (see {@link #checkCircle}), or null: none, the whole project; a rejoin
     *                without one keeps the agent's circle only when the agent itself joins again with its token
     */
    public record JoinRequest(String name, Long pid, String cwd, String runtime, String model, String branch, String circle) {
        /** A join without a circle: the whole project. */
        public JoinRequest(String name, Long pid, String cwd, String runtime, String model, String branch) {
            this(name, pid, cwd, runtime, model, branch, null);
        }
    }

    /**
     * Keeps another feature's rows in step with a rename, inside the rename's transaction (the crew's task
     * assignees are names).
     */
    @FunctionalInterface
    public interface RenameHook {
        /** Called in the rename's transaction; a throw rolls the rename back. */
        void renamed(StoreTx tx, String from, String to, long at);
    }

    /**
     * Ends another feature's per-agent state when an agent leaves or is reaped, inside the leave's transaction (the
     * orchestrator roles of issue 8 end with their agent).
     */
    @FunctionalInterface
    public interface LeaveHook {
        /** Called in the leave's transaction for the agent with store id {@code agentId}; a throw rolls it back. */
        void left(StoreTx tx, long agentId, String name, long at);
    }

    /** The {@code circle} argument of {@code list} and {@code orchestrator_status} that means every circle. */
    public static final String EVERY_CIRCLE = "*";

    /**
     * How long after its last action an agent whose process is gone is kept present: an agent that joined from a
     * short-lived process (a CLI call in a subshell, a one-shot MCP client) stays between its calls.
     */
    public static final Duration REAP_GRACE = Duration.ofSeconds(15);

    private final Store store;
    private final String project;
    private final List<RenameHook> renameHooks = new CopyOnWriteArrayList<>();
    private final List<LeaveHook> leaveHooks = new CopyOnWriteArrayList<>();

    Presence(Store store, String project) {
        this.store = store;
        this.project = project;
    }

    /**
     * Joins the mesh without a token to show: a name that belongs to an agent who left (or whose process died) is
     * taken over, keeping its inbox; a present agent's name is refused (see {@link #joinWithToken}).
     *
     * @return the present agent
     * @throws MeshException (invalid input) for an invalid name; (unexpected state) if a live agent holds it
     */
    public Agent join(JoinRequest req) {
        return joinWithToken(req, null).agent();
    }

    /**
     * An agent that joined, with the token its later calls must carry ({@link #authenticate}).
     *
     * @param agent the present agent
     * @param token 32 random bytes, base64url; only its SHA-256 is stored
     */
    public record Joined(Agent agent, String token) {
    }

    /**
     * Joins the mesh. A name nobody holds, or whose agent left or died, is taken (keeping its inbox) with a new
     * token, and an earlier token of the name stops working. The name of a present agent is taken again only by a
     * caller that shows that agent's token ({@code presented}), which then stays valid (so the other parts of the
     * agent that hold it go on working); a present agent from before tokens existed rejoins from its own process
     * (same pid and host). A pid alone never takes over a live agent: clients name their pid themselves.
     *
     * @param presented the token the caller holds for {@code req.name()}, or null
     * @return the agent and its token
     * @throws MeshException (invalid input) for an invalid name; (unexpected state) if a live agent holds it and
     *                       {@code presented} is not its token
     */
    public Joined joinWithToken(JoinRequest req, String presented) {
        String fresh = newToken();
        String[] token = {fresh};
        Agent agent = joinAndStore(req, presented == null ? null : hash(presented), proven -> {
            if (proven) {
                token[0] = presented;
            }
            return hash(token[0]);
        });
        return new Joined(agent, token[0]);
    }

    /**
     * Checks that a call made as {@code name} carries that agent's token (issue 5, part 3: a process that knows
     * only a name cannot act as the agent). An unknown name passes: the action itself refuses it.
     *
     * @throws MeshException (invalid input) if {@code token} is missing or another agent's, or the agent joined
     *                       before tokens existed (schema v5) and has none
     */
    public void authenticate(String name, String token) {
        check(name, token).requireAuthenticated();
    }

    /**
     * What a call as {@code name} with {@code token} finds before it runs, read in one query: whether the token is
     * the agent's, and how many messages wait for it (the unread notice of a result).
     *
     * @param unread      messages not yet delivered to the agent; 0 for an unknown name
     * @param refusal     why the token is refused (see {@link #authenticate}), or null when it passes (an unknown
     *                    name passes)
     */
    public record CallerCheck(int unread, String refusal) {
        /** @return whether the call may act as the agent */
        public boolean authenticated() {
            return refusal == null;
        }

        /** @throws MeshException (invalid input) with the refusal, unless the call may act as the agent */
        public void requireAuthenticated() {
            if (refusal != null) {
                throw MeshException.invalidInput(refusal);
            }
        }
    }

    /** @return the token check and the unread count of a call as {@code name}; see {@link CallerCheck} */
    public CallerCheck check(String name, String token) {
        java.util.Optional<AgentTable.CallerState> state = store.read(tx -> AgentTable.of(tx).callerState(project, name));
        if (state.isEmpty()) {
            return new CallerCheck(0, null);
        }
        String want = state.get().tokenHash();
        String refusal = null;
        if (want.isEmpty()) {
            refusal = name + " joined before agents had tokens; join again (mesh join --name " + name + ") to get one";
        } else if (token == null || token.isBlank()) {
            refusal = "acting as " + name + " needs its token: the token its join returned "
                    + "(MESH_AGENT_TOKEN for the CLI; the CLI keeps it for the agent process that joined)";
        } else if (!java.security.MessageDigest.isEqual(want.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                hash(token).getBytes(java.nio.charset.StandardCharsets.US_ASCII))) {
            refusal = "the token given is not " + name + "'s; an agent acts only as itself";
        }
        return new CallerCheck(state.get().unread(), refusal);
    }

    /**
     * @return whether a call as {@code name} with {@code token} would pass {@link #authenticate} (an unknown name
     *     passes)
     */
    public boolean authenticates(String name, String token) {
        return check(name, token).authenticated();
    }

    private static String newToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String hash(String token) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw MeshException.internal("SHA-256 is missing from this JDK", e);
        }
    }

    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    /**
     * @param presentedHash the SHA-256 of the token the caller showed, or null
     * @param tokenHash     given whether the caller proved it holds the present agent's token, the hash to store
     */
    private Agent joinAndStore(JoinRequest req, String presentedHash, java.util.function.Function<Boolean, String> tokenHash) {
        if (req.name() != null) {
            checkName(req.name());
        }
        if (req.circle() != null) {
            checkCircle(req.circle());
        }
        return store.write(tx -> {
            reap(tx);
            long now = System.currentTimeMillis();
            String name = req.name() != null ? req.name()
                    : Names.generate(n -> AgentTable.of(tx).byName(project, n).isPresent());
            Agent fresh = new Agent(0, name, req.pid(), Host.name(), req.cwd(), req.runtime(), req.model(),
                    req.branch(), null, now, now, null, null, null, null, null);
            Optional<Agent> existing = AgentTable.of(tx).byName(project, name);
            long id;
            boolean proven = false;
            if (existing.isEmpty()) {
                id = AgentTable.of(tx).insert(project, fresh);
            } else {
                Agent old = existing.get();
                Optional<String> held = AgentTable.of(tx).tokenHash(project, name);
                proven = presentedHash != null && held.isPresent() && java.security.MessageDigest.isEqual(
                        held.get().getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                        presentedHash.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                boolean sameProcess = old.pid() != null && old.pid().equals(req.pid()) && Host.name().equals(old.host());
                if (old.present() && !proven && !(held.isEmpty() && sameProcess)) {
                    throw MeshException.unexpectedState("name " + name + " is taken by a live agent (pid " + old.pid()
                            + " on " + old.host() + "); join with another name or none"
                            + (held.isPresent() ? " (the agent itself joins again with its token)" : ""));
                }
                id = old.id();
                if (proven && old.present() && old.host().equals(Host.name())) {
                    // the agent itself joins again (e.g. through its MCP session, which knows no pid): what it does
                    // not say it keeps, so its runtime's process stays the one that keeps it alive
                    fresh = new Agent(0, name, req.pid() != null ? req.pid() : old.pid(), Host.name(), req.cwd(),
                            req.runtime() != null ? req.runtime() : old.runtime(), req.model() != null ? req.model() : old.model(),
                            req.branch(), null, now, now, null, null, null, null, null);
                }
                AgentTable.of(tx).rejoin(id, fresh);
            }
            AgentTable.of(tx).setTokenHash(id, tokenHash.apply(proven));
            // the agent itself joining again keeps what it said (circle, description); a new holder of the name starts afresh
            boolean same = proven && existing.isPresent();
            AgentTable.of(tx).setCircle(id, req.circle() != null ? req.circle() : same ? existing.get().circle() : null);
            if (existing.isPresent() && !same) {
                AgentTable.of(tx).setDescription(id, null, null, now);
            }
            Feed.append(tx, project, now, name, "join", null, req.runtime() == null ? null : "runtime " + req.runtime());
            return AgentTable.of(tx).byId(id).orElseThrow();
        });
    }

    /**
     * @param name an agent name to take
     * @throws MeshException (invalid input) unless it is a letter, then up to 63 letters, digits, {@code _ . -},
     *                       and not reserved
     */
    public static void checkName(String name) {
        String problem = Names.problem(name);
        if (problem != null) {
            throw MeshException.invalidInput(problem);
        }
    }

    /**
     * @param circle a circle name to be in
     * @throws MeshException (invalid input) unless it is a letter or digit, then up to 63 letters, digits,
     *                       {@code _ . -} (so {@value #EVERY_CIRCLE}, paths and control characters are refused)
     */
    public static void checkCircle(String circle) {
        if (circle == null || !CIRCLE.matcher(circle).matches()) {
            throw MeshException.invalidInput("circle '" + dev.agentmesh.Texts.quote(circle, 80)
                    + "' is invalid: use a letter or digit, then up to 63 letters, digits, '_', '.' or '-'");
        }
    }

    private static final java.util.regex.Pattern CIRCLE = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    /**
     * Who sees whom (issue 8, seeds/004: "circles scope who sees whom; default: the project"). An agent without a
     * circle sees, and is seen by, everyone; an agent in a circle sees its circle and the agents without one. What
     * this scopes: {@code list} (the roster), {@code broadcast} (its recipients) and {@code send} (refused across
     * circles). What it does not: {@code whois} by name, the feed, reservations (files are the project's, so a
     * lease holds against every circle), tasks and team runs. A scope for coordination, not a security boundary.
     *
     * @param viewerCircle the circle of the agent looking, or null for none
     * @param otherCircle  the circle of the agent looked at, or null for none
     * @return whether the viewer sees the other
     */
    public static boolean sees(String viewerCircle, String otherCircle) {
        return viewerCircle == null || otherCircle == null || viewerCircle.equals(otherCircle);
    }

    /**
     * @param includeLeft also list agents who left
     * @param circle      only the agents a member of this circle {@link #sees} (its members and those without a
     *                    circle), or null for every agent
     * @return agents of the project by name; a read
     */
    public List<Agent> list(boolean includeLeft, String circle) {
        return list(includeLeft).stream().filter(a -> sees(circle, a.circle())).toList();
    }

    /**
     * Moves a present agent into a circle, or out of its circle (null or blank): the whole project. A feed event
     * {@code circle} records it. An orchestrator role it held in another circle lapses (see the orchestrator's
     * {@code Roles}).
     *
     * @return the agent after the change
     * @throws MeshException (invalid input) for an unknown or left agent, or an invalid circle name
     */
    public Agent setCircle(String name, String circle) {
        String c = circle == null || circle.isBlank() ? null : circle;
        if (c != null) {
            checkCircle(c);
        }
        return store.write(tx -> {
            Agent a = requirePresent(tx, name);
            long now = System.currentTimeMillis();
            AgentTable.of(tx).setCircle(a.id(), c);
            AgentTable.of(tx).touch(a.id(), now);
            Feed.append(tx, project, now, name, "circle", c, c == null ? "in no circle (the whole project)" : "in circle " + c);
            return AgentTable.of(tx).byId(a.id()).orElseThrow();
        });
    }

    /** Default lifetime of a description, when {@code set_description} names none: one hour. */
    public static final Duration DESCRIPTION_TTL = Duration.ofHours(1);
    /** Longest lifetime of a description: seven days (as the longest reservation TTL). */
    public static final Duration MAX_DESCRIPTION_TTL = Duration.ofDays(7);
    /** Longest description, in characters. */
    public static final int MAX_DESCRIPTION_CHARS = 500;

    /**
     * Sets what a present agent is working on, for the dashboard, {@code list}, {@code whois} and
     * {@code orchestrator_status} (seeds/004: "set_description on each peer keeps the dashboard honest"); it is shown
     * until {@code ttl} from now, then dropped from every view, so a description nobody renews cannot go on
     * claiming work that ended. A feed event {@code description} records it.
     *
     * @param description 1..{@value #MAX_DESCRIPTION_CHARS} characters without control characters (kept on one
     *                    line), or null or blank to clear it
     * @param ttl         how long it stays fresh: 1 s..{@link #MAX_DESCRIPTION_TTL}, or null for
     *                    {@link #DESCRIPTION_TTL}
     * @return the agent after the change
     * @throws MeshException (invalid input) for an unknown or left agent, a longer description, a control character,
     *                       or a TTL outside the range
     */
    public Agent setDescription(String name, String description, Duration ttl) {
        String d = description == null || description.isBlank() ? null : description.strip();
        if (d != null && d.length() > MAX_DESCRIPTION_CHARS) {
            throw MeshException.invalidInput("description is " + d.length() + " characters; the limit is " + MAX_DESCRIPTION_CHARS);
        }
        if (d != null && d.codePoints().anyMatch(c -> Character.isISOControl(c) || c == 0x2028 || c == 0x2029)) {
            throw MeshException.invalidInput("description '" + dev.agentmesh.Texts.quote(d, 80)
                    + "' has a control character; describe the work on one line");
        }
        Duration life = ttl == null ? DESCRIPTION_TTL : ttl;
        if (life.toMillis() < 1000 || life.compareTo(MAX_DESCRIPTION_TTL) > 0) {
            throw MeshException.invalidInput("description TTL is " + life.toSeconds() + " s; it must be 1.."
                    + MAX_DESCRIPTION_TTL.toSeconds() + " s");
        }
        return store.write(tx -> {
            Agent a = requirePresent(tx, name);
            long now = System.currentTimeMillis();
            AgentTable.of(tx).setDescription(a.id(), d, d == null ? null : now + life.toMillis(), now);
            Feed.append(tx, project, now, name, "description", null, d == null ? "cleared" : d);
            return AgentTable.of(tx).byId(a.id()).orElseThrow();
        });
    }

    /**
     * Leaves the mesh: the agent stays known (its inbox keeps messages for a rejoin) and its reservations are
     * released.
     *
     * @return the number of reservations released
     * @throws MeshException (invalid input) if no present agent has that name
     */
    public int leave(String name) {
        return store.write(tx -> {
            Agent a = requirePresent(tx, name);
            return leave(tx, a, null);
        });
    }

    /**
     * @param includeLeft also list agents who left
     * @return agents of the project by name; a read, it changes nothing (dead agents are reaped by writes and by
     *         the supervisor's housekeeping)
     */
    public List<Agent> list(boolean includeLeft) {
        return store.read(tx -> AgentTable.of(tx).list(project, includeLeft));
    }

    /**
     * @return the agent, present or not
     * @throws MeshException (invalid input) if no agent of that name ever joined this project
     */
    public Agent whois(String name) {
        return store.read(tx -> requireKnown(tx, name));
    }

    /**
     * Sets or clears (null or blank) the custom status message, at most 200 characters.
     *
     * @throws MeshException (invalid input) for an unknown agent or a longer message
     */
    public Agent setStatus(String name, String message) {
        return setStatus(name, message, true);
    }

    /**
     * Sets a present agent's status as {@link #setStatus(String, String)} does, without a feed event: for status
     * that changes often and says nothing new to the feed (a crew worker's progress, every few seconds).
     */
    public Agent setProgress(String name, String message) {
        return setStatus(name, message, false);
    }

    private Agent setStatus(String name, String message, boolean feed) {
        String msg = message == null || message.isBlank() ? null : message.strip();
        if (msg != null && msg.length() > 200) {
            throw MeshException.invalidInput("status message is " + msg.length() + " characters; the limit is 200");
        }
        return store.write(tx -> {
            Agent a = requirePresent(tx, name);
            long now = System.currentTimeMillis();
            AgentTable.of(tx).setStatus(a.id(), msg, now);
            if (feed) {
                Feed.append(tx, project, now, name, "status", null, msg);
            }
            return AgentTable.of(tx).byId(a.id()).orElseThrow();
        });
    }

    /**
     * Renames a present agent; messages and reservations follow it.
     *
     * @throws MeshException (invalid input) for an invalid or taken name, or an unknown agent
     */
    public Agent rename(String name, String newName) {
        checkName(newName);
        return store.write(tx -> {
            Agent a = requirePresent(tx, name);
            Optional<Agent> other = AgentTable.of(tx).byName(project, newName);
            if (other.isPresent() && other.get().id() != a.id()) {
                if (other.get().present() || !AgentTable.of(tx).deleteIfUnreferenced(other.get().id())) {
                    throw MeshException.invalidInput("name " + newName + " is taken; choose another");
                }
            }
            long now = System.currentTimeMillis();
            AgentTable.of(tx).rename(a.id(), newName, now);
            for (RenameHook hook : renameHooks) {
                hook.renamed(tx, name, newName, now);
            }
            Feed.append(tx, project, now, newName, "rename", name, "was " + name);
            return AgentTable.of(tx).byId(a.id()).orElseThrow();
        });
    }

    /** Adds a hook run inside every rename's transaction. */
    public void onRename(RenameHook hook) {
        renameHooks.add(hook);
    }

    /** Adds a hook run inside every leave's transaction, also when the agent is reaped. */
    public void onLeave(LeaveHook hook) {
        leaveHooks.add(hook);
    }

    /** Records the pid of an agent whose process started after it joined (a runtime's child). */
    public void setPid(String name, long pid) {
        store.write(tx -> {
            AgentTable.of(tx).setPid(requirePresent(tx, name).id(), pid);
            return null;
        });
    }

    /**
     * Marks gone agents as left and releases their leases: an agent whose process died on this host and who did
     * nothing for {@code grace}, and at once an agent that only a connection's heartbeat lease kept (no pid) once
     * that lease ran out. The grace keeps an agent whose recorded process is short-lived (a CLI call from a
     * subshell) present between its calls.
     *
     * @param grace how long since its last action a dead-pid agent is kept, zero or more
     * @return names of the agents reaped
     */
    public List<String> reap(Duration grace) {
        long before = System.currentTimeMillis() - grace.toMillis();
        long now = System.currentTimeMillis();
        boolean anyDead = store.read(tx -> AgentTable.of(tx).list(project, false).stream()
                .anyMatch(a -> gone(a, before, now)));
        return anyDead ? store.write(tx -> reap(tx, before)) : List.of();
    }

    /**
     * Reaps inside a write (join, reserve) with no grace: a lease of a dead holder must not refuse the writer.
     * Heartbeat leases (issue 5, part 3) will replace pids here too.
     */
    List<String> reap(StoreTx tx) {
        return reap(tx, Long.MAX_VALUE);
    }

    private List<String> reap(StoreTx tx, long seenBefore) {
        long now = System.currentTimeMillis();
        return AgentTable.of(tx).list(project, false).stream().filter(a -> gone(a, seenBefore, now))
                .map(a -> {
                    leave(tx, a, Liveness.leaseOnly(a) ? "its connection is gone" : "process " + a.pid() + " is gone");
                    return a.name();
                }).toList();
    }

    private static boolean gone(Agent a, long seenBefore, long now) {
        return (Liveness.leaseOnly(a) || a.lastSeen() <= seenBefore) && Liveness.isDead(a, now);
    }

    /**
     * Renews the heartbeat lease of the present agents named {@code names}: each stays present until
     * {@code ttl} from now even without a live pid. The supervisor calls this for agents with an open connection.
     *
     * @param names agent names of this project; unknown or left ones are skipped
     * @param ttl   how long the lease lasts, positive
     * @return how many agents it renewed
     */
    public int renewLeases(java.util.Collection<String> names, Duration ttl) {
        if (names.isEmpty()) {
            return 0;
        }
        long until = System.currentTimeMillis() + ttl.toMillis();
        return store.write(tx -> AgentTable.of(tx).renewLeases(project, names, until));
    }

    private int leave(StoreTx tx, Agent a, String why) {
        long now = System.currentTimeMillis();
        int released = ReservationTable.of(tx).deleteByAgent(a.id());
        int claims = SwarmTable.of(tx).releaseOpen(a.id());
        AgentTable.of(tx).markLeft(a.id(), now);
        for (LeaveHook hook : leaveHooks) {
            hook.left(tx, a.id(), a.name(), now);
        }
        Feed.append(tx, project, now, a.name(), "leave", null,
                (why == null ? "" : why + "; ") + released + " reservation(s) released"
                        + (claims == 0 ? "" : ", " + claims + " swarm claim(s) freed"));
        return released;
    }

    /**
     * @return the agent named {@code name} in {@code project}, present or left, read in {@code tx}
     * @throws MeshException (invalid input) for a blank or unknown name
     */
    public static Agent requireKnown(StoreTx tx, String project, String name) {
        if (name == null || name.isBlank()) {
            throw MeshException.invalidInput("no agent name given");
        }
        return AgentTable.of(tx).byName(project, name).orElseThrow(() -> MeshException.invalidInput(
                "unknown agent '" + dev.agentmesh.Texts.quote(name, 80) + "' in project " + project + " (mesh list shows who is here)"));
    }

    /**
     * @return the present agent {@code name} of {@code project}, read in the caller's transaction (for another
     *     feature's write that must see the agent as it commits, e.g. an orchestrator claim)
     * @throws MeshException (invalid input) for no name, an unknown name or an agent that left
     */
    public static Agent requirePresent(StoreTx tx, String project, String name) {
        Agent a = requireKnown(tx, project, name);
        if (!a.present()) {
            throw MeshException.invalidInput("agent '" + dev.agentmesh.Texts.quote(name, 80) + "' has left the mesh; join again first");
        }
        return a;
    }

    private Agent requireKnown(StoreTx tx, String name) {
        return requireKnown(tx, project, name);
    }

    private Agent requirePresent(StoreTx tx, String name) {
        return requirePresent(tx, project, name);
    }
}
