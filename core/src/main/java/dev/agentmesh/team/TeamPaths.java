package dev.agentmesh.team;

import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The file-system rules of {@code agent_team} (seeds/002 "Graph and authority boundaries", "First successful graphFile
 * run"): a step cwd and a graph file are relative paths inside the invocation cwd, reached without a symlink in any
 * component; a bash-enabled step may not run in a runtime's project-settings tree. Every refusal is one
 * {@link TeamErrors#invalid}. Stateless and thread-safe; each call reads the file system afresh.
 */
final class TeamPaths {
    /** Longest cwd or graphFile text, in characters. */
    static final int MAX_PATH_CHARS = 4096;
    /** Deepest JSON nesting read from a graph file (a graph needs five levels). */
    static final int MAX_GRAPH_DEPTH = 64;

    /** Each runtime's project settings files, relative to a folder (seeds/002 names pi's; the others are ours). */
    static final Map<String, List<String>> SETTINGS_FILES = Map.of(
            "pi", List.of(".pi/settings.json"),
            "claude", List.of(".claude/settings.json", ".claude/settings.local.json"),
            "codex", List.of(".codex/config.toml"));

    private static final JsonMapper STRICT = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_GRAPH_DEPTH)
                            .maxDocumentLength(TeamLimits.MAX_GRAPH_FILE_BYTES).build())
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private TeamPaths() {
    }

    /** See {@link TeamPlanner#resolveCwd}; {@code what} names the value in messages, e.g. {@code step 'a' cwd}. */
    static Path resolveCwd(Path root, String cwd, String what) {
        if (cwd == null || cwd.isEmpty() || cwd.equals(".")) {
            return directory(root, root, ".", what);
        }
        Path at = root;
        for (String part : relativeParts(cwd, what, "a folder")) {
            at = at.resolve(part);
            directory(root, at, cwd, what);
        }
        return at;
    }

    /** See {@link TeamPlanner#checkSettingsTree}; {@code what} names the step in messages. */
    static void checkSettingsTree(Path root, Path cwd, String runtime, String what) {
        Path top = root.toAbsolutePath().normalize();
        Path dir = cwd.toAbsolutePath().normalize();
        if (!dir.startsWith(top)) {
            throw TeamErrors.invalid(what + " cwd " + shown(dir) + " is outside the invocation cwd " + shown(top),
                    "resolve the cwd with TeamPlanner.resolveCwd first");
        }
        for (; dir != null && dir.startsWith(top); dir = dir.getParent()) {
            for (String file : SETTINGS_FILES.getOrDefault(runtime, List.of())) {
                Path settings = dir.resolve(file);
                if (Files.exists(settings, LinkOption.NOFOLLOW_LINKS)) {
                    throw TeamErrors.invalid(what + " has bash, but its cwd '" + relative(top, cwd.normalize()) + "' is inside a "
                                    + runtime + " settings tree: '" + relative(top, settings) + "' exists",
                            "drop bash from the step, choose a cwd outside that settings tree, or run outside it (seeds/002 \"Bash child is refused\")");
                }
            }
        }
    }

    /** See {@link TeamPlanner#readGraphFile}. */
    static JsonNode readGraphFile(Path root, String graphFile) {
        String what = "graphFile '" + TeamFields.quote(String.valueOf(graphFile)) + "'";
        if (graphFile == null || graphFile.isBlank()) {
            throw TeamErrors.invalid("graphFile is empty", "give graphFile as a relative .json path inside the invocation cwd");
        }
        if (!graphFile.endsWith(".json")) {
            throw TeamErrors.invalid(what + " is not a .json file",
                    "point graphFile at a relative .json file that holds only the graph body");
        }
        List<String> parts = relativeParts(graphFile, "graphFile", "a file");
        Path file = root;
        for (String folder : parts.subList(0, parts.size() - 1)) {
            file = directory(root, file.resolve(folder), graphFile, "graphFile");
        }
        JsonNode graph = parse(what, bytes(root, file.resolve(parts.getLast()), graphFile, what));
        TeamFields.noControlFields(graph, what);
        return graph;
    }

    /** @return the parts of a relative path, '.' dropped; refuses control characters, absolute paths and '..' */
    private static List<String> relativeParts(String path, String what, String kind) {
        String quoted = "'" + TeamFields.quote(path) + "'";
        TeamFields.plainText(path, what + " " + quoted, false);
        if (path.length() > MAX_PATH_CHARS) {
            throw TeamErrors.invalid(what + " is " + path.length() + " characters; the limit is " + MAX_PATH_CHARS,
                    "give a shorter relative path");
        }
        if (path.startsWith("/") || Path.of(path).isAbsolute()) {
            throw TeamErrors.invalid(what + " " + quoted + " is absolute",
                    "give " + kind + " relative to the invocation cwd, e.g. src/app");
        }
        List<String> parts = new ArrayList<>();
        for (String part : path.split("/")) {
            if (part.equals("..")) {
                throw TeamErrors.invalid(what + " " + quoted + " uses '..' to leave the invocation cwd",
                        "give " + kind + " inside the invocation cwd, relative to it, without '..'");
            }
            if (!part.isEmpty() && !part.equals(".")) {
                parts.add(part);
            }
        }
        return parts;
    }

    /** @return {@code at}, which must be a directory reached without following a symlink */
    private static Path directory(Path root, Path at, String given, String what) {
        BasicFileAttributes a = attributes(root, at, given, what);
        if (a.isSymbolicLink()) {
            throw TeamErrors.invalid(what + " '" + TeamFields.quote(given) + "' passes through the symlink '" + relative(root, at) + "'",
                    "give the real folder path inside the invocation cwd; symlinks are refused in every component");
        }
        if (!a.isDirectory()) {
            throw TeamErrors.invalid(what + " '" + TeamFields.quote(given) + "': '" + relative(root, at) + "' is not a directory",
                    "give an existing folder inside the invocation cwd");
        }
        return at;
    }

    private static BasicFileAttributes attributes(Path root, Path at, String given, String what) {
        try {
            return Files.readAttributes(at, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            throw TeamErrors.invalid(what + " '" + TeamFields.quote(given) + "' does not exist (no '" + relative(root, at) + "')",
                    "give an existing path inside the invocation cwd, relative to it");
        } catch (IOException e) {
            throw TeamErrors.invalid(what + " '" + TeamFields.quote(given) + "' cannot be read: " + TeamFields.quote(String.valueOf(e.getMessage())),
                    "check the path and its permissions");
        }
    }

    private static byte[] bytes(Path root, Path file, String given, String what) {
        BasicFileAttributes a = attributes(root, file, given, "graphFile");
        if (a.isSymbolicLink() || !a.isRegularFile()) {
            throw TeamErrors.invalid(what + " is " + (a.isSymbolicLink() ? "a symlink" : "not a regular file"),
                    "point graphFile at a regular .json file inside the invocation cwd, not a symlink or folder");
        }
        tooBig(what, a.size());
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            byte[] bytes = in.readNBytes(TeamLimits.MAX_GRAPH_FILE_BYTES + 1);
            tooBig(what, bytes.length);
            return bytes;
        } catch (IOException e) {
            throw TeamErrors.invalid(what + " cannot be read: " + TeamFields.quote(String.valueOf(e.getMessage())),
                    "check the file and its permissions");
        }
    }

    private static void tooBig(String what, long size) {
        if (size > TeamLimits.MAX_GRAPH_FILE_BYTES) {
            throw TeamErrors.invalid(what + " is " + size + " bytes; the limit is " + TeamLimits.MAX_GRAPH_FILE_BYTES + " (256 KiB, seeds/002)",
                    "split the work into smaller graphs or shorten the tasks; put long material in files the steps read");
        }
    }

    private static JsonNode parse(String what, byte[] bytes) {
        JsonNode node;
        try {
            node = STRICT.readTree(bytes);
        } catch (StreamConstraintsException e) {
            throw TeamErrors.invalid(what + " is nested deeper than " + MAX_GRAPH_DEPTH + " levels",
                    "a graph is five levels deep (graph, steps, step, agent, tools); flatten the file");
        } catch (JacksonException e) {
            TokenStreamLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw TeamErrors.invalid(what + " is not valid JSON" + where + ": " + TeamFields.quote(dev.agentmesh.Texts.firstLine(e.getOriginalMessage())),
                    "fix the JSON there; a graph file holds one JSON object, without duplicate keys");
        }
        if (node == null || !node.isObject()) {
            throw TeamErrors.invalid(what + " holds " + TeamFields.describe(node == null || node.isMissingNode() ? null : node) + ", not a JSON object",
                    "a graph file holds one JSON object: the graph body (objective, authority, steps, ...)");
        }
        return node;
    }

    private static String relative(Path root, Path at) {
        String r = root.relativize(at).toString();
        return TeamFields.quote(r.isEmpty() ? "." : r);
    }

    private static String shown(Path p) {
        return "'" + TeamFields.quote(p.toString()) + "'";
    }
}
