package dev.agentmesh.mesh;

import dev.agentmesh.MeshException;
import dev.agentmesh.mesh.internal.Liveness;
import dev.agentmesh.mesh.internal.Names;
import dev.agentmesh.store.Store;
import dev.agentmesh.store.StoreTx;

import java.util.List;
import java.util.Optional;

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

    private final Store store;
    private final String project;

    Presence(Store store, String project) {
        this.store = store;
        this.project = project;
    }

    /**
     * Joins the mesh. A given name that belongs to an agent who left (or whose process died) is taken over,
     * keeping its inbox; a joining process that already holds the name (same pid and host) joins again.
     *
     * @return the present agent
     * @throws MeshException (invalid input) for an invalid name; (unexpected state) if a live agent holds it
     */
    public Agent join(JoinRequest req) {
        if (req.name() != null) {
            String problem = Names.problem(req.name());
            if (problem != null) {
                throw MeshException.invalidInput(problem);
            }
        }
        return store.write(tx -> {
            reap(tx);
            long now = System.currentTimeMillis();
            String name = req.name() != null ? req.name()
                    : Names.generate(n -> tx.agents().byName(project, n).isPresent());
            Agent fresh = new Agent(0, name, req.pid(), Liveness.host(), req.cwd(), req.runtime(), req.model(),
                    req.branch(), null, now, now, null);
            Optional<Agent> existing = tx.agents().byName(project, name);
            long id;
            if (existing.isEmpty()) {
                id = tx.agents().insert(project, fresh);
            } else {
                Agent old = existing.get();
                boolean sameProcess = old.pid() != null && old.pid().equals(req.pid()) && Liveness.host().equals(old.host());
                if (old.present() && !sameProcess) {
                    throw MeshException.unexpectedState("name " + name + " is taken by a live agent (pid " + old.pid()
                            + " on " + old.host() + "); join with another name or none");
                }
                id = old.id();
                tx.agents().rejoin(id, fresh);
            }
            tx.feed().append(project, now, name, "join", null, req.runtime() == null ? null : "runtime " + req.runtime());
            return tx.agents().byId(id).orElseThrow();
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
     * @return agents of the project by name, after reaping dead ones
     */
    public List<Agent> list(boolean includeLeft) {
        return store.write(tx -> {
            reap(tx);
            return tx.agents().list(project, includeLeft);
        });
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
        String msg = message == null || message.isBlank() ? null : message.strip();
        if (msg != null && msg.length() > 200) {
            throw MeshException.invalidInput("status message is " + msg.length() + " characters; the limit is 200");
        }
        return store.write(tx -> {
            Agent a = requirePresent(tx, name);
            long now = System.currentTimeMillis();
            tx.agents().setStatus(a.id(), msg, now);
            tx.feed().append(project, now, name, "status", null, msg);
            return tx.agents().byId(a.id()).orElseThrow();
        });
    }

    /**
     * Renames a present agent; messages and reservations follow it.
     *
     * @throws MeshException (invalid input) for an invalid or taken name, or an unknown agent
     */
    public Agent rename(String name, String newName) {
        String problem = Names.problem(newName);
        if (problem != null) {
            throw MeshException.invalidInput(problem);
        }
        return store.write(tx -> {
            Agent a = requirePresent(tx, name);
            Optional<Agent> other = tx.agents().byName(project, newName);
            if (other.isPresent() && other.get().id() != a.id()) {
                if (other.get().present() || !tx.agents().deleteIfUnreferenced(other.get().id())) {
                    throw MeshException.invalidInput("name " + newName + " is taken; choose another");
                }
            }
            long now = System.currentTimeMillis();
            tx.agents().rename(a.id(), newName, now);
            tx.tasks().renameAssignee(project, name, newName, now);
            tx.feed().append(project, now, newName, "rename", name, "was " + name);
            return tx.agents().byId(a.id()).orElseThrow();
        });
    }

    /** Records the pid of an agent whose process started after it joined (a runtime's child). */
    public void setPid(String name, long pid) {
        store.write(tx -> {
            tx.agents().setPid(requirePresent(tx, name).id(), pid);
            return null;
        });
    }

    /**
     * Marks present agents whose process died on this host as left and releases their leases.
     *
     * @return names of the agents reaped
     */
    public List<String> reap() {
        return store.write(this::reap);
    }

    List<String> reap(StoreTx tx) {
        return tx.agents().list(project, false).stream().filter(Liveness::isDead)
                .map(a -> {
                    leave(tx, a, "process " + a.pid() + " is gone");
                    return a.name();
                }).toList();
    }

    private int leave(StoreTx tx, Agent a, String why) {
        long now = System.currentTimeMillis();
        int released = tx.reservations().deleteByAgent(a.id());
        tx.agents().markLeft(a.id(), now);
        tx.feed().append(project, now, a.name(), "leave", null,
                (why == null ? "" : why + "; ") + released + " reservation(s) released");
        return released;
    }

    static Agent requireKnown(StoreTx tx, String project, String name) {
        if (name == null || name.isBlank()) {
            throw MeshException.invalidInput("no agent name given");
        }
        return tx.agents().byName(project, name).orElseThrow(() -> MeshException.invalidInput(
                "unknown agent '" + name + "' in project " + project + " (mesh list shows who is here)"));
    }

    static Agent requirePresent(StoreTx tx, String project, String name) {
        Agent a = requireKnown(tx, project, name);
        if (!a.present()) {
            throw MeshException.invalidInput("agent '" + name + "' has left the mesh; join again first");
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
