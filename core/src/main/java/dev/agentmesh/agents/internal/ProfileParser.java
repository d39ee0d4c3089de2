package dev.agentmesh.agents.internal;

import dev.agentmesh.MeshException;
import dev.agentmesh.Texts;
import dev.agentmesh.agents.AgentProfile;
import dev.agentmesh.agents.AgentProfiles;
import dev.agentmesh.agents.Agents;
import dev.agentmesh.runtime.AgentRuntime;
import dev.agentmesh.runtime.Capability;
import dev.agentmesh.runtime.ModelRef;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.schema.CoreSchema;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads one agent file: {@code ---}, YAML frontmatter, {@code ---}, then the Markdown prompt. Every failure is one
 * {@link MeshException} (invalid input) whose message starts with {@code agent file <where>: } and names the key
 * and its line. Stateless and thread-safe.
 */
public final class ProfileParser {
    /** The frontmatter keys, in the order error messages list them. */
    public static final List<String> KEYS = List.of("name", "description", "tags", "runtime", "model", "thinking", "tools");

    private static final String FENCE = "---";

    private ProfileParser() {
    }

    /**
     * @param where  how messages name the file: its path, or {@code bundled profiles/NAME.md}
     * @param bytes  the whole file
     * @param stem   the file name without {@code .md}, which the {@code name} key must equal
     * @param source where the file was found
     * @param path   the file, or null for a bundled one
     * @return the valid profile
     * @throws MeshException (invalid input) naming {@code where} and the offending key
     */
    public static AgentProfile parse(String where, byte[] bytes, String stem, AgentProfile.Source source, Path path) {
        try {
            return parse(bytes, stem, source, path);
        } catch (MeshException e) {
            throw fail(where, e.getMessage());
        }
    }

    private static AgentProfile parse(byte[] bytes, String stem, AgentProfile.Source source, Path path) {
        requireSize(bytes.length);
        String text = utf8(bytes);
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            int line = i + 1;
            lines.get(i).codePoints().filter(c -> c != '\t' && isControl(c)).findFirst().ifPresent(c -> {
                throw bad("line " + line + " has a control character (" + String.format("U+%04X", c) + ")");
            });
        }
        if (lines.isEmpty() || !lines.getFirst().strip().equals(FENCE)) {
            throw bad("has no frontmatter: the first line must be '---', then the keys, then '---', then the prompt");
        }
        int close = 1;
        while (close < lines.size() && !lines.get(close).strip().equals(FENCE)) {
            close++;
        }
        if (close == lines.size()) {
            throw bad("the frontmatter opened on line 1 is never closed by a line '---'");
        }
        Map<String, Value> keys = frontmatter(String.join("\n", lines.subList(1, close)));
        String prompt = String.join("\n", lines.subList(close + 1, lines.size())).strip();
        return profile(keys, prompt, stem, source, path, sha256(bytes));
    }

    /** A frontmatter value: text, a list of texts, or null for an absent or empty key; line is 1-based in the file. */
    private record Value(String key, int line, String text, List<String> list) {
        String at() {
            return "key '" + key + "' (line " + line + ")";
        }
    }

    private static Map<String, Value> frontmatter(String yaml) {
        LoadSettings settings = LoadSettings.builder().setSchema(new CoreSchema()).setMaxAliasesForCollections(8).setAllowRecursiveKeys(false).setCodePointLimit(AgentProfiles.MAX_FILE_BYTES)
                .build();
        Optional<Node> root;
        try {
            root = new Compose(settings).composeString(yaml);
        } catch (MarkedYamlEngineException e) {
            throw bad("the frontmatter is not valid YAML"
                    + e.getProblemMark().map(m -> " at line " + fileLine(m.getLine())).orElse("") + ": "
                    + Texts.quote(Texts.firstLine(e.getProblem()), 160));
        } catch (YamlEngineException e) {
            throw bad("the frontmatter is not valid YAML: " + Texts.quote(Texts.firstLine(e.getMessage()), 160));
        }
        Map<String, Value> values = new LinkedHashMap<>();
        if (root.isEmpty() || root.get().getTag() == Tag.NULL) {
            return values;
        }
        if (!(root.get() instanceof MappingNode map)) {
            throw bad("the frontmatter must be keys with values (a YAML mapping), not " + kind(root.get()));
        }
        for (NodeTuple t : map.getValue()) {
            int line = t.getKeyNode().getStartMark().map(m -> fileLine(m.getLine())).orElse(0);
            if (!(t.getKeyNode() instanceof ScalarNode k) || k.getTag() != Tag.STR) {
                throw bad("line " + line + " has a key that is not a word; keys: " + String.join(", ", KEYS));
            }
            if (!KEYS.contains(k.getValue())) {
                throw bad("unknown key '" + Texts.quote(k.getValue(), 60) + "' (line " + line + "); keys: " + String.join(", ", KEYS));
            }
            if (values.containsKey(k.getValue())) {
                throw bad("key '" + k.getValue() + "' is given twice (lines " + values.get(k.getValue()).line() + " and " + line + ")");
            }
            values.put(k.getValue(), value(k.getValue(), line, t.getValueNode()));
        }
        return values;
    }

    private static Value value(String key, int line, Node node) {
        boolean listKey = key.equals("tags") || key.equals("tools");
        Value v = new Value(key, line, null, null);
        if (node.getTag() == Tag.NULL) {
            return v;
        }
        if (node instanceof ScalarNode s && s.getTag() == Tag.STR) {
            String text = clean(v, s.getValue());
            return listKey ? new Value(key, line, null, splitCommas(text)) : new Value(key, line, text, null);
        }
        if (listKey && node instanceof SequenceNode seq) {
            List<String> items = new ArrayList<>();
            for (Node item : seq.getValue()) {
                if (!(item instanceof ScalarNode s) || s.getTag() != Tag.STR) {
                    throw bad(v.at() + " must list words, not " + kind(item));
                }
                items.add(clean(v, s.getValue()));
            }
            return new Value(key, line, null, items);
        }
        throw bad(v.at() + " must be " + (listKey ? "a list or a comma-separated text" : "text") + ", not " + kind(node)
                + (node instanceof ScalarNode ? "; quote it" : ""));
    }

    private static String clean(Value v, String text) {
        String s = text.strip();
        s.codePoints().filter(ProfileParser::isControl).findFirst().ifPresent(c -> {
            throw bad(v.at() + " has a control character (" + String.format("U+%04X", c) + "); values are one line of text");
        });
        return s;
    }

    private static List<String> splitCommas(String text) {
        List<String> items = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            items.add(part.strip());
        }
        return text.isEmpty() ? List.of() : items;
    }

    private static AgentProfile profile(Map<String, Value> keys, String prompt, String stem, AgentProfile.Source source,
                                        Path path, String sha) {
        Value name = keys.getOrDefault("name", new Value("name", 0, null, null));
        if (name.text() == null) {
            throw bad("missing key 'name'; it must equal the file name without .md, here '" + Texts.quote(stem, 80) + "'");
        }
        try {
            AgentProfile.requireName(name.text());
        } catch (MeshException e) {
            throw bad(name.at() + ": " + e.getMessage());
        }
        if (!name.text().equals(stem)) {
            throw bad(name.at() + " is '" + name.text() + "' but the file is '" + Texts.quote(stem, 80) + ".md'; they must match");
        }
        Value description = keys.getOrDefault("description", new Value("description", 0, null, null));
        if (description.text() == null || description.text().isEmpty()) {
            throw bad("missing key 'description': one line saying what the agent is for");
        }
        if (description.text().length() > AgentProfile.MAX_DESCRIPTION_CHARS) {
            throw bad(description.at() + " is " + description.text().length() + " characters; the limit is "
                    + AgentProfile.MAX_DESCRIPTION_CHARS);
        }
        String runtime = text(keys, "runtime");
        if (runtime != null && !AgentRuntime.KNOWN.contains(runtime)) {
            throw bad(keys.get("runtime").at() + " is '" + Texts.quote(runtime, 40) + "'; runtimes: " + String.join(", ", AgentRuntime.KNOWN));
        }
        ModelRef model = null;
        if (text(keys, "model") != null) {
            try {
                model = ModelRef.parse(text(keys, "model"));
            } catch (MeshException e) {
                throw bad(keys.get("model").at() + ": " + e.getMessage());
            }
        }
        String thinking = thinking(keys, model);
        if (prompt.length() > Agents.MAX_PROMPT_CHARS) {
            throw bad("the prompt is " + prompt.length() + " characters; the limit is " + Agents.MAX_PROMPT_CHARS);
        }
        return new AgentProfile(name.text(), description.text(), tags(keys.get("tags")), runtime, model, thinking,
                tools(keys.get("tools")), prompt, source, path, sha);
    }

    private static String text(Map<String, Value> keys, String key) {
        Value v = keys.get(key);
        return v == null || v.text() == null || v.text().isEmpty() ? null : v.text();
    }

    private static String thinking(Map<String, Value> keys, ModelRef model) {
        String thinking = text(keys, "thinking");
        if (thinking == null) {
            return model == null ? null : model.thinking();
        }
        Value v = keys.get("thinking");
        if (!ModelRef.THINKING_LEVELS.contains(thinking)) {
            throw bad(v.at() + " is '" + Texts.quote(thinking, 40) + "'; levels: " + String.join(", ", ModelRef.THINKING_LEVELS));
        }
        if (model != null && model.thinking() != null && !model.thinking().equals(thinking)) {
            throw bad(v.at() + " is '" + thinking + "' but the model '" + model + "' asks for '" + model.thinking()
                    + "'; keep one of them");
        }
        return thinking;
    }

    private static List<String> tags(Value v) {
        if (v == null || v.list() == null) {
            return List.of();
        }
        Set<String> tags = new LinkedHashSet<>();
        for (String tag : v.list()) {
            if (tag.isEmpty()) {
                throw bad(v.at() + " has an empty tag");
            }
            if (tag.length() > AgentProfile.MAX_TAG_CHARS) {
                throw bad(v.at() + " has a tag of " + tag.length() + " characters; the limit is " + AgentProfile.MAX_TAG_CHARS);
            }
            tags.add(tag);
        }
        if (tags.size() > AgentProfile.MAX_TAGS) {
            throw bad(v.at() + " has " + tags.size() + " tags; the limit is " + AgentProfile.MAX_TAGS);
        }
        return List.copyOf(tags);
    }

    private static Set<Capability> tools(Value v) {
        if (v == null || v.list() == null) {
            return null;
        }
        Set<Capability> tools = EnumSet.noneOf(Capability.class);
        for (String tool : v.list()) {
            try {
                tools.add(Capability.parse(tool));
            } catch (MeshException e) {
                throw bad(v.at() + ": " + e.getMessage());
            }
        }
        return tools;
    }

    private static boolean isControl(int c) {
        return Character.isISOControl(c) || c == '\u2028' || c == '\u2029';
    }

    private static int fileLine(int frontmatterLine) {
        return frontmatterLine + 2; // the marks count from 0, and the frontmatter starts after the '---' of line 1
    }

    private static String kind(Node node) {
        Tag tag = node.getTag();
        if (tag == Tag.INT || tag == Tag.FLOAT) {
            return "a number";
        }
        if (tag == Tag.BOOL) {
            return "true or false";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        return "a value tagged " + Texts.quote(tag.getValue(), 60);
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw bad("is not UTF-8 text");
        }
    }

    /**
     * @param bytes a file's size
     * @throws MeshException (invalid input, without the file's name) when it is over {@link AgentProfiles#MAX_FILE_BYTES}
     */
    static void requireSize(long bytes) {
        if (bytes > AgentProfiles.MAX_FILE_BYTES) {
            throw bad("is " + bytes + " bytes; the limit is " + AgentProfiles.MAX_FILE_BYTES + " (seed 002)");
        }
    }

    /** @return a failure about the file {@code where}, in the same shape as {@link #parse}'s */
    static MeshException fail(String where, String message) {
        return MeshException.invalidInput("agent file " + Texts.quote(where, 300) + ": " + message);
    }

    /**
     * @param bytes the bytes of a file
     * @return their sha-256, 64 lower-case hex digits
     */
    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw MeshException.internal("this JDK has no SHA-256", e);
        }
    }

    private static MeshException bad(String message) {
        return MeshException.invalidInput(message);
    }
}
