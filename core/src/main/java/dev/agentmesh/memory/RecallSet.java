package dev.agentmesh.memory;

import dev.agentmesh.MeshException;
import dev.agentmesh.store.Store;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The labelled recall set on which memory recall is measured (issue 6, part 4: "measure recall on a small labelled
 * set you write (precision@3)"): 30 {@code agents.done} summaries in four workstreams and 20 queries, each with the
 * summaries a person judged worth recalling for it (none for 3 of them). Kept in {@code recall-set.json} beside this
 * class; shared by its test and {@code bin/bench recall}.
 */
public final class RecallSet {
    /** The project key under which {@link #evaluate} remembers the set. */
    public static final String PROJECT = "recall-set";
    /** The time of the queries, epoch ms (fixed, so that ages and scores repeat). */
    public static final long NOW = 1_800_000_000_000L;

    private static final String RESOURCE = "recall-set.json";
    private static final long DAY_MS = 24L * 3600 * 1000;

    /**
     * A labelled summary.
     *
     * @param id      the label, e.g. {@code b1}
     * @param ageDays how long before the queries it was remembered, in days
     */
    public record Item(String id, String workstream, String agent, String task, String summary, double ageDays) {
    }

    /**
     * A query and the labels of what it should recall.
     *
     * @param relevant labels of the items worth recalling; empty when nothing in the workstream is
     */
    public record Query(String workstream, String text, Set<String> relevant) {
    }

    /**
     * What one query recalled.
     *
     * @param recalled labels of the recalled items, best first, with their similarity
     */
    public record Outcome(Query query, List<Map.Entry<String, Double>> recalled) {
        /** @return how many recalled items are relevant */
        public long hits() {
            return recalled.stream().filter(e -> query.relevant().contains(e.getKey())).count();
        }
    }

    /**
     * The figures of a run over the set, with {@link AgentMemory#DEFAULT_K} = 3 memories per recall.
     *
     * @param precisionAt3    over the queries with relevant items: the share of recalled items that are relevant
     *                        (relevant recalled / recalled, at most 3 recalled), averaged; a query that recalls nothing
     *                        counts 0
     * @param recallAt3       over the same queries: relevant recalled / relevant, averaged
     * @param falseRecallRate over the queries with no relevant item: the share that recalled anything
     * @param outcomes        every query's outcome, in the set's order
     */
    public record Result(double precisionAt3, double recallAt3, double falseRecallRate, List<Outcome> outcomes) {
    }

    private final List<Item> items;
    private final List<Query> queries;

    private RecallSet(List<Item> items, List<Query> queries) {
        this.items = List.copyOf(items);
        this.queries = List.copyOf(queries);
    }

    /**
     * @return the set, read from the class path
     * @throws MeshException (internal) if the resource is missing or malformed
     */
    public static RecallSet load() {
        try (InputStream in = RecallSet.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw MeshException.internal("the recall set " + RESOURCE + " is not on the class path", null);
            }
            JsonNode root = new ObjectMapper().readTree(in);
            List<Item> items = new ArrayList<>();
            for (JsonNode n : root.get("items")) {
                items.add(new Item(n.get("id").asString(), n.get("workstream").asString(), n.get("agent").asString(),
                        n.get("task").asString(), n.get("summary").asString(), n.get("age_days").asDouble()));
            }
            List<Query> queries = new ArrayList<>();
            for (JsonNode n : root.get("queries")) {
                Set<String> relevant = new LinkedHashSet<>();
                n.get("relevant").forEach(r -> relevant.add(r.asString()));
                queries.add(new Query(n.get("workstream").asString(), n.get("query").asString(), Set.copyOf(relevant)));
            }
            return new RecallSet(items, queries);
        } catch (IOException | RuntimeException e) {
            throw e instanceof MeshException me ? me : MeshException.internal("cannot read the recall set " + RESOURCE + ": " + e, e);
        }
    }

    /** @return the labelled summaries, in the file's order */
    public List<Item> items() {
        return items;
    }

    /** @return the queries, in the file's order */
    public List<Query> queries() {
        return queries;
    }

    /**
     * Remembers every item under the project {@value #PROJECT} of {@code store} (forgetting what it held there
     * before), each {@code ageDays} before {@link #NOW}, then recalls each query at {@link #NOW} with the defaults.
     *
     * @return the figures; the memories stay in the store for further queries
     */
    public Result evaluate(Store store, Embedder embedder) {
        AtomicLong clock = new AtomicLong();
        AgentMemory memory = new AgentMemory(store, PROJECT, embedder, clock::get);
        memory.reset(Optional.empty());
        Map<Long, String> labels = new HashMap<>();
        for (Item i : items) {
            clock.set(NOW - Math.round(i.ageDays() * DAY_MS));
            labels.put(memory.remember(i.agent(), i.workstream(), i.task(), i.summary()).id(), i.id());
        }
        clock.set(NOW);
        List<Outcome> outcomes = new ArrayList<>();
        double precision = 0, recall = 0;
        int positive = 0, falseRecalls = 0;
        for (Query q : queries) {
            List<Map.Entry<String, Double>> got = memory.recall(q.workstream(), q.text()).stream()
                    .map(r -> Map.entry(labels.get(r.memory().id()), r.similarity())).toList();
            Outcome o = new Outcome(q, got);
            outcomes.add(o);
            if (q.relevant().isEmpty()) {
                falseRecalls += got.isEmpty() ? 0 : 1;
            } else {
                positive++;
                precision += got.isEmpty() ? 0 : o.hits() / (double) got.size();
                recall += o.hits() / (double) q.relevant().size();
            }
        }
        int negative = queries.size() - positive;
        return new Result(positive == 0 ? 0 : precision / positive, positive == 0 ? 0 : recall / positive,
                negative == 0 ? 0 : falseRecalls / (double) negative, outcomes);
    }
}
