package dev.agentmesh.crew;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A reviewer's verdict on a done task (seeds/001: SHIP keeps it done, NEEDS_WORK retries, MAJOR_RETHINK blocks). */
public enum Verdict {
    /** The work is accepted. */
    SHIP,
    /** The task goes back to todo with the feedback. */
    NEEDS_WORK,
    /** The approach is wrong; the task is blocked for a person to look at. */
    MAJOR_RETHINK;

    private static final Pattern LABELLED = Pattern.compile("(?im)^\\W*verdict\\W*[:=-]?\\W*(SHIP|NEEDS[_ -]WORK|MAJOR[_ -]RETHINK)\\b");
    private static final Pattern BARE = Pattern.compile("(?i)^\\W*(SHIP|NEEDS[_ -]WORK|MAJOR[_ -]RETHINK)\\W*$");

    /**
     * Finds the verdict in a reviewer's final text: the first line of the form {@code VERDICT: X} (markdown
     * emphasis allowed), or else a first line that is just the word. A verdict word elsewhere in prose does not
     * count: "not ready to SHIP" must not ship a task.
     *
     * @return the verdict, or empty when the text holds none
     */
    public static Optional<Verdict> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        Matcher m = LABELLED.matcher(text);
        if (!m.find()) {
            m = BARE.matcher(text.strip().lines().findFirst().orElse(""));
            if (!m.find()) {
                return Optional.empty();
            }
        }
        return Optional.of(valueOf(m.group(1).toUpperCase(java.util.Locale.ROOT).replaceAll("[ -]", "_")));
    }
}
