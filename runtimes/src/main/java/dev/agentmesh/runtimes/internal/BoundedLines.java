package dev.agentmesh.runtimes.internal;

import java.io.IOException;
import java.io.Reader;

/**
 * Reads a child runtime's output one line at a time with a cap on a line's length (seeds/002: "RPC JSONL record parse
 * cap 8 MiB"): a longer line is skipped up to its end and reported as {@link #OVERSIZED}, so a runaway record can
 * neither exhaust the supervisor's memory nor stop the reader. Not thread-safe: one reader thread per stream.
 */
public final class BoundedLines {
    /** Longest line kept, in characters: 8 MiB (a character is at least one byte of the record). */
    public static final int MAX_RECORD_CHARS = 8 * 1024 * 1024;
    /** What {@link #next} returns for a line over the cap (compared by identity). */
    public static final String OVERSIZED = new String("<oversized record>");

    private final Reader in;
    private final int max;
    private final char[] buf = new char[8192];
    private int pos;
    private int len;

    /**
     * @param in  the stream, read through a buffer of its own
     * @param max the longest line kept, in characters
     */
    public BoundedLines(Reader in, int max) {
        this.in = in;
        this.max = max;
    }

    /** @return the next line without its line end ({@code \n} or {@code \r\n}), {@link #OVERSIZED}, or null at the end */
    public String next() throws IOException {
        StringBuilder sb = new StringBuilder();
        boolean over = false;
        boolean any = false;
        while (true) {
            if (pos == len) {
                len = in.read(buf, 0, buf.length);
                pos = 0;
                if (len <= 0) {
                    len = 0;
                    return any ? (over ? OVERSIZED : strip(sb)) : null;
                }
            }
            any = true;
            int start = pos;
            while (pos < len && buf[pos] != '\n') {
                pos++;
            }
            if (!over) {
                if (sb.length() + (pos - start) > max) {
                    over = true;
                    sb = new StringBuilder();
                } else {
                    sb.append(buf, start, pos - start);
                }
            }
            if (pos < len) {
                pos++; // the '\n'
                return over ? OVERSIZED : strip(sb);
            }
        }
    }

    private static String strip(StringBuilder sb) {
        int n = sb.length();
        return n > 0 && sb.charAt(n - 1) == '\r' ? sb.substring(0, n - 1) : sb.toString();
    }
}
