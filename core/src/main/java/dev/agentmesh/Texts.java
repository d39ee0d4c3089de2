package dev.agentmesh;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/** Text shapes shared by every feature and face: clock times, one-line cuts, and escapes for one-line output. */
public final class Texts {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    private Texts() {
    }

    /** @return {@code HH:mm:ss} in the local zone for epoch ms {@code at} */
    public static String clock(long at) {
        return CLOCK.format(Instant.ofEpochMilli(at));
    }

    /** @return the first line of {@code text}, "" for null: error messages are shown one line long */
    public static String firstLine(String text) {
        return text == null ? "" : text.lines().findFirst().orElse("");
    }

    /** @return {@code text} on one line (runs of white space become one space), cut to {@code max} characters with "..." */
    public static String oneLine(String text, int max) {
        String one = text.strip().replaceAll("\\s+", " ");
        return one.length() <= max ? one : one.substring(0, max - 3) + "...";
    }
}
