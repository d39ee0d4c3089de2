package dev.agentmesh.corpus.internal;

import java.util.function.UnaryOperator;

/** Fits text into a size limit after redaction, with a marker that says how much was cut, and measures what is stored. */
public final class Bounds {
    /** How far past a limit text is read before it is redacted and cut, in characters: room for a secret across the cut. */
    public static final int MARGIN_CHARS = 16 * 1024;

    /** A text as it will be stored, and whether anything was cut from it. */
    public record Fitted(String text, boolean truncated) {
    }

    private Bounds() {
    }

    /**
     * Reads at most {@code max} + {@value #MARGIN_CHARS} characters of {@code raw}, redacts them and cuts the result to
     * {@code max} characters, ending it with {@code [TRUNCATED: n characters cut]} when anything was cut. A secret that
     * starts before the cut is whole in what is redacted (none is longer than the margin), so no part of it is kept.
     *
     * @param raw    the text as captured
     * @param max    the most characters to keep, at least 64
     * @param redact the redaction to apply
     */
    public static Fitted fit(String raw, int max, UnaryOperator<String> redact) {
        long end = (long) max + MARGIN_CHARS;
        String head = raw.length() <= end ? raw : raw.substring(0, (int) end);
        int dropped = raw.length() - head.length();
        String text = redact.apply(head);
        if (text.length() <= max && dropped == 0) {
            return new Fitted(text, false);
        }
        int keep = Math.min(text.length(), Math.max(0, max - 48));
        if (keep > 0 && keep < text.length() && Character.isHighSurrogate(text.charAt(keep - 1))) {
            keep--;
        }
        long cut = (long) text.length() - keep + dropped;
        return new Fitted(text.substring(0, keep) + "\n[TRUNCATED: " + cut + " characters cut]", true);
    }

    /** @return the length of {@code text} in UTF-8 bytes, 0 for null */
    public static long utf8(String text) {
        if (text == null) {
            return 0;
        }
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
