package dev.agentmesh.team;

import dev.agentmesh.MeshException;
import dev.agentmesh.Texts;
import dev.agentmesh.store.Store;
import dev.agentmesh.team.internal.TeamTable;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The {@code agent_team} runs of one project in the store (issue 7, seeds/002): their state, steps, events and
 * message receipts. Everything a run is lives here, so {@code run_status} and {@code step_result} answer for the
 * same {@code runId} from any session of the project and after a supervisor restart (the seed keeps runs in one
 * process's memory only). A {@code run_status} wait is woken by the commit of a material event, in this process.
 * Thread-safe.
 */
public final class TeamRuns {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TeamRuns.class);
    private final Store store;
    private final String project;

    /**
     * @param store   the store
     * @param project the project key
     */
    public TeamRuns(Store store, String project) {
        this.store = store;
        this.project = project;
    }

    /** @return the topic signalled when a material event of the run commits */
    public static String topic(String project, String runId) {
        return "team:" + project + ":" + runId;
    }

    /** @return the projects with a running run (a restarted supervisor drives them on) */
    public static List<String> projectsWithLiveRuns(Store store) {
        return store.read(tx -> TeamTable.of(tx).projectsWithLiveRuns());
    }

    /**
     * Registers a new run of {@code plan}, its steps pending, and drops runs whose retention ended, their artifact
     * folders too.
     *
     * @param owner         the agent that starts it (notices go to it), or null
     * @param noticeMode    {@code none}, {@code final} or {@code milestones}
     * @param maxNotices    most milestone notices, 0..100
     * @param interval      least seconds between milestone notices
     * @param cwd           the invocation cwd
     * @param meshDir       the project's {@code .mesh} folder; artifacts go to {@code meshDir/team/RUNID}
     * @param supervisorPid the supervisor that drives it
     * @return the run, with its new handle
     * @throws dev.agentmesh.MeshException (unexpected state) when 16 runs are live or 64 are retained, or run numbers
     *                                     are used up
     */
    public TeamRun create(TeamPlan plan, String owner, String noticeMode, int maxNotices, int interval, Path cwd, Path meshDir,
                          long supervisorPid) {
        List<TeamRun> expired = new ArrayList<>();
        TeamRun created = store.write(tx -> {
            TeamTable t = TeamTable.of(tx);
            long now = System.currentTimeMillis();
            expired.clear();
            for (TeamRun r : t.expired(project, now)) {
                t.delete(project, r.runId());
                expired.add(r);
            }
            int[] counts = t.counts(project);
            if (counts[0] >= TeamLimits.MAX_LIVE_RUNS) {
                throw TeamErrors.state(counts[0] + " agent_team runs are live in this project; the limit is " + TeamLimits.MAX_LIVE_RUNS + ".",
                        "wait for a run to end (run_status with waitSeconds) or cancel one that is obsolete.");
            }
            if (counts[1] >= TeamLimits.MAX_RETAINED_RUNS) {
                throw TeamErrors.state(counts[1] + " agent_team runs are retained in this project; the limit is " + TeamLimits.MAX_RETAINED_RUNS + ".",
                        "preserve the artifacts you need, then cleanup terminal runs.");
            }
            long number = t.nextNumber(project);
            if (number > TeamLimits.MAX_RUN_NUMBER) {
                throw TeamErrors.state("this project has used every run handle r1..r" + TeamLimits.MAX_RUN_NUMBER + ".",
                        "start runs in a new store.");
            }
            String runId = "r" + number;
            TeamRun run = new TeamRun(runId, owner, plan.objective(), TeamRun.RUNNING, plan, noticeMode, maxNotices, interval, 0,
                    cwd, meshDir.resolve("team").resolve(runId), supervisorPid, null, now, null, null);
            t.insertRun(project, number, run);
            int position = 0;
            for (TeamPlan.StepPlan s : plan.steps()) {
                Path stepCwd = s.cwd().isEmpty() ? cwd : cwd.resolve(s.cwd());
                t.insertStep(project, runId, new TeamStep(s.id(), position++, TeamStep.PENDING, s.runtime(), s.model(), s.thinking(),
                        s.tools(), stepCwd.toString(), null, null, null, null, null, null, null, 0, 0, 0, 0, null, 0, 0));
            }
            t.event(project, runId, null, "run.started", true, plan.steps().size() + " step(s): " + Texts.oneLine(plan.objective(), 200), now);
            tx.signalAfterCommit(topic(project, runId));
            return run;
        });
        // their retention ended: their artifacts go with their rows (seeds/002: retained until expiry or cleanup)
        Path team = meshDir.resolve("team");
        for (TeamRun r : expired) {
            try {
                deleteArtifacts(team, r);
            } catch (RuntimeException e) {
                LOG.warn("agent_team {}: expired, but its artifacts stay: {}", r.runId(), e.getMessage());
            }
        }
        return created;
    }

    /**
     * Deletes a run's artifact folder, only when it is {@code teamFolder/RUNID} and no symlink; symlinks inside are
     * deleted, not followed.
     *
     * @param teamFolder the project's {@code .mesh/team}
     * @param run        the run, as the store held it
     * @return how many files and folders inside it were deleted (0 when it is not there or not the run's own)
     * @throws MeshException (unexpected state) when something in it cannot be deleted
     */
    public static int deleteArtifacts(Path teamFolder, TeamRun run) {
        Path d = run.artifacts().toAbsolutePath().normalize();
        if (!d.equals(teamFolder.toAbsolutePath().normalize().resolve(run.runId())) || Files.isSymbolicLink(d)
                || !Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) {
            return 0;
        }
        int[] n = {0};
        try (var walk = Files.walk(d)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    if (Files.deleteIfExists(p) && !p.equals(d)) {
                        n[0]++;
                    }
                } catch (IOException e) {
                    throw MeshException.unexpectedState("cannot delete " + p + ": " + e.getMessage(), e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            throw MeshException.unexpectedState("cannot delete " + d + ": " + e.getMessage(), e);
        }
        return n[0];
    }

    /** @return the run, if this project has it */
    public Optional<TeamRun> find(String runId) {
        return store.read(tx -> TeamTable.of(tx).run(project, runId));
    }

    /**
     * @return the run
     * @throws dev.agentmesh.MeshException (invalid input) naming the handle when the project has no such run
     */
    public TeamRun get(String runId) {
        return find(runId).orElseThrow(() -> notFound(runId));
    }

    private static dev.agentmesh.MeshException notFound(String runId) {
        return TeamErrors.invalid("run '" + Texts.quote(String.valueOf(runId), 40)
                + "' is not a run of this project (it never existed, or was cleaned up or expired).",
                "use the runId start returned, such as r1; run_status without a runId lists the project's runs.");
    }

    /** @return the project's retained runs, oldest first */
    public List<TeamRun> list() {
        return store.read(tx -> TeamTable.of(tx).runs(project));
    }

    /** @return the run's steps in graph order */
    public List<TeamStep> steps(String runId) {
        return store.read(tx -> TeamTable.of(tx).steps(project, runId));
    }

    /**
     * Marks a step launched (a material event).
     *
     * @param launchedAt epoch ms its launch began: its start, so the launch counts as the step's own time
     */
    public void started(String runId, String stepId, long launchedAt, Long pid, String sessionId, String model, String text) {
        store.write(tx -> {
            long now = System.currentTimeMillis();
            TeamTable.of(tx).started(project, runId, stepId, pid, sessionId, model, launchedAt);
            event(tx, runId, stepId, "step.started", true, text, now);
            return null;
        });
    }

    /**
     * Ends a step (a material event) unless it had ended.
     *
     * @return whether this call ended it
     */
    public boolean ended(String runId, String stepId, String status, String failure, Integer finalChars, String artifact, String text) {
        return store.write(tx -> {
            long now = System.currentTimeMillis();
            boolean changed = TeamTable.of(tx).ended(project, runId, stepId, status, failure, finalChars, artifact, now);
            if (changed) {
                event(tx, runId, stepId, "step.ended", true, status + (failure == null ? "" : ": " + failure) + (text == null ? "" : "; " + text), now);
            }
            return changed;
        });
    }

    /** Records routine activity of a step: its counters and, when {@code text} is given, an event that wakes no wait. */
    public void activity(String runId, String stepId, long in, long out, double usd, int toolCalls, String last, String kind, String text) {
        store.write(tx -> {
            long now = System.currentTimeMillis();
            TeamTable.of(tx).activity(project, runId, stepId, in, out, usd, toolCalls, last);
            if (text != null) {
                event(tx, runId, stepId, kind, false, text, now);
            }
            return null;
        });
    }

    /** Appends an event of the run; a material one wakes {@code run_status} waits. */
    public void event(String runId, String stepId, String kind, boolean material, String text) {
        store.write(tx -> {
            event(tx, runId, stepId, kind, material, text, System.currentTimeMillis());
            return null;
        });
    }

    private void event(dev.agentmesh.store.StoreTx tx, String runId, String stepId, String kind, boolean material, String text, long now) {
        TeamTable t = TeamTable.of(tx);
        t.event(project, runId, stepId, kind, material, Texts.oneLine(text == null ? "" : text, TeamLimits.EVENT_PREVIEW_CHARS), now);
        t.trimEvents(project, runId, TeamLimits.MAX_EVENTS_PER_RUN);
        if (material) {
            tx.signalAfterCommit(topic(project, runId));
        }
    }

    /**
     * Ends the run (a material event) unless it had ended; its retention starts.
     *
     * @return whether this call ended it
     */
    public boolean endRun(String runId, String status, String diagnostic) {
        return store.write(tx -> {
            TeamTable t = TeamTable.of(tx);
            Optional<TeamRun> run = t.run(project, runId);
            if (run.isEmpty() || run.get().terminal()) {
                return false;
            }
            long now = System.currentTimeMillis();
            t.endRun(project, runId, status, diagnostic, now, now + run.get().plan().limits().retentionSeconds() * 1000L);
            event(tx, runId, null, "run.ended", true, status + (diagnostic == null ? "" : ": " + diagnostic), now);
            return true;
        });
    }

    /** Notes that this supervisor ({@code pid}) drives the run now. */
    public void adopt(String runId, long pid) {
        store.write(tx -> {
            TeamTable.of(tx).adopt(project, runId, pid);
            return null;
        });
    }

    /**
     * Counts a milestone notice if the run's limits allow one now.
     *
     * @return whether one may be sent (and was counted)
     */
    public boolean takeNotice(String runId) {
        return store.write(tx -> {
            TeamTable t = TeamTable.of(tx);
            TeamRun r = t.run(project, runId).orElse(null);
            long now = System.currentTimeMillis();
            Long last = t.lastNoticeAt(project, runId);
            if (r == null || !"milestones".equals(r.noticeMode()) || r.noticesSent() >= r.maxNotices()
                    || (last != null && now - last < r.noticeInterval() * 1000L)) {
                return false;
            }
            t.noticeSent(project, runId, now);
            return true;
        });
    }

    /** @return events after {@code afterSeq}, oldest first, at most {@code limit}, of one step (and the run's own) when given */
    public List<TeamEvent> events(String runId, long afterSeq, String stepId, boolean materialOnly, int limit) {
        return store.read(tx -> TeamTable.of(tx).events(project, runId, afterSeq, stepId, materialOnly, limit));
    }

    /** @return the run's last event seq (its current cursor), 0 for none */
    public long cursor(String runId) {
        return store.read(tx -> TeamTable.of(tx).lastSeq(project, runId));
    }

    /**
     * What a bounded {@code run_status} wait saw (seeds/002).
     *
     * @param receipt {@code terminal} (the run has ended), {@code already-material} (a material event was there before
     *                the wait began), {@code material} (one committed during it) or {@code timeout}
     * @param cursor  the run's last event seq when it returned: pass it back as {@code cursor}
     * @param waitedMs how long it waited, in milliseconds
     */
    public record Wait(String receipt, long cursor, long waitedMs) {
    }

    /**
     * Waits, without polling, until a material event of the run (of {@code stepId} when given) commits after
     * {@code cursor}, the run ends, or {@code wait} passes.
     *
     * @param cursor the last seq the caller saw, or null for "from now"
     * @param wait   0 to 60 seconds
     */
    public Wait await(String runId, Long cursor, String stepId, Duration wait) {
        long begin = System.nanoTime();
        long from = cursor != null ? cursor : cursor(runId);
        Semaphore signal = new Semaphore(0);
        try (AutoCloseable sub = store.notifier().subscribe(topic(project, runId), signal::release)) {
            boolean first = true;
            long deadline = begin + wait.toNanos();
            while (true) {
                String[] p = pulse(runId, from, stepId);
                if (TeamRun.TERMINAL.contains(p[0])) {
                    return new Wait("terminal", Long.parseLong(p[2]), waited(begin));
                }
                if (p[1].equals("1")) {
                    return new Wait(first && cursor != null ? "already-material" : "material", Long.parseLong(p[2]), waited(begin));
                }
                first = false;
                long left = deadline - System.nanoTime();
                if (left <= 0 || !signal.tryAcquire(left, TimeUnit.NANOSECONDS)) {
                    String[] last = pulse(runId, from, stepId);
                    return new Wait(TeamRun.TERMINAL.contains(last[0]) ? "terminal" : "timeout", Long.parseLong(last[2]), waited(begin));
                }
                signal.drainPermits();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Wait("timeout", cursor(runId), waited(begin));
        } catch (Exception e) {
            throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
        }
    }

    /** @return {status, material-after "1"/"0", last seq} in one read */
    private String[] pulse(String runId, long after, String stepId) {
        return store.read(tx -> TeamTable.of(tx).pulse(project, runId, after, stepId)).orElseThrow(() -> notFound(runId));
    }

    private static long waited(long begin) {
        return (System.nanoTime() - begin) / 1_000_000;
    }

    /** @return the receipt given before for that message key, if any (exact-duplicate keys reuse it: seeds/002) */
    public Optional<String> receipt(String runId, String stepId, String key) {
        return store.read(tx -> TeamTable.of(tx).receipt(project, runId, stepId, key));
    }

    /**
     * Stores a message's receipt under its key and, when it counts against the step's budget, its characters.
     *
     * @param counted whether the attempt counts (seeds/002: 16 attempts or 65,536 characters per step)
     */
    public void saveReceipt(String runId, String stepId, String key, String receipt, boolean counted, int chars, String eventText) {
        store.write(tx -> {
            TeamTable t = TeamTable.of(tx);
            if (key != null) {
                t.saveReceipt(project, runId, stepId, key, receipt);
            }
            if (counted) {
                t.countMessage(project, runId, stepId, chars);
            }
            event(tx, runId, stepId, "step.message", false, eventText, System.currentTimeMillis());
            return null;
        });
    }

    /**
     * Deletes a terminal run's rows; the caller deletes its artifact folder.
     *
     * @return the run as it was
     * @throws dev.agentmesh.MeshException (invalid input) for an unknown run; (unexpected state) for a live one
     */
    public TeamRun cleanup(String runId) {
        return store.write(tx -> {
            TeamTable t = TeamTable.of(tx);
            TeamRun r = t.run(project, runId).orElseThrow(() -> notFound(runId));
            if (!r.terminal()) {
                throw TeamErrors.state("run " + runId + " is " + r.status() + "; cleanup frees terminal runs only.",
                        "wait for it to end (run_status with waitSeconds), or cancel it first.");
            }
            t.delete(project, runId);
            return r;
        });
    }
}
