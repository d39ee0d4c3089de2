package dev.agentmesh.corpus;

import dev.agentmesh.store.Store;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/** A real SQLite store in a temporary folder, a settable clock and a corpus for project {@value #PROJECT}. */
final class CorpusFixture implements AutoCloseable {
    static final String PROJECT = "/work/bergomi2";
    static final long T0 = 1_700_000_000_000L;

    final Path dir;
    final Store store;
    final AtomicLong now = new AtomicLong(T0);

    CorpusFixture(Path dir) {
        this.dir = dir;
        this.store = Store.openSqlite(dir.resolve("mesh.db"));
    }

    /** @return a corpus of {@link #PROJECT}, which is in the training allow-list */
    Corpus allowed() {
        return corpus(PROJECT, Set.of(PROJECT));
    }

    /** @return a corpus of {@code project} whose policy's allow-list is {@code trainingProjects} */
    Corpus corpus(String project, Set<String> trainingProjects) {
        return new Corpus(store, project, DataPolicy.defaults().withTrainingProjects(trainingProjects), now::get);
    }

    /** @return the lines {@code corpus} exports under {@code filter}, parsed */
    static List<JsonNode> export(Corpus corpus, ExportFilter filter) {
        StringWriter out = new StringWriter();
        corpus.export(out, filter);
        List<JsonNode> lines = new ArrayList<>();
        JsonMapper json = JsonMapper.builder().build();
        for (String line : out.toString().split("\n")) {
            if (!line.isEmpty()) {
                lines.add(json.readTree(line));
            }
        }
        return lines;
    }

    /** @return every byte of the store's files (database, WAL, shared memory), as Latin-1 text to search */
    String storeBytes() throws IOException {
        StringBuilder sb = new StringBuilder();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.filter(f -> f.getFileName().toString().startsWith("mesh.db")).toList()) {
                sb.append(new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1));
            }
        }
        return sb.toString();
    }

    @Override
    public void close() {
        store.close();
    }
}
