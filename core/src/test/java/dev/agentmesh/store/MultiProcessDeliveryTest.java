package dev.agentmesh.store;

import dev.agentmesh.MeshFixture;
import dev.agentmesh.mesh.Presence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Eight sender processes, each sending 200 messages to random agents while four reader processes drain the
 * inboxes (two readers competing for each inbox), all on one SQLite file: every committed message reaches each of its recipients exactly once (issue
 * acceptance test). Prints throughput figures and writes them to {@code target/multiprocess-figures.txt}.
 */
class MultiProcessDeliveryTest {
    private static final int SENDERS = 8;
    private static final int MESSAGES_PER_SENDER = 200;
    private static final int RECIPIENTS = 8;
    private static final int READERS = 4;
    /** Each reader drains 4 inboxes, so every inbox has two processes competing for it. */
    private static final int NAMES_PER_READER = 4;

    /** One message handed to one recipient. */
    private record Delivery(long messageId, String recipient) {
    }

    @Test
    void everyMessageFromEightSendingProcessesIsDeliveredExactlyOnce(@TempDir Path tmp) throws Exception {
        MeshFixture f = new MeshFixture(tmp);
        List<String> recipients = IntStream.rangeClosed(1, RECIPIENTS).mapToObj(i -> "Reader" + i).toList();
        List<String> senders = IntStream.rangeClosed(1, SENDERS).mapToObj(i -> "Sender" + i).toList();
        // Joined with this JVM's pid so that no child's exit makes the mesh reap them.
        long pid = ProcessHandle.current().pid();
        for (String name : concat(recipients, senders)) {
            f.mesh.presence().join(new Presence.JoinRequest(name, pid, null, "test", null, null));
        }

        try (var kids = new LoadProcess.Children(tmp, tmp.resolve("mesh.db"), f.root)) {
            List<LoadProcess.Child> readers = new ArrayList<>();
            for (int r = 0; r < READERS; r++) {
                int first = r * RECIPIENTS / READERS;
                readers.add(kids.start("read", "reader-" + r, IntStream.range(first, first + NAMES_PER_READER)
                        .mapToObj(i -> recipients.get(i % RECIPIENTS)).toList()));
            }
            List<LoadProcess.Child> sending = new ArrayList<>();
            for (int s = 0; s < SENDERS; s++) {
                sending.add(kids.start("send", senders.get(s),
                        concat(List.of(String.valueOf(MESSAGES_PER_SENDER), String.valueOf(1000L + s)), recipients)));
            }
            kids.awaitReady();
            long go = LoadProcess.epochMicros();
            kids.signal("go");
            kids.awaitExit(sending);
            long sent = LoadProcess.epochMicros();
            kids.signal("stop");
            kids.awaitExit(readers);
            long drained = LoadProcess.epochMicros();

            Map<Long, String> senderOf = new HashMap<>();
            List<Delivery> committed = new ArrayList<>();
            List<Long> latencies = new ArrayList<>();
            for (LoadProcess.Child c : sending) {
                List<String[]> lines = c.lines().stream().filter(l -> l.startsWith("M\t")).map(l -> l.split("\t")).toList();
                assertThat(lines).as("messages committed by %s", c.label()).hasSize(MESSAGES_PER_SENDER);
                for (String[] m : lines) {
                    long id = Long.parseLong(m[1]);
                    assertThat(senderOf.put(id, m[2])).as("message id %d returned to two sends", id).isNull();
                    for (String to : m[3].split(",")) {
                        committed.add(new Delivery(id, to));
                    }
                    latencies.add(Long.parseLong(m[4]));
                }
            }
            List<Delivery> delivered = new ArrayList<>();
            long lastDelivery = go;
            for (LoadProcess.Child c : readers) {
                for (String line : c.lines()) {
                    String[] d = line.split("\t");
                    if (d[0].equals("D")) {
                        long id = Long.parseLong(d[2]);
                        delivered.add(new Delivery(id, d[1]));
                        assertThat(d[3]).as("sender of message %d as read by %s", id, d[1]).isEqualTo(senderOf.get(id));
                    } else if (d[0].equals("#") && d[1].equals("last")) {
                        lastDelivery = Math.max(lastDelivery, Long.parseLong(d[2]));
                    }
                }
            }

            Map<Delivery, Integer> surplus = new TreeMap<>(Comparator.comparingLong(Delivery::messageId)
                    .thenComparing(Delivery::recipient));
            committed.forEach(d -> surplus.merge(d, -1, Integer::sum));
            delivered.forEach(d -> surplus.merge(d, 1, Integer::sum));
            surplus.values().removeIf(n -> n == 0);
            assertThat(senderOf).hasSize(SENDERS * MESSAGES_PER_SENDER);
            assertThat(surplus).withFailMessage("of %d committed deliveries %d were lost and %d duplicated; e.g. %s",
                    committed.size(), surplus.values().stream().filter(n -> n < 0).count(),
                    surplus.values().stream().filter(n -> n > 0).count(),
                    surplus.entrySet().stream().limit(10).map(e -> e.getKey() + (e.getValue() < 0 ? " lost" : " duplicated"))
                            .toList()).isEmpty();
            assertThat(delivered).hasSameSizeAs(committed);
            for (String r : recipients) {
                assertThat(f.mesh.messenger().unread(r)).as("unread messages of %s", r).isZero();
            }
            assertThat(count(tmp, "SELECT COUNT(*) FROM messages")).isEqualTo(SENDERS * MESSAGES_PER_SENDER);
            assertThat(count(tmp, "SELECT COUNT(*) FROM deliveries")).isEqualTo(committed.size());
            assertThat(count(tmp, "SELECT COUNT(*) FROM deliveries WHERE delivered_at IS NULL")).isZero();

            report(committed.size(), go, sent, lastDelivery, drained, latencies, readers.size() + sending.size());
        }
    }

    private static void report(int deliveries, long go, long sent, long lastDelivery, long drained, List<Long> latencies,
                               int processes) throws Exception {
        int messages = SENDERS * MESSAGES_PER_SENDER;
        List<Long> sorted = latencies.stream().sorted().toList();
        double sendSeconds = (sent - go) / 1e6;
        double deliverSeconds = (lastDelivery - go) / 1e6;
        String figures = String.format(Locale.ROOT, """
                        multi-process delivery on SQLite (%d processes: %d senders, %d readers; %d cores)
                          messages sent:        %d (%d per sender, 1..3 recipients each)
                          deliveries:           %d, each exactly once, 0 pending at the end
                          wall time:            %.2f s (go signal to every reader drained and exited)
                          send phase:           %.2f s -> %.0f messages/s
                          delivery phase:       %.2f s (go to last delivery) -> %.0f deliveries/s
                          send latency:         p50 %.1f ms, p99 %.1f ms, max %.1f ms
                        """, processes, SENDERS, processes - SENDERS, Runtime.getRuntime().availableProcessors(),
                messages, MESSAGES_PER_SENDER, deliveries, (drained - go) / 1e6, sendSeconds, messages / sendSeconds,
                deliverSeconds, deliveries / deliverSeconds, percentile(sorted, 50) / 1e3, percentile(sorted, 99) / 1e3,
                sorted.getLast() / 1e3);
        System.out.print(figures);
        Path file = Path.of(System.getProperty("basedir", "")).resolve("target/multiprocess-figures.txt");
        Files.createDirectories(file.getParent());
        Files.writeString(file, figures);
    }

    private static long percentile(List<Long> sorted, int p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    private static long count(Path tmp, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + tmp.resolve("mesh.db"));
             ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
