package dev.agentmesh.runtimes.codex;

import dev.agentmesh.runtime.Capability;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Which of Codex's command requests only read (issue 7: "every child always has read/discovery", seeds/002). Codex has
 * no read tool of its own: it reads with shell commands ({@code cat}, {@code ls}, {@code rg}) and asks approval for each.
 * An agent without {@link Capability#SHELL} but with read or search gets such a command when, and only when, both
 * hold:
 * <ul>
 *   <li>Codex's own parse of it ({@code commandActions}, or {@code parsedCmd} of the older protocol) is only
 *       {@code read} (needs {@link Capability#READ}), {@code listFiles} or {@code search} (need
 *       {@link Capability#SEARCH}) actions, none {@code unknown};</li>
 *   <li>the command line itself, after a {@code bash -lc '...'} wrapper, is a pipeline or {@code &&} chain of
 *       {@link #PROGRAMS} only, with no redirection, substitution, variable, background or other control operator,
 *       and none of the flags that make a reader run or write something ({@code find -exec}, {@code -delete},
 *       {@code -fprint}; {@code rg --pre}).</li>
 * </ul>
 * Anything else needs the shell capability. Static and thread-safe.
 */
final class ReadOnlyCommands {
    /** The programs a read-only command may run. */
    static final Set<String> PROGRAMS = Set.of("cat", "head", "tail", "ls", "find", "grep", "rg", "wc", "nl", "stat", "file",
            "pwd", "tree", "basename", "dirname", "realpath");
    private static final Set<String> FORBIDDEN_FLAGS = Set.of("-exec", "-execdir", "-ok", "-okdir", "-delete", "-fprint",
            "-fprint0", "-fprintf", "-fls", "--pre", "--pre-glob");

    private ReadOnlyCommands() {
    }

    /**
     * @param command      the command as Codex gives it: a string, or an array of argv (older protocol)
     * @param actions      Codex's parse of it ({@code commandActions} or {@code parsedCmd}), or null
     * @param capabilities the agent's
     * @return whether the command only reads, within those capabilities
     */
    static boolean allowed(JsonNode command, JsonNode actions, Set<Capability> capabilities) {
        if (!capabilities.contains(Capability.READ) && !capabilities.contains(Capability.SEARCH)) {
            return false;
        }
        if (actions == null || !actions.isArray() || actions.isEmpty()) {
            return false;
        }
        for (JsonNode a : actions) {
            String type = a.path("type").asString("");
            boolean ok = switch (type) {
                case "read" -> capabilities.contains(Capability.READ);
                case "listFiles", "list_files", "search" -> capabilities.contains(Capability.SEARCH);
                default -> false;
            };
            if (!ok) {
                return false;
            }
        }
        String line = commandLine(command);
        return line != null && readOnly(line);
    }

    /** @return the shell line: an argv's {@code bash -lc LINE} unwrapped, a string as it is (unwrapped likewise) */
    private static String commandLine(JsonNode command) {
        List<String> argv = new ArrayList<>();
        if (command != null && command.isArray()) {
            command.forEach(c -> argv.add(c.asString("")));
        } else if (command != null && command.isString()) {
            List<String> words = words(command.asString());
            if (words == null) {
                return null;
            }
            argv.addAll(words);
        } else {
            return null;
        }
        if (argv.size() == 3 && List.of("bash", "/bin/bash", "/usr/bin/bash", "sh", "/bin/sh", "zsh", "/bin/zsh").contains(argv.get(0))
                && List.of("-lc", "-c").contains(argv.get(1))) {
            return argv.get(2);
        }
        return String.join(" ", argv.stream().map(ReadOnlyCommands::quote).toList());
    }

    /** @return whether {@code line} is a pipeline or {@code &&} chain of read-only programs with harmless arguments */
    static boolean readOnly(String line) {
        if (line.isBlank()) {
            return false;
        }
        List<String> words = words(line);
        if (words == null) {
            return false;
        }
        boolean programNext = true;
        for (String w : words) {
            if (w.equals("|") || w.equals("&&")) {
                if (programNext) {
                    return false;
                }
                programNext = true;
                continue;
            }
            if (programNext) {
                if (!PROGRAMS.contains(w)) {
                    return false;
                }
                programNext = false;
            } else if (FORBIDDEN_FLAGS.contains(w) || w.startsWith("--pre=")) {
                return false;
            }
        }
        return !programNext;
    }

    /**
     * Splits a shell line into words, keeping {@code |} and {@code &&} as words of their own; quotes group.
     *
     * @return the words, or null when the line has anything beyond words, quotes, pipes and {@code &&}: a redirection,
     *         a substitution, a variable, a glob-free control operator ({@code ; & || ( )}), an escape, a newline or an
     *         unclosed quote
     */
    static List<String> words(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        boolean inWord = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\'' || c == '"') {
                int end = line.indexOf(c, i + 1);
                if (end < 0) {
                    return null;
                }
                String quoted = line.substring(i + 1, end);
                if (c == '"' && (quoted.indexOf('$') >= 0 || quoted.indexOf('`') >= 0 || quoted.indexOf('\\') >= 0)) {
                    return null;
                }
                w.append(quoted);
                inWord = true;
                i = end;
            } else if (c == ' ' || c == '\t') {
                if (inWord) {
                    out.add(w.toString());
                    w.setLength(0);
                    inWord = false;
                }
            } else if (c == '|') {
                if (i + 1 < line.length() && line.charAt(i + 1) == '|') {
                    return null;
                }
                if (inWord) {
                    out.add(w.toString());
                    w.setLength(0);
                    inWord = false;
                }
                out.add("|");
            } else if (c == '&') {
                if (i + 1 >= line.length() || line.charAt(i + 1) != '&') {
                    return null;
                }
                if (inWord) {
                    out.add(w.toString());
                    w.setLength(0);
                    inWord = false;
                }
                out.add("&&");
                i++;
            } else if ("<>;()`$\\\n\r{}".indexOf(c) >= 0 || Character.isISOControl(c)) {
                return null;
            } else {
                w.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            out.add(w.toString());
        }
        return out;
    }

    private static String quote(String word) {
        return word.isEmpty() || word.chars().anyMatch(ch -> " \t|&<>;()`$\\\"'{}".indexOf(ch) >= 0)
                ? "'" + word.replace("'", "") + "'" : word;
    }
}
