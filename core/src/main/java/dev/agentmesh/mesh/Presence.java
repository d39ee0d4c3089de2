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
     */
    public record JoinRequest(String name, Long pid, String cwd, String runtime, String model, String branch) {
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
     * How long after its last action an agent whose process is gone is kept present: an agent that joined from a
     * short-lived process (a CLI call in a subshell, a one-shot MCP client) stays between its calls.
     */
    public static final Duration REAP_GRACE = Duration.ofSeconds(15);

    private final Store store;
    private final String project;
    private final List<RenameHook> renameHooks = new CopyOnWriteArrayList<>();

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
        return store.write(tx -> {
            reap(tx);
            long now = System.currentTimeMillis();
            String name = req.name() != null ? req.name()
                    : Names.generate(n -> AgentTable.of(tx).byName(project, n).isPresent());
            Agent fresh = new Agent(0, name, req.pid(), Host.name(), req.cwd(), req.runtime(), req.model(),
                    req.branch(), null, now, now, null, null);
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
                            req.branch(), null, now, now, null, null);
                }
                AgentTable.of(tx).rejoin(id, fresh);
            }
            AgentTable.of(tx).setTokenHash(id, tokenHash.apply(proven));
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
     * @return the present agent named {@code name} in {@code project}, read in {@code tx}
     * @throws MeshException (invalid input) for a blank or unknown name, or an agent that has left
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
