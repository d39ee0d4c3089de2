package dev.agentmesh.mesh;

import dev.agentmesh.MeshException;
import dev.agentmesh.Texts;
import dev.agentmesh.mesh.internal.AgentTable;
import dev.agentmesh.mesh.internal.PathPatterns;
import dev.agentmesh.mesh.internal.SwarmTable;
import dev.agentmesh.store.Store;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Swarm claims (pi-messenger's {@code swarm}, {@code claim}, {@code unclaim}, {@code complete}, seeds/001): agents
 * split the tasks of a spec among themselves without a planner. A claim is one compare-and-set transaction (the
 * store's unique key), so of any number of claimants exactly one wins; a claim of an agent that leaves or dies is
 * freed with its reservations, so nobody stays blocked after a crash. Thread-safe.
 */
public final class Swarm {
    /** Longest {@code complete} result, in characters. */
    public static final int MAX_RESULT_CHARS = 4_000;
    private static final Pattern TASK_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:#/-]{0,127}");

    private final Store store;
    private final Path root;
    private final Presence presence;

    Swarm(Store store, Path root, Presence presence) {
        this.store = store;
        this.root = root;
        this.presence = presence;
    }

    /**
     * Claims a task for {@code agent}; claiming one's own claim again answers it unchanged.
     *
     * @param spec the spec file the task belongs to (inside the project), or null for none
     * @return the claim
     * @throws MeshException (invalid input) for a bad task id or spec, an agent not present; (unexpected state) if
     *                       another agent holds the task or it was completed
     */
    public SwarmClaim claim(String agent, Path cwd, String taskId, String spec) {
        String task = checkTask(taskId);
        String sp = spec(cwd, spec);
        String project = root.toString();
        return store.write(tx -> {
            Agent me = Presence.requirePresent(tx, project, agent);
            var held = SwarmTable.of(tx).find(project, sp, task);
            if (held.isPresent() && held.get().agentId() != me.id() && !held.get().claim().completed()) {
                // a holder that died frees its claim now, not at the supervisor's next round
                presence.reap(tx);
                held = SwarmTable.of(tx).find(project, sp, task);
            }
            if (held.isPresent()) {
                SwarmClaim c = held.get().claim();
                if (c.completed()) {
                    throw MeshException.unexpectedState(label(task, sp) + " was completed by " + c.holder() + " at "
                            + Texts.clock(c.completedAt()));
                }
                if (held.get().agentId() != me.id()) {
                    throw MeshException.unexpectedState(label(task, sp) + " is claimed by " + c.holder() + " since "
                            + Texts.clock(c.claimedAt()) + "; pick another task (action \"swarm\" lists them)");
                }
                return c;
            }
            long now = System.currentTimeMillis();
            SwarmTable.of(tx).insert(project, sp, task, me.id(), now);
            AgentTable.of(tx).touch(me.id(), now);
            Feed.append(tx, project, now, me.name(), "swarm.claim", task, sp.isEmpty() ? null : sp);
            return new SwarmClaim(sp, task, me.name(), now, null, null);
        });
    }

    /**
     * Gives up {@code agent}'s open claim of a task.
     *
     * @throws MeshException (invalid input) for a bad id or spec; (unexpected state) unless {@code agent} holds an
     *                       open claim of the task
     */
    public void unclaim(String agent, Path cwd, String taskId, String spec) {
        String task = checkTask(taskId);
        String sp = spec(cwd, spec);
        String project = root.toString();
        store.write(tx -> {
            Agent me = Presence.requireKnown(tx, project, agent);
            if (!SwarmTable.of(tx).deleteOpen(project, sp, task, me.id())) {
                throw MeshException.unexpectedState(agent + " holds no open claim of " + label(task, sp));
            }
            Feed.append(tx, project, System.currentTimeMillis(), me.name(), "swarm.unclaim", task, sp.isEmpty() ? null : sp);
            return null;
        });
    }

    /**
     * Completes {@code agent}'s claim of a task, with what it did.
     *
     * @param result at most {@value #MAX_RESULT_CHARS} characters, or null
     * @return the completed claim
     * @throws MeshException (invalid input) for a bad id, spec or result; (unexpected state) unless {@code agent}
     *                       holds an open claim of the task
     */
    public SwarmClaim complete(String agent, Path cwd, String taskId, String spec, String result) {
        String task = checkTask(taskId);
        String sp = spec(cwd, spec);
        if (result != null && result.length() > MAX_RESULT_CHARS) {
            throw MeshException.invalidInput("result is " + result.length() + " characters; the limit is " + MAX_RESULT_CHARS);
        }
        String project = root.toString();
        return store.write(tx -> {
            Agent me = Presence.requireKnown(tx, project, agent);
            long now = System.currentTimeMillis();
            if (!SwarmTable.of(tx).complete(project, sp, task, me.id(), result, now)) {
                throw MeshException.unexpectedState(agent + " holds no open claim of " + label(task, sp)
                        + "; claim it first");
            }
            Feed.append(tx, project, now, me.name(), "swarm.complete", task, result == null ? null : Texts.oneLine(result, 80));
            return SwarmTable.of(tx).find(project, sp, task).orElseThrow().claim();
        });
    }

    /** @return the claims and completions of {@code spec} (every spec when null), oldest first; a read */
    public List<SwarmClaim> status(Path cwd, String spec) {
        String sp = spec == null ? null : spec(cwd, spec);
        return store.read(tx -> SwarmTable.of(tx).list(root.toString(), sp));
    }

    private static String checkTask(String taskId) {
        if (taskId == null || !TASK_ID.matcher(taskId).matches()) {
            throw MeshException.invalidInput("taskId '" + Texts.quote(taskId, 80) + "' is invalid: use up to 128 letters, "
                    + "digits or . _ : # / -, starting with a letter or digit");
        }
        return taskId;
    }

    private String spec(Path cwd, String spec) {
        if (spec == null || spec.isBlank()) {
            return "";
        }
        String normalised = PathPatterns.normalise(root, cwd, spec);
        if (normalised.endsWith("/") || normalised.contains("*") || normalised.contains("?") || normalised.contains("[")
                || normalised.contains("{")) {
            throw MeshException.invalidInput("spec '" + Texts.quote(spec, 80) + "' must name a file of the project");
        }
        return normalised;
    }

    private static String label(String task, String spec) {
        return spec.isEmpty() ? task : task + " of " + spec;
    }
}
