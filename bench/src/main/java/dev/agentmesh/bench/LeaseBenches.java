package dev.agentmesh.bench;

import dev.agentmesh.api.Caller;
import dev.agentmesh.api.Json;
import dev.agentmesh.cli.client.RemoteMeshApi;
import dev.agentmesh.server.RunFile;
import tools.jackson.databind.node.ObjectNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.agentmesh.bench.BenchSupport.*;

/** {@code reservations} and {@code claims}, with the claimant processes (see {@link Bench}). */
final class LeaseBenches {
    private LeaseBenches() {
    }

    static void reservations() throws Exception {
        int agents = 1000;
        try (Setup s = setup(List.of("Checker"))) {
            RemoteMeshApi api = new RemoteMeshApi(s.runFile(), s.repo());
            System.err.println("bench: 1,000 agents reserve 10 paths each...");
            for (int i = 0; i < agents; i++) {
                String name = "A" + i;
                Caller agent = new Caller(null, s.repo(), ProcessHandle.current().pid(), "bench", null);
                api.call(agent, Json.MAPPER.createObjectNode().put("action", "join").put("name", name));
                ObjectNode reserve = Json.MAPPER.createObjectNode().put("action", "reserve").put("reason", "bench");
                var paths = reserve.putArray("paths");
                for (int k = 0; k < 7; k++) {
                    paths.add("src/m" + i + "/file" + k + ".ts");
                }
                for (int k = 0; k < 3; k++) {
                    paths.add("lib/m" + i + "/d" + k + "/");
                }
                api.call(agent, reserve);
            }
            Caller checker = s.as("Checker");
            Mulberry32 rnd = new Mulberry32(7);
            int warm = 300;
            int n = 2000;
            double[] ms = new double[n];
            for (int k = -warm; k < n; k++) {
                int i = rnd.next(agents);
                String path = k % 2 == 0 ? "src/m" + i + "/file" + rnd.next(7) + ".ts" : "lib/m" + i + "/d" + rnd.next(3) + "/x/free" + k + ".ts";
                if (k % 4 == 1) {
                    path = "docs/free" + k + ".md";
                }
                ObjectNode check = Json.MAPPER.createObjectNode().put("action", "reservations.check");
                check.putArray("paths").add(path);
                long t = System.nanoTime();
                api.call(checker, check);
                if (k >= 0) {
                    ms[k] = (System.nanoTime() - t) / 1e6;
                }
            }
            java.util.Arrays.sort(ms);
            // the check alone, on the same store, without HTTP
            double[] local = new double[n];
            try (var store = dev.agentmesh.store.Store.openSqlite(s.store())) {
                var mesh = dev.agentmesh.mesh.Mesh.create(store, dev.agentmesh.project.Project.locate(s.repo()));
                for (int k = -warm; k < n; k++) {
                    int i = rnd.next(agents);
                    long t = System.nanoTime();
                    mesh.reservations().check("Checker", s.repo(), List.of("src/m" + i + "/file" + rnd.next(7) + ".ts"));
                    if (k >= 0) {
                        local[k] = (System.nanoTime() - t) / 1e6;
                    }
                }
            }
            java.util.Arrays.sort(local);
            System.out.println(Json.MAPPER.createObjectNode().put("benchmark", "reservations").put("agents", agents)
                    .put("reservations", agents * 10).put("checks", n)
                    .put("p50_ms", round(percentile(ms, 50))).put("p99_ms", round(percentile(ms, 99)))
                    .put("p50_ms_in_process", round(percentile(local, 50))).put("p99_ms_in_process", round(percentile(local, 99))));
        }
    }

    static void claims() throws Exception {
        int procs = 16;
        int rounds = 100;
        try (Setup s = setup(List.of())) {
            Path go = s.dir().resolve("go");
            List<Process> claimers = new ArrayList<>();
            for (int i = 0; i < procs; i++) {
                claimers.add(java(Bench.class.getName(), List.of("claimer", s.store().toString(), s.repo().toString(), "C" + i,
                        Integer.toString(rounds), go.toString(), s.dir().resolve("C" + i + ".txt").toString()), s.store(),
                        s.dir().resolve("C" + i + ".log")));
            }
            awaitFiles(s.dir(), "C", ".ready", procs);
            Files.writeString(go, "go");
            // every claimant stays alive until all are done: a claimant that exits frees its claims (as a dead
            // holder's are freed), and a later claim of such a task is not a double win
            awaitFiles(s.dir(), "C", ".done", procs);
            Files.writeString(s.dir().resolve("end"), "end");
            for (Process p : claimers) {
                p.waitFor(180, TimeUnit.SECONDS);
            }
            Map<String, Integer> winners = new HashMap<>();
            List<Double> ms = new ArrayList<>();
            for (int i = 0; i < procs; i++) {
                for (String line : Files.readAllLines(s.dir().resolve("C" + i + ".txt"))) {
                    String[] f = line.split(" ");
                    ms.add(Double.parseDouble(f[2]));
                    if (f[1].equals("won")) {
                        winners.merge(f[0], 1, Integer::sum);
                    }
                }
            }
            long doubles = winners.values().stream().filter(v -> v > 1).count();
            double[] sorted = ms.stream().mapToDouble(Double::doubleValue).sorted().toArray();

            // a claimant killed while it holds a task; a contender retries every 5 ms
            Process victim = java(Bench.class.getName(), List.of("claimer", s.store().toString(), s.repo().toString(), "Victim",
                    "-1", go.toString(), s.dir().resolve("Victim.txt").toString()), s.store(), s.dir().resolve("Victim.log"));
            awaitFiles(s.dir(), "Victim", ".ready", 1);
            RemoteMeshApi api = new RemoteMeshApi(s.runFile(), s.repo());
            Caller contender = new Caller("Contender", s.repo(), ProcessHandle.current().pid(), "bench", null);
            api.call(contender, Json.MAPPER.createObjectNode().put("action", "join").put("name", "Contender"));
            ObjectNode claim = Json.MAPPER.createObjectNode().put("action", "claim").put("taskId", "held-by-victim");
            long killedAt = System.nanoTime();
            victim.destroyForcibly();
            victim.waitFor();
            long blocked = -1;
            while (blocked < 0 && System.nanoTime() - killedAt < 120_000_000_000L) {
                try {
                    api.call(contender, claim);
                    blocked = (System.nanoTime() - killedAt) / 1_000_000;
                } catch (dev.agentmesh.MeshException e) {
                    Thread.sleep(5);
                }
            }
            System.out.println(Json.MAPPER.createObjectNode().put("benchmark", "claims").put("processes", procs)
                    .put("rounds", rounds).put("claims", sorted.length).put("tasks_won", winners.size())
                    .put("double_wins", doubles).put("p50_ms", round(percentile(sorted, 50)))
                    .put("p99_ms", round(percentile(sorted, 99))).put("blocked_ms_after_kill", blocked));
        }
    }

    /**
     * A claimant process: joins as {@code name} with its own pid, then claims {@code task-0..rounds-1} in order,
     * writes "task won|lost ms" per claim and stays alive (holding its claims) until the {@code end} file appears;
     * with {@code rounds < 0}, claims one task and waits to be killed.
     */
    static void claimer(Path store, Path repo, String name, int rounds, Path go, Path out) throws Exception {
        RemoteMeshApi api = new RemoteMeshApi(RunFile.read(store).orElseThrow(), repo);
        Caller me = new Caller(null, repo, ProcessHandle.current().pid(), "bench", null);
        api.call(me, Json.MAPPER.createObjectNode().put("action", "join").put("name", name));
        if (rounds < 0) {
            api.call(me, Json.MAPPER.createObjectNode().put("action", "claim").put("taskId", "held-by-victim"));
            Files.writeString(store.resolveSibling(name + ".ready"), "");
            Thread.sleep(600_000);
            return;
        }
        api.call(me, Json.MAPPER.createObjectNode().put("action", "swarm"));
        Files.writeString(store.resolveSibling(name + ".ready"), "");
        while (!Files.exists(go)) {
            Thread.sleep(1);
        }
        List<String> lines = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            ObjectNode claim = Json.MAPPER.createObjectNode().put("action", "claim").put("taskId", "task-" + r);
            long t = System.nanoTime();
            String outcome;
            try {
                api.call(me, claim);
                outcome = "won";
            } catch (dev.agentmesh.MeshException e) {
                outcome = "lost";
            }
            lines.add("task-" + r + " " + outcome + " " + (System.nanoTime() - t) / 1e6);
        }
        Files.write(out, lines);
        Files.writeString(store.resolveSibling(name + ".done"), "");
        while (!Files.exists(store.resolveSibling("end"))) {
            Thread.sleep(10);
        }
        System.exit(0);
    }
}
