package dev.agentmesh.server.crew;

import dev.agentmesh.MeshException;
import dev.agentmesh.api.Json;
import dev.agentmesh.api.LocalMeshApi;
import dev.agentmesh.api.Wire;
import dev.agentmesh.crew.CrewRunner;
import dev.agentmesh.store.Notifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The crews the supervisor runs (issue 5, part 6): {@code mesh crew run} hands its run here and follows it, so a
 * CLI that is killed leaves the run going (and {@code mesh crew run} again follows it) instead of leaving tasks
 * {@code in_progress} and agents orphaned. At most one job per project; the last job of a project stays, ended,
 * until the next starts, so a follower that comes late still gets its end. Progress lines and the end wake the
 * project's topic ({@link #topic}) on the store's notifier. Thread-safe.
 */
public final class CrewJobs {
    /** Most progress lines a job keeps for its followers; older ones are dropped (the count stays). */
    public static final int MAX_LINES = 20_000;
    private static final Logger LOG = LoggerFactory.getLogger(CrewJobs.class);

    /**
     * What {@code mesh crew run} asks for.
     *
     * @param settings    the run's settings, as the CLI computed them from its options and the project's config
     * @param modelUrl    an OpenAI-compatible endpoint for every agent, or null
     * @param env         the environment of the CLI: the agents get it (its PATH finds pi, its keys reach the model)
     * @param selfCommand the command line of {@code mesh}, for the agents' extension
     */
    public record Request(CrewRunner.Settings settings, String modelUrl, Map<String, String> env, List<String> selfCommand) {
    }

    /** One crew run in the supervisor, with the lines it printed and, once it ended, how. */
    public static final class Job {
        private final String project;
        private final long startedAt = System.currentTimeMillis();
        private final List<String> lines = new ArrayList<>();
        private final CountDownLatch ended = new CountDownLatch(1);
        private int dropped;
        private volatile CrewRunner runner;
        private volatile boolean stopRequested;
        private volatile ObjectNode end;

        private Job(String project) {
            this.project = project;
        }

        /** @return epoch ms it started */
        public long startedAt() {
            return startedAt;
        }

        /**
         * The lines a follower has not seen.
         *
         * @param first the index of the first of {@code lines} (indexes count every line ever printed)
         */
        public record Lines(long first, List<String> lines) {
        }

        /** @return the lines from index {@code from} on, or from the oldest one kept when older ones were dropped */
        public synchronized Lines linesFrom(long from) {
            int start = (int) Math.max(0, Math.min(lines.size(), from - dropped));
            return new Lines(dropped + start, List.copyOf(lines.subList(start, lines.size())));
        }

        /** @return how many lines it has printed */
        public synchronized long lineCount() {
            return dropped + lines.size();
        }

        /**
         * @return once it ended, {@code {"summary": CrewSummaryWire, "text": "...", "exitCode": 0|1}} or
         *     {@code {"error": {"kind", "message"}, "exitCode": 2|3|4}}; empty while it runs
         */
        public Optional<ObjectNode> end() {
            return Optional.ofNullable(end);
        }

        private synchronized void add(String line) {
            lines.add(line);
            if (lines.size() > MAX_LINES) {
                lines.removeFirst();
                dropped++;
            }
        }
    }

    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final Path store;
    private final Notifier notifier;

    /**
     * @param store    the store file (its supervisor is spared by the clean-up of a run)
     * @param notifier where progress is signalled
     */
    public CrewJobs(Path store, Notifier notifier) {
        this.store = store;
        this.notifier = notifier;
    }

    /** @return the notifier topic signalled when a job of {@code project} prints a line or ends */
    public static String topic(String project) {
        return "crew:" + project;
    }

    /**
     * Starts a crew run of {@code api}'s project on a thread of its own, or returns the one running.
     *
     * @return the job, and whether it was already running (the caller then follows it: its request is ignored)
     */
    public synchronized Map.Entry<Job, Boolean> startOrAttach(LocalMeshApi api, Request request) {
        String project = api.mesh().project().key();
        Job running = jobs.get(project);
        if (running != null && running.end == null) {
            return Map.entry(running, true);
        }
        Job job = new Job(project);
        jobs.put(project, job);
        Thread.ofPlatform().name("crew-" + project).start(() -> run(job, api, request));
        return Map.entry(job, false);
    }

    /** @return the latest job of {@code project}, running or ended */
    public Optional<Job> job(String project) {
        return Optional.ofNullable(jobs.get(project));
    }

    /**
     * Asks the running job of {@code project} to stop: its agents are stopped and their tasks go back to todo; the
     * job's end follows within about 20 s, or as soon as its set-up (finding or installing pi) ends.
     *
     * @return whether a job was running
     */
    public boolean stop(String project) {
        Job job = jobs.get(project);
        if (job == null || job.end != null) {
            return false;
        }
        job.stopRequested = true;
        CrewRunner r = job.runner;
        if (r != null) {
            Thread.ofPlatform().name("crew-stop-" + project).start(() -> r.interrupt(Duration.ofSeconds(20)));
        }
        return true;
    }

    /** Stops every running job and waits up to {@code wait} for them to end (the supervisor is stopping). */
    public void stopAll(Duration wait) {
        jobs.keySet().forEach(this::stop);
        long deadline = System.nanoTime() + wait.toNanos();
        for (Job j : jobs.values()) {
            try {
                j.ended.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** @return whether a job is running (the supervisor does not stop for idleness then) */
    public boolean anyRunning() {
        return jobs.values().stream().anyMatch(j -> j.end == null);
    }

    private synchronized boolean othersRunning(Job job) {
        return jobs.values().stream().anyMatch(j -> j != job && j.end == null);
    }

    private void run(Job job, LocalMeshApi api, Request request) {
        java.util.function.Consumer<String> out = line -> {
            job.add(line);
            notifier.signal(topic(job.project));
        };
        ObjectNode end = Json.MAPPER.createObjectNode();
        try {
            CrewRunner runner = CrewSetup.prepare(store, api, request.settings(), request.modelUrl(), request.env(),
                    request.selfCommand(), out);
            job.runner = runner;
            if (job.stopRequested) {
                runner.interrupt(Duration.ZERO);
            }
            // the clean-up at the end kills every process left under the supervisor: not while another crew runs
            CrewRunner.Summary summary = CrewSetup.run(runner, store, () -> !othersRunning(job), out);
            end.set("summary", Wire.crewSummary(summary));
            end.put("text", CrewSetup.summaryText(summary));
            end.put("exitCode", summary.status().equals("done") ? 0 : 1);
        } catch (MeshException e) {
            end.putObject("error").put("kind", e.kind().name().toLowerCase(java.util.Locale.ROOT)).put("message", e.getMessage());
            end.put("exitCode", switch (e.kind()) {
                case INVALID_INPUT -> 2;
                case UNEXPECTED_STATE -> 3;
                case INTERNAL -> 4;
            });
        } catch (RuntimeException e) {
            LOG.warn("the crew run of {} failed", job.project, e);
            end.putObject("error").put("kind", "internal").put("message", "internal error: " + e);
            end.put("exitCode", 4);
        } finally {
            job.end = end;
            job.ended.countDown();
            notifier.signal(topic(job.project));
        }
    }
}
