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

    /**
     * @return {@code text} with every control character (and U+2028/U+2029) written as an escape ({@code \n},
     *         {@code \t}, {@code \r}, {@code \u0007}), so a value printed on a line cannot start another: no one
     *         can forge a feed or inbox line; "" for null
     */
    public static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder sb = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean control = c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029';
            if (control && sb == null) {
                sb = new StringBuilder(text.length() + 8).append(text, 0, i);
            }
            if (sb != null) {
                switch (c) {
                    case '\n' -> sb.append("\\n");
                    case '\t' -> sb.append("\\t");
                    case '\r' -> sb.append("\\r");
                    default -> {
                        if (control) {
                            sb.append(String.format("\\u%04x", (int) c));
                        } else {
                            sb.append(c);
                        }
                    }
                }
            }
        }
        return sb == null ? text : sb.toString();
    }

    /** @return {@code text} {@link #escape escaped} and cut to {@code max} characters with "...", to quote bad input in an error */
    public static String quote(String text, int max) {
        String e = escape(text);
        return e.length() <= max ? e : e.substring(0, Math.max(0, max - 3)) + "...";
    }
}
