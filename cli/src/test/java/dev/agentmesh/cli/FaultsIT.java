package dev.agentmesh.cli;

import dev.agentmesh.MeshException;
import dev.agentmesh.api.ApiResult;
import dev.agentmesh.api.Caller;
import dev.agentmesh.api.Json;
import dev.agentmesh.cli.client.RemoteMeshApi;
import dev.agentmesh.cli.client.SupervisorClient;
import dev.agentmesh.server.RunFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Faults of issue 5, part 8, on real processes: the supervisor SIGKILLed in the middle of a storm of 10,000 messages
 * loses none that a sender had acknowledged and the agent reading them ({@code mesh inbox --follow}) sees each once;
 * a reader SIGKILLed between a commit and its print loses none. The senders are the product's client
 * ({@link RemoteMeshApi} found or started by {@link SupervisorClient}, as every CLI command finds it), retrying an
 * unanswered send under its idempotency key.
 */
class FaultsIT {
    private static final int SENDERS = 4;
    private static final int STORM = 10_000;

    @TempDir
    Path tmp;
    private Path repo;
    private Path store;
    private Map<String, String> env;
    private final Set<Long> supervisors = ConcurrentHashMap.newKeySet();
    private final List<Process> readers = new ArrayList<>();

    @BeforeEach
    void aRepository() throws Exception {
        var r = ItSupport.SupervisedRepo.in(tmp);
        repo = r.repo();
        store = r.store();
        env = r.env();
    }

    @AfterEach
    void stopEverything() throws Exception {
        for (Process p : readers) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        ItSupport.killSupervisors(store, supervisors);
    }

    @Test
    void aSupervisorKilledInAStormOfTenThousandMessagesLosesNoneAcknowledgedAndTheReaderSeesEachOnce() throws Exception {
        RemoteMeshApi api = client();
        Caller ann = join(api, "Ann");
        Caller bob = join(api, "Bob");
        Path out = tmp.resolve("bob.out");
        readers.add(follow(bob, out));
        awaitLines(out, 0, "the reader is up");

        Map<Long, String> acknowledged = new ConcurrentHashMap<>();
        long killedPid = RunFile.read(store).orElseThrow().pid();
        supervisors.add(killedPid);
        ExecutorService pool = Executors.newFixedThreadPool(SENDERS);
        List<Future<?>> senders = new ArrayList<>();
        for (int t = 0; t < SENDERS; t++) {
            int sender = t;
            senders.add(pool.submit(() -> {
                RemoteMeshApi mine = client();
                for (int k = 0; k < STORM / SENDERS; k++) {
                    String body = "s" + sender + " " + k;
                    var args = Json.MAPPER.createObjectNode().put("action", "send").put("to", "Bob").put("message", body)
                            .put("idempotencyKey", body);
                    acknowledged.put(sendUntilAnswered(mine, ann, args), body);
                }
                return null;
            }));
        }
        while (acknowledged.size() < STORM * 3 / 10) {
            Thread.sleep(5);
        }
        ProcessHandle.of(killedPid).orElseThrow().destroyForcibly();
        int atKill = acknowledged.size();
        for (Future<?> f : senders) {
            f.get(5, TimeUnit.MINUTES);
        }
        pool.shutdown();

        List<String> lines = awaitLines(out, STORM, "Bob's reader prints every message");
        RunFile now = RunFile.read(store).orElseThrow();
        supervisors.add(now.pid());
        assertThat(now.pid()).as("a new supervisor took over after the kill").isNotEqualTo(killedPid);
        assertThat(acknowledged).as("each of the 10,000 sends was acknowledged under one message id").hasSize(STORM);
        Map<Long, String> printed = new HashMap<>();
        Map<String, Integer> lastSeq = new HashMap<>();
        for (String line : lines) {
            JsonNode m = Json.MAPPER.readTree(line);
            assertThat(printed.put(m.path("id").asLong(), m.path("body").asString()))
                    .as("message #%s printed only once", m.path("id").asLong()).isNull();
            String[] f = m.path("body").asString().split(" ");
            Integer before = lastSeq.put(f[0], Integer.parseInt(f[1]));
            assertThat(before == null || before < Integer.parseInt(f[1])).as("%s's messages in the order sent", f[0]).isTrue();
        }
        assertThat(printed).as("every acknowledged message reached Bob, under its id, and nothing else")
                .isEqualTo(acknowledged);
        assertThat(atKill).as("the supervisor was killed while the senders were sending").isLessThan(STORM * 9 / 10);
        String pending = "";
        for (int i = 0; i < 100 && !pending.equals("no new messages"); i++) {
            Thread.sleep(100);
            pending = api.call(bob, Json.MAPPER.createObjectNode().put("action", "inbox").put("peek", true)).text();
        }
        assertThat(pending).as("everything printed was acknowledged").isEqualTo("no new messages");
    }

    @Test
    void aReaderKilledBetweenACommitAndItsPrintLosesNothing() throws Exception {
        RemoteMeshApi api = client();
        Caller ann = join(api, "Ann");
        Caller bob = join(api, "Bob");
        supervisors.add(api.server().pid());
        int total = 600;
        List<Path> outs = new ArrayList<>();
        Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        Future<?> sender = pool.submit(() -> {
            for (int k = 0; k < total; k++) {
                var args = Json.MAPPER.createObjectNode().put("action", "send").put("to", "Bob").put("message", "m " + k);
                acknowledged.add(sendUntilAnswered(api, ann, args));
                Thread.sleep(2);
            }
            return null;
        });
        // a reader SIGKILLed at a moment of the stream the test does not choose, again and again, while messages commit
        int kills = 0;
        while (!sender.isDone() || kills < 3) {
            Path out = tmp.resolve("bob-" + outs.size() + ".out");
            outs.add(out);
            Process reader = follow(bob, out);
            readers.add(reader);
            // it has printed some lines, or the sender is done (and what is left to print may be fewer)
            int want = 1 + (kills * 37) % 50;
            long deadline = System.currentTimeMillis() + 120_000;
            while (!sender.isDone() && System.currentTimeMillis() < deadline
                    && (!Files.exists(out) || Files.readAllLines(out).size() < want)) {
                Thread.sleep(20);
            }
            reader.destroyForcibly();
            reader.waitFor(10, TimeUnit.SECONDS);
            kills++;
        }
        sender.get(1, TimeUnit.MINUTES);
        pool.shutdown();
        Path last = tmp.resolve("bob-last.out");
        outs.add(last);
        readers.add(follow(bob, last));
        Set<Long> seen = new HashSet<>();
        long deadline = System.currentTimeMillis() + 60_000;
        while (!seen.containsAll(acknowledged) && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
            seen.clear();
            for (Path o : outs) {
                for (String line : Files.readAllLines(o)) {
                    if (line.startsWith("{") && line.endsWith("}")) {
                        seen.add(Json.MAPPER.readTree(line).path("id").asLong());
                    }
                }
            }
        }
        assertThat(kills).isGreaterThan(1);
        assertThat(acknowledged).hasSize(total);
        assertThat(seen).as("after %d kills of the reader, every acknowledged message was printed", kills)
                .containsAll(acknowledged);
    }

    @Test
    void aReaderStoppedWithCtrlCHasAcknowledgedWhatItPrinted() throws Exception {
        RemoteMeshApi api = client();
        Caller ann = join(api, "Ann");
        Caller bob = join(api, "Bob");
        supervisors.add(api.server().pid());
        for (int k = 0; k < 3; k++) {
            sendUntilAnswered(api, ann, Json.MAPPER.createObjectNode().put("action", "send").put("to", "Bob").put("message", "m " + k));
        }
        Path out = tmp.resolve("bob.out");
        Process reader = follow(bob, out);
        readers.add(reader);
        awaitLines(out, 3, "the reader prints the waiting messages");
        new ProcessBuilder("kill", "-INT", String.valueOf(reader.pid())).start().waitFor();
        assertThat(reader.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(api.call(bob, Json.MAPPER.createObjectNode().put("action", "inbox").put("peek", true)).text())
                .as("printed, then acknowledged before the follow ended: the next one does not show them again")
                .isEqualTo("no new messages");
    }

    /** The product's client: the supervisor of the store, found, or started detached as every CLI command does. */
    private RemoteMeshApi client() {
        return SupervisorClient.findOrStart(store, repo, List.of(ItSupport.repoRoot().resolve("bin/mesh").toString()), env);
    }

    private Caller join(RemoteMeshApi api, String name) {
        Caller c = new Caller(null, repo, ProcessHandle.current().pid(), "test", null);
        api.call(c, Json.MAPPER.createObjectNode().put("action", "join").put("name", name));
        return c;
    }

    /** {@code mesh inbox --follow --json} as the agent, its stdout in {@code out}. */
    private Process follow(Caller agent, Path out) throws Exception {
        Map<String, String> e = new HashMap<>(env);
        e.put("MESH_AGENT", agent.agent());
        e.put("MESH_AGENT_TOKEN", agent.token());
        ProcessBuilder pb = new ProcessBuilder(ItSupport.repoRoot().resolve("bin/mesh").toString(), "inbox", "--follow", "--json")
                .directory(repo.toFile()).redirectOutput(out.toFile())
                .redirectError(tmp.resolve(out.getFileName() + ".err").toFile());
        pb.environment().clear();
        pb.environment().putAll(e);
        Process p = pb.start();
        p.getOutputStream().close();
        return p;
    }

    /**
     * Sends until a supervisor answers. The client itself sends once more, under the send's idempotency key, when
     * the supervisor dies before answering; this loop covers a restart that takes longer than that one retry.
     */
    private static long sendUntilAnswered(RemoteMeshApi api, Caller as, tools.jackson.databind.node.ObjectNode args)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + 120_000;
        while (true) {
            try {
                ApiResult r = api.call(as, args);
                return r.data().path("id").asLong();
            } catch (MeshException e) {
                if (System.currentTimeMillis() > deadline || e.kind() != MeshException.Kind.UNEXPECTED_STATE) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }

    /** Waits up to 3 minutes until {@code out} has at least {@code n} lines (and exists). @return its lines */
    private static List<String> awaitLines(Path out, int n, String what) throws Exception {
        long deadline = System.currentTimeMillis() + 180_000;
        while (System.currentTimeMillis() < deadline) {
            if (Files.exists(out)) {
                List<String> lines = Files.readAllLines(out).stream().filter(l -> l.endsWith("}")).toList();
                if (lines.size() >= n) {
                    Thread.sleep(n == 0 ? 1_500 : 300);
                    return Files.readAllLines(out).stream().filter(l -> l.endsWith("}")).toList();
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError(what + ": " + n + " line(s) expected in " + out + ", found "
                + (Files.exists(out) ? Files.readAllLines(out).size() : "no file"));
    }
}
