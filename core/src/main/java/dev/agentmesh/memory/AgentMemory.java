package dev.agentmesh.memory;

import dev.agentmesh.MeshException;
import dev.agentmesh.Texts;
import dev.agentmesh.agents.Agents;
import dev.agentmesh.memory.internal.MemoryTable;
import dev.agentmesh.memory.internal.Vectors;
import dev.agentmesh.mesh.Presence;
import dev.agentmesh.store.Store;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The memory of persistent agents in one project (issue 6, part 4; seed 000): each {@code agents.done} summary is
 * embedded and kept with its workstream, agent, task and time; the next assignment in that workstream recalls the
 * closest ones, ranked by similarity and recency, as context marked "recalled". Workstreams isolate recall: a memory
 * is only ever recalled in the workstream it was made in, and only in its project.
 *
 * <p>Ranking: {@code score = } {@value #SIMILARITY_WEIGHT} {@code × similarity + } {@value #RECENCY_WEIGHT}
 * {@code × 0.5^(age / half-life)}, the half-life {@link #RECENCY_HALF_LIFE_MS} (7 days), where similarity is the
 * cosine of the query's and the memory's embeddings. A memory is only recalled when its similarity is at least
 * {@value #MIN_SIMILARITY}, so recency reorders relevant memories but never makes an unrelated one relevant, and a
 * fresh memory outranks a week-old one only when it is less than about 0.09 less similar. The threshold (0.25 and 0.35
 * did worse) and embedding the summary alone were chosen on the labelled set {@link RecallSet} (precision@3 0.75,
 * recall@3 0.88; its test and {@code bin/bench recall}); the recency weight barely moves those figures (0 to 0.3 give
 * the same at this threshold), so its value is a judgement, not a measurement.
 *
 * <p>Embedding runs outside any store transaction, on the caller's thread (a few ms per summary once the model is
 * loaded; the first use in a JVM loads it, about a second). Thread-safe.
 *
 * <p>This package uses {@code agents} (its limits) and {@code mesh} (agent names), so {@code agents} must not use it:
 * remembering on {@code agents.done} and recalling on {@code agents.assign} belong to their callers (api, server).
 */
public final class AgentMemory {
    /** Longest workstream tag, in characters; the same as {@link Agents#MAX_WORKSTREAM_CHARS}. */
    public static final int MAX_WORKSTREAM_CHARS = Agents.MAX_WORKSTREAM_CHARS;
    /** Longest summary remembered, in characters; the same as {@link Agents#MAX_SUMMARY_CHARS} (16 KiB). */
    public static final int MAX_SUMMARY_CHARS = Agents.MAX_SUMMARY_CHARS;
    /** Longest task remembered, and longest recall query, in characters; the same as {@link Agents#MAX_TASK_CHARS}. */
    public static final int MAX_TASK_CHARS = Agents.MAX_TASK_CHARS;
    /**
     * Characters of a summary or of a query that are embedded; the rest is stored but not embedded. The model reads
     * 510 tokens per partition and averages partitions; the first ones say best what a summary is about.
     */
    public static final int EMBEDDED_CHARS = 2_000;
    /** Memories recalled by default ({@code k}); the seed's "top matches". */
    public static final int DEFAULT_K = 3;
    /** Most memories one recall returns. */
    public static final int MAX_K = 20;
    /** Default bound of a recall's text: the characters of the tasks and summaries it returns, together. */
    public static final int DEFAULT_MAX_CHARS = 4_000;
    /** Smallest bound a caller may give a recall, in characters. */
    public static final int MIN_MAX_CHARS = 500;
    /** Largest bound a caller may give a recall, in characters. */
    public static final int MAX_MAX_CHARS = 16 * 1024;
    /** Characters of a memory's task shown in a recall and in {@link #formatRecalled}. */
    public static final int TASK_SHOWN_CHARS = 240;
    /** Longest block {@link #formatRecalled} renders, in characters, header included. */
    public static final int FORMAT_MAX_CHARS = MAX_MAX_CHARS + 2_048;
    /** Least cosine similarity of a recalled memory to the query, -1..1. */
    public static final double MIN_SIMILARITY = 0.3;
    /** Weight of similarity in the score. */
    public static final double SIMILARITY_WEIGHT = 0.85;
    /** Weight of recency in the score: a memory made now gains this much over one far older. */
    public static final double RECENCY_WEIGHT = 0.15;
    /** Age at which a memory's recency term has halved, in ms (7 days). */
    public static final long RECENCY_HALF_LIFE_MS = 7L * 24 * 3600 * 1000;
    /** Newest memories of a workstream that a recall compares with the query; older ones are not recalled. */
    public static final int SCAN_LIMIT = 2_000;

    /** Room a cut memory must still have for its summary, in characters; below it the recall stops. */
    private static final int MIN_SUMMARY_ROOM = 100;

    private final Store store;
    private final String project;
    private final Embedder embedder;
    private final LongSupplier clock;

    /**
     * The memory of {@code project} with the shared all-MiniLM-L6-v2 embedder ({@link Embedder#allMiniLm()}, loaded on
     * first use) and the system clock.
     *
     * @param store   the store
     * @param project the project key
     */
    public AgentMemory(Store store, String project) {
        this(store, project, Embedder.allMiniLm(), System::currentTimeMillis);
    }

    /**
     * @param store    the store
     * @param project  the project key
     * @param embedder what embeds summaries and queries; its {@link Embedder#id()} is stored with each memory
     * @param clock    now, in epoch ms: the time of new memories and the age of old ones
     */
    public AgentMemory(Store store, String project, Embedder embedder, LongSupplier clock) {
        this.store = store;
        this.project = project;
        this.embedder = embedder;
        this.clock = clock;
    }

    /**
     * Embeds and stores a summary ({@code agents.done}, seed 000). Only the summary is embedded (its first
     * {@value #EMBEDDED_CHARS} characters): on the labelled set, adding the task lowered precision@3 from 0.75 to 0.67.
     *
     * @param agent      the agent that wrote it (an agent name: a letter, then up to 63 letters, digits, {@code _ . -})
     * @param workstream the workstream of the assignment, 1..{@value #MAX_WORKSTREAM_CHARS} characters, no control
     *                   characters
     * @param task       the assignment it answers, at most {@value #MAX_TASK_CHARS} characters; null or blank when none
     * @param summary    the summary, 1..{@value #MAX_SUMMARY_CHARS} characters, not blank
     * @return the memory as stored
     * @throws MeshException (invalid input) for a bad agent name, workstream, task or summary, naming it;
     *                       (internal) if the embedder fails; (unexpected state) if the store does
     */
    public Memory remember(String agent, String workstream, String task, String summary) {
        Presence.checkName(agent);
        checkWorkstream(workstream);
        String t = task == null || task.isBlank() ? null : task;
        if (t != null && t.length() > MAX_TASK_CHARS) {
            throw MeshException.invalidInput("task is " + t.length() + " characters; the limit is " + MAX_TASK_CHARS);
        }
        if (summary == null || summary.isBlank()) {
            throw MeshException.invalidInput("a memory needs a summary (agents.done summary: what was accomplished)");
        }
        if (summary.length() > MAX_SUMMARY_CHARS) {
            throw MeshException.invalidInput("summary is " + summary.length() + " characters; the limit is " + MAX_SUMMARY_CHARS);
        }
        float[] v = embed(summary);
        Memory m = new Memory(0, workstream, agent, t, summary, clock.getAsLong());
        long id = store.write(tx -> MemoryTable.of(tx).insert(project, m, embedder.id(), v));
        return new Memory(id, m.workstream(), m.agent(), m.task(), m.summary(), m.createdAt());
    }

    /**
     * {@link #recall(String, String, int, int)} with {@value #DEFAULT_K} memories of at most {@value #DEFAULT_MAX_CHARS}
     * characters.
     */
    public List<Recalled> recall(String workstream, String query) {
        return recall(workstream, query, DEFAULT_K, DEFAULT_MAX_CHARS);
    }

    /**
     * The memories of {@code workstream} closest to {@code query} ({@code agents.assign}, seed 000): of its newest
     * {@value #SCAN_LIMIT}, those with a similarity of at least {@value #MIN_SIMILARITY}, best {@link #score} first,
     * at most {@code k}. Their tasks are cut to {@value #TASK_SHOWN_CHARS} characters, and their tasks and summaries
     * together hold at most {@code maxChars} characters: the memory that would pass the bound is cut to fit (and
     * marked {@link Recalled#cut()}), and those after it are left out.
     *
     * @param workstream the workstream, as for {@link #remember}
     * @param query      what to recall for, usually the new task; 1..{@value #MAX_TASK_CHARS} characters, not blank
     * @param k          most memories, 1..{@value #MAX_K}
     * @param maxChars   bound of the text returned, {@value #MIN_MAX_CHARS}..{@value #MAX_MAX_CHARS} characters
     * @return the recalled memories, best first; empty when none is similar enough
     * @throws MeshException (invalid input) for a bad workstream, query, {@code k} or {@code maxChars}, naming it;
     *                       (internal) if the embedder fails; (unexpected state) if the store does
     */
    public List<Recalled> recall(String workstream, String query, int k, int maxChars) {
        checkWorkstream(workstream);
        if (query == null || query.isBlank()) {
            throw MeshException.invalidInput("recall needs a query (the new task)");
        }
        if (query.length() > MAX_TASK_CHARS) {
            throw MeshException.invalidInput("query is " + query.length() + " characters; the limit is " + MAX_TASK_CHARS);
        }
        if (k < 1 || k > MAX_K) {
            throw MeshException.invalidInput("k " + k + " is out of range: recall 1.." + MAX_K + " memories");
        }
        if (maxChars < MIN_MAX_CHARS || maxChars > MAX_MAX_CHARS) {
            throw MeshException.invalidInput("maxChars " + maxChars + " is out of range: " + MIN_MAX_CHARS + ".." + MAX_MAX_CHARS);
        }
        float[] q = embed(query);
        long now = clock.getAsLong();
        record Ranked(long id, double similarity, double score) {
        }
        return store.read(tx -> {
            MemoryTable table = MemoryTable.of(tx);
            List<Ranked> top = table.candidates(project, workstream, embedder.id(), SCAN_LIMIT).stream()
                    .map(c -> {
                        double sim = Vectors.cosine(q, c.embedding());
                        return new Ranked(c.id(), sim, score(sim, now - c.createdAt()));
                    })
                    .filter(r -> r.similarity() >= MIN_SIMILARITY)
                    .sorted(Comparator.comparingDouble(Ranked::score).reversed().thenComparing(Ranked::id, Comparator.reverseOrder()))
                    .limit(k).toList();
            Map<Long, Memory> texts = table.byIds(project, top.stream().map(Ranked::id).toList());
            List<Recalled> out = new ArrayList<>();
            int left = maxChars;
            for (Ranked r : top) {
                Memory m = texts.get(r.id());
                String task = m.task() == null ? null : cut(m.task(), TASK_SHOWN_CHARS);
                int taskChars = task == null ? 0 : task.length();
                boolean cut = task != null && task.length() < m.task().length();
                String summary = m.summary();
                if (taskChars + summary.length() > left) {
                    if (left - taskChars < MIN_SUMMARY_ROOM) {
                        break;
                    }
                    summary = cut(summary, left - taskChars);
                    cut = true;
                }
                left -= taskChars + summary.length();
                out.add(new Recalled(new Memory(m.id(), m.workstream(), m.agent(), task, summary, m.createdAt()),
                        r.similarity(), r.score(), cut));
            }
            return out;
        });
    }

    /**
     * The ranking score of a memory: {@value #SIMILARITY_WEIGHT} × similarity + {@value #RECENCY_WEIGHT} ×
     * 0.5^(age / {@link #RECENCY_HALF_LIFE_MS}).
     *
     * @param similarity cosine similarity to the query, -1..1
     * @param ageMs      the memory's age in ms; a negative age (a clock set back) counts as 0
     * @return the score, higher is better; at most 1
     */
    public static double score(double similarity, long ageMs) {
        double recency = Math.pow(0.5, Math.max(0, ageMs) / (double) RECENCY_HALF_LIFE_MS);
        return SIMILARITY_WEIGHT * similarity + RECENCY_WEIGHT * recency;
    }

    /**
     * Loads the embedding model now (once per JVM; later calls return at once), so the first {@link #recall} or
     * {@link #remember} does not wait for it. The supervisor calls it on a background thread when it starts an agent.
     *
     * @throws MeshException (unexpected state) if the model cannot be loaded
     */
    public void warmUp() {
        embedder.load();
    }

    /** @return what the project's memory holds ({@code agents.memory.stats}, seed 000) */
    public MemoryStats stats() {
        List<MemoryStats.Workstream> ws = store.read(tx -> MemoryTable.of(tx).stats(project));
        return new MemoryStats(ws.stream().mapToInt(MemoryStats.Workstream::count).sum(), ws);
    }

    /**
     * Forgets memories ({@code agents.memory.reset [workstream]}, seed 000): those of one workstream, or all of the
     * project's; other projects' are kept.
     *
     * @param workstream the workstream to forget, as for {@link #remember}; empty for every workstream
     * @return how many memories were removed, 0 when there were none
     * @throws MeshException (invalid input) for a bad workstream
     */
    public int reset(Optional<String> workstream) {
        workstream.ifPresent(AgentMemory::checkWorkstream);
        return store.write(tx -> MemoryTable.of(tx).delete(project, workstream));
    }

    /**
     * Renders recalled memories as the block injected into an assignment: a header line that marks it as recalled and
     * possibly stale context, then one bullet line per memory with its agent, age, task and summary (each on one line,
     * control characters escaped, so a summary cannot start a line of its own). The block holds at most
     * {@value #FORMAT_MAX_CHARS} characters; a bullet that would pass it is cut, and those after it are left out.
     *
     * @param items memories of one workstream, as {@link #recall} returns them; the header names the first one's
     * @return the block, ending with a new line; "" when {@code items} is empty
     */
    public String formatRecalled(List<Recalled> items) {
        if (items.isEmpty()) {
            return "";
        }
        long now = clock.getAsLong();
        StringBuilder sb = new StringBuilder("Recalled context (from earlier assignments in workstream ")
                .append(Texts.escape(items.getFirst().memory().workstream())).append("; may be stale):\n");
        for (Recalled r : items) {
            Memory m = r.memory();
            String line = "- " + Texts.escape(m.agent()) + ", " + age(now - m.createdAt())
                    + (m.task() == null ? "" : " | task: " + Texts.escape(Texts.oneLine(m.task(), TASK_SHOWN_CHARS)))
                    + " | summary: " + Texts.escape(Texts.oneLine(m.summary(), FORMAT_MAX_CHARS));
            int room = FORMAT_MAX_CHARS - sb.length() - 1;
            if (line.length() > room) {
                if (room >= MIN_SUMMARY_ROOM) {
                    sb.append(cut(line, room)).append('\n');
                }
                break;
            }
            sb.append(line).append('\n');
        }
        return sb.toString();
    }

    /**
     * @throws MeshException (invalid input) unless {@code workstream} is 1..{@value #MAX_WORKSTREAM_CHARS} characters,
     *                       not blank, with no control characters
     */
    public static void checkWorkstream(String workstream) {
        if (workstream == null || workstream.isBlank()) {
            throw MeshException.invalidInput("memory needs a workstream (e.g. backtester): recall is kept apart by workstream");
        }
        if (workstream.length() > MAX_WORKSTREAM_CHARS || workstream.codePoints().anyMatch(Character::isISOControl)) {
            throw MeshException.invalidInput("workstream '" + Texts.quote(workstream, 80) + "' must be 1.." + MAX_WORKSTREAM_CHARS
                    + " characters without control characters");
        }
    }

    private float[] embed(String text) {
        float[] v = embedder.embed(text.length() <= EMBEDDED_CHARS ? text : text.substring(0, EMBEDDED_CHARS));
        if (v == null || v.length != Embedder.DIMENSIONS) {
            throw MeshException.internal("the embedder " + embedder.id() + " returned " + (v == null ? "nothing" : v.length + " floats")
                    + " instead of " + Embedder.DIMENSIONS, null);
        }
        return v;
    }

    /** @return {@code text} cut to {@code max} characters with "..." */
    private static String cut(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 3) + "...";
    }

    /** @return e.g. "just now", "12 min ago", "5 h ago", "3 d ago" */
    private static String age(long ms) {
        long min = Math.max(0, ms) / 60_000;
        if (min < 1) {
            return "just now";
        }
        if (min < 60) {
            return min + " min ago";
        }
        return min < 48 * 60 ? min / 60 + " h ago" : min / (24 * 60) + " d ago";
    }
}
