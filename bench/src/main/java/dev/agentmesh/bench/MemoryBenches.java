package dev.agentmesh.bench;

import dev.agentmesh.api.Json;
import dev.agentmesh.memory.AgentMemory;
import dev.agentmesh.memory.Embedder;
import dev.agentmesh.memory.RecallSet;
import dev.agentmesh.store.Store;
import tools.jackson.databind.node.ObjectNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static dev.agentmesh.bench.BenchSupport.*;

/** {@code recall}: memory recall quality and cost on the labelled set, in process (issue 6, benchmarks; see {@link Bench}). */
final class MemoryBenches {
    /** Rounds of embedding the set's 30 summaries for the warm timings. */
    static final int ROUNDS = 10;
    /** Memories in the one workstream of the scan timing: the most a recall compares ({@link AgentMemory#SCAN_LIMIT}). */
    static final int SCAN = AgentMemory.SCAN_LIMIT;

    private MemoryBenches() {
    }

    static void recall() throws Exception {
        Path dir = Files.createTempDirectory("mesh-bench-recall");
        Embedder embedder = Embedder.allMiniLm();
        RecallSet set = RecallSet.load();
        ObjectNode o = Json.MAPPER.createObjectNode().put("benchmark", "recall").put("embedder", embedder.id())
                .put("summaries", set.items().size()).put("queries", set.queries().size());

        long t0 = System.nanoTime();
        embedder.load();
        o.put("model_load_ms", round((System.nanoTime() - t0) / 1e6));
        t0 = System.nanoTime();
        embedder.embed(set.items().getFirst().summary());
        o.put("first_embed_ms", round((System.nanoTime() - t0) / 1e6));
        for (int i = 0; i < 50; i++) {
            embedder.embed(set.items().get(i % set.items().size()).summary());
        }
        double[] embed = new double[ROUNDS * set.items().size()];
        for (int r = 0, n = 0; r < ROUNDS; r++) {
            for (RecallSet.Item item : set.items()) {
                long s = System.nanoTime();
                embedder.embed(item.summary());
                embed[n++] = (System.nanoTime() - s) / 1e6;
            }
        }
        Arrays.sort(embed);
        o.put("embed_p50_ms", round(percentile(embed, 50))).put("embed_p99_ms", round(percentile(embed, 99)));
        String longest = "x ".repeat(AgentMemory.EMBEDDED_CHARS / 2);
        double[] embedLong = new double[20];
        for (int i = 0; i < embedLong.length; i++) {
            long s = System.nanoTime();
            embedder.embed(longest);
            embedLong[i] = (System.nanoTime() - s) / 1e6;
        }
        Arrays.sort(embedLong);
        o.put("embed_p50_ms_" + AgentMemory.EMBEDDED_CHARS + "_chars", round(percentile(embedLong, 50)));

        try (Store store = Store.openSqlite(dir.resolve("mesh.db"))) {
            RecallSet.Result r = set.evaluate(store, embedder);
            o.put("precision_at_3", round3(r.precisionAt3())).put("recall_at_3", round3(r.recallAt3()))
                    .put("false_recall_rate", round3(r.falseRecallRate()));
            AgentMemory memory = new AgentMemory(store, RecallSet.PROJECT, embedder, () -> RecallSet.NOW);
            double[] recall = new double[ROUNDS * set.queries().size()];
            for (int round = 0, n = 0; round < ROUNDS; round++) {
                for (RecallSet.Query q : set.queries()) {
                    long s = System.nanoTime();
                    memory.recall(q.workstream(), q.text());
                    recall[n++] = (System.nanoTime() - s) / 1e6;
                }
            }
            Arrays.sort(recall);
            o.put("recall_p50_ms", round(percentile(recall, 50))).put("recall_p99_ms", round(percentile(recall, 99)));

            System.err.println("bench: remembering " + SCAN + " summaries in one workstream...");
            AgentMemory big = new AgentMemory(store, "scan", embedder, System::currentTimeMillis);
            double[] remember = new double[SCAN];
            for (int i = 0; i < SCAN; i++) {
                RecallSet.Item item = set.items().get(i % set.items().size());
                long s = System.nanoTime();
                big.remember(item.agent(), "scan", item.task(), "#" + i + " " + item.summary());
                remember[i] = (System.nanoTime() - s) / 1e6;
            }
            Arrays.sort(remember);
            o.put("remember_p50_ms", round(percentile(remember, 50))).put("remember_p99_ms", round(percentile(remember, 99)));
            double[] scan = new double[set.queries().size()];
            for (int i = 0; i < scan.length; i++) {
                long s = System.nanoTime();
                big.recall("scan", set.queries().get(i).text());
                scan[i] = (System.nanoTime() - s) / 1e6;
            }
            Arrays.sort(scan);
            o.put("recall_p50_ms_" + SCAN + "_memories", round(percentile(scan, 50)));
        }
        System.out.println(o);
    }

    private static double round3(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
