package dev.agentmesh.api;

import dev.agentmesh.MeshException;
import dev.agentmesh.Texts;
import dev.agentmesh.corpus.Category;
import dev.agentmesh.corpus.Corpus;
import dev.agentmesh.corpus.CorpusStats;
import dev.agentmesh.corpus.ExportFilter;
import dev.agentmesh.corpus.ExportResult;
import dev.agentmesh.corpus.RetentionResult;
import dev.agentmesh.memory.AgentMemory;
import dev.agentmesh.memory.MemoryStats;
import dev.agentmesh.project.Project;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static dev.agentmesh.api.Args.bool;
import static dev.agentmesh.api.Args.integer;
import static dev.agentmesh.api.Args.str;

/**
 * The memory and data-policy actions of seed 000 ({@code agents.memory.stats}, {@code agents.memory.reset},
 * {@code data.session}, {@code data.stats}, {@code data.export}, {@code data.retention}) over one project's
 * {@link AgentMemory} and {@link Corpus}. They touch the store only, so they work with or without a supervisor and
 * before or after {@code join} (seed 000: "local maintenance/export commands"). The seed's {@code project}
 * parameter is a label of the caller's choosing: the data are always this mesh project's, and the label is echoed.
 * Thread-safe.
 */
final class DataActions {
    /** Where {@code data.export} writes when no {@code out} is given, inside the project. */
    static final String DEFAULT_EXPORT_DIR = ".mesh/data/exports";

    private final AgentMemory memory;
    private final Corpus corpus;
    private final Project project;

    DataActions(AgentMemory memory, Corpus corpus, Project project) {
        this.memory = memory;
        this.corpus = corpus;
        this.project = project;
    }

    /** Adds the six actions to {@code actions}, in the order of {@link MeshApi#ACTIONS}. */
    void register(Map<String, java.util.function.BiFunction<Caller, JsonNode, ApiResult>> actions) {
        actions.put("agents.memory.stats", (s, a) -> memoryStats());
        actions.put("agents.memory.reset", (s, a) -> {
            Optional<String> ws = Optional.ofNullable(str(a, "workstream", false));
            int n = memory.reset(ws);
            return new ApiResult("forgot " + n + " memor" + (n == 1 ? "y" : "ies") + ws.map(w -> " of workstream " + Texts.escape(w)).orElse(""),
                    Json.MAPPER.createObjectNode().put("removed", n));
        });
        actions.put("data.session", (s, a) -> {
            String runType = str(a, "runType", true);
            Category c = corpus.session(runType);
            String label = label(a);
            return new ApiResult("data session: project " + label + ", runType " + runType + " → " + c.wire() + " ("
                    + describe(c) + ")", Json.MAPPER.createObjectNode().put("project", label).put("runType", runType)
                    .put("category", c.wire()).put("storage", c.storage().name().toLowerCase(java.util.Locale.ROOT))
                    .put("trainable", corpus.policy().trainingEligible(project.key(), c)));
        });
        actions.put("data.stats", (s, a) -> dataStats(label(a)));
        actions.put("data.export", (s, a) -> export(a));
        actions.put("data.retention", (s, a) -> {
            RetentionResult r = a.has("days") ? corpus.retention(integer(a, "days", 0)) : corpus.retention();
            return new ApiResult("retention " + r.days() + " days: removed " + r.conversations() + " conversation(s), "
                    + r.messages() + " message(s) last active before " + java.time.Instant.ofEpochMilli(r.cutoff()), Json.MAPPER.valueToTree(r));
        });
    }

    private String label(JsonNode a) {
        String label = str(a, "project", false);
        if (label == null) {
            return project.root().getFileName() == null ? project.key() : project.root().getFileName().toString();
        }
        return LocalMeshApi.checkLabel(label, "project label");
    }

    private static String describe(Category c) {
        return switch (c.storage()) {
            case FULL -> "full transcripts" + (c.trainable() ? ", training-eligible within the project allow-list" : "");
            case SUMMARY -> "summaries only, excluded from training";
            case METADATA -> "metadata only, excluded from training";
        };
    }

    private ApiResult memoryStats() {
        MemoryStats st = memory.stats();
        StringBuilder sb = new StringBuilder(st.total() + " memor" + (st.total() == 1 ? "y" : "ies"));
        for (MemoryStats.Workstream w : st.workstreams()) {
            sb.append("\n  ").append(Texts.escape(w.workstream())).append(": ").append(w.count()).append(" from ")
                    .append(String.join(", ", w.agents())).append(", newest ").append(Texts.clock(w.newestAt()));
        }
        return new ApiResult(sb.toString(), Json.MAPPER.valueToTree(st));
    }

    private ApiResult dataStats(String label) {
        CorpusStats st = corpus.stats();
        StringBuilder sb = new StringBuilder("corpus of " + label + " (runType " + st.runType().wire() + "): "
                + st.conversations() + " conversation(s), " + st.messages() + " message(s), " + st.eligible() + " training-eligible");
        st.categories().forEach((c, p) -> {
            if (p.conversations() > 0 || p.sessions() > 0) {
                sb.append("\n  ").append(c.wire()).append(": ").append(p.conversations()).append(" conversation(s), ")
                        .append(p.messages()).append(" message(s), ").append(p.eligible()).append(" eligible");
            }
        });
        ObjectNode data = Json.MAPPER.valueToTree(st);
        data.put("label", label);
        return new ApiResult(sb.toString(), data);
    }

    private ApiResult export(JsonNode a) {
        String label = label(a);
        Path file = exportFile(project, str(a, "out", false),
                Path.of(DEFAULT_EXPORT_DIR).resolve(label.replaceAll("[^A-Za-z0-9._-]", "_") + ".jsonl"));
        boolean all = bool(a, "all");
        ExportFilter filter = all ? ExportFilter.all(project.key()) : ExportFilter.eligible(project.key());
        ExportResult[] r = new ExportResult[1];
        writePrivate(file, w -> r[0] = corpus.export(w, filter));
        ObjectNode data = Json.MAPPER.valueToTree(r[0]);
        data.put("out", file.toString()).put("project", label);
        return new ApiResult("exported " + r[0].conversations() + " conversation(s), " + r[0].messages() + " message(s) to " + file
                + (r[0].excluded() > 0 ? "; " + r[0].excluded() + " left out (not training-eligible" + (all ? "" : "; all: true exports them too") + ")" : ""), data);
    }

    /**
     * Where an export goes: {@code out} (or {@code dflt}) inside the project's {@code .mesh/} folder, which holds
     * agentmesh's own files: an export never overwrites the project's sources, its config or its git hooks, and never
     * follows a symbolic link out.
     *
     * @param out  the path asked for, relative to the project root (e.g. {@code .mesh/data/exports/x.jsonl}), or null
     * @param dflt the path when none is asked for, relative to the project root
     * @throws MeshException (invalid input) for a path outside {@code .mesh/}, through a symbolic link, or naming a
     *                       folder
     */
    static Path exportFile(Project project, String out, Path dflt) {
        Path root = project.root().toAbsolutePath().normalize();
        Path mesh = root.resolve(".mesh");
        if (out != null && (out.isBlank() || out.indexOf('\0') >= 0 || out.length() > 1024)) {
            throw MeshException.invalidInput("out '" + Texts.quote(out, 80) + "' is not a file path");
        }
        Path file = out == null ? root.resolve(dflt).normalize() : root.resolve(out).normalize();
        if (!file.startsWith(mesh) || file.equals(mesh)) {
            throw MeshException.invalidInput("out '" + Texts.quote(String.valueOf(out), 80) + "' is outside " + mesh
                    + "; exports are written there (e.g. .mesh/exports/NAME)");
        }
        try {
            Files.createDirectories(file.getParent());
            Path realParent = file.getParent().toRealPath();
            if (!realParent.startsWith(mesh.toRealPath()) || Files.isSymbolicLink(file) || Files.isDirectory(file)) {
                throw MeshException.invalidInput("out '" + Texts.quote(String.valueOf(out), 80)
                        + "' goes through a symbolic link or names a folder; give a plain file inside " + mesh);
            }
        } catch (IOException e) {
            throw MeshException.unexpectedState("cannot create the folder of " + file + ": " + e.getMessage(), e);
        }
        return file;
    }

    /** Writes {@code file} whole (a temporary file moved over it), readable by its owner only (0600: DESIGN.md). */
    static void writePrivate(Path file, java.util.function.Consumer<Writer> content) {
        try {
            Path tmp = Files.createTempFile(file.getParent(), ".export", ".tmp", java.nio.file.attribute.PosixFilePermissions
                    .asFileAttribute(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
            try {
                try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                    content.accept(w);
                }
                Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            throw MeshException.unexpectedState("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
