package dev.agentmesh.cli.mcp;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Stands between stdio and the SDK's stdio transport, which stops writing as soon as its input ends and dies with a
 * stack trace on a line that is not JSON. {@link #input} hands the transport whole lines only and:
 * <ul>
 *   <li>holds back the end of input until every request read (a line with {@code id} and {@code method}) has had
 *   a response flushed to {@link #output} (a line with {@code id} and no {@code method}), or until {@link #LIMIT}
 *   passes, so {@code printf '...' | mesh mcp} gets all its answers;</li>
 *   <li>ends input at the first line that is not a JSON object (recorded in {@link #rejected}), answering what came
 *   before it;</li>
 *   <li>drops blank lines and ends a last line that has no newline.</li>
 * </ul>
 * One instance serves one connection.
 */
final class StdioGuard {
    /** Longest wait for outstanding responses once input has ended: a call waits this long at most for the store. */
    static final Duration LIMIT = Duration.ofSeconds(30);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int PREVIEW = 80;

    private final Object lock = new Object();
    private long requests;
    private long responses;
    private long unflushed;
    private volatile String rejected;

    /**
     * @return null, or why input was ended early: the number and start (at most 80 characters) of the first line
     *         that is not a JSON object
     */
    String rejected() {
        return rejected;
    }

    /** @return {@code in}, cut into checked lines, whose end is reported only once its requests are answered */
    InputStream input(InputStream in) {
        return new InputStream() {
            private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
            private byte[] ready = new byte[0];
            private int pos;
            private long lineNo;
            private boolean ended;

            @Override
            public int read() throws IOException {
                byte[] b = new byte[1];
                return read(b, 0, 1) < 0 ? -1 : b[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                while (pos == ready.length && !ended) {
                    fill();
                }
                if (pos == ready.length) {
                    awaitResponses();
                    return -1;
                }
                int n = Math.min(len, ready.length - pos);
                System.arraycopy(ready, pos, b, off, n);
                pos += n;
                return n;
            }

            @Override
            public int available() {
                return ready.length - pos;
            }

            /** Reads one chunk and makes its whole, checked lines ready. */
            private void fill() throws IOException {
                byte[] chunk = new byte[8192];
                int n = in.read(chunk);
                if (n < 0) {
                    ended = true;
                    chunk = new byte[]{'\n'};
                    n = partial.size() > 0 ? 1 : 0;
                }
                ByteArrayOutputStream lines = new ByteArrayOutputStream();
                for (int i = 0; i < n && rejected == null; i++) {
                    if (chunk[i] != '\n') {
                        partial.write(chunk[i]);
                        continue;
                    }
                    byte[] line = partial.toByteArray();
                    partial.reset();
                    lineNo++;
                    if (new String(line, StandardCharsets.UTF_8).isBlank()) {
                        continue;
                    }
                    JsonNode msg = parse(line);
                    if (msg == null) {
                        String text = new String(line, StandardCharsets.UTF_8).strip();
                        rejected = "line " + lineNo + " is not a JSON-RPC message: "
                                + (text.length() > PREVIEW ? text.substring(0, PREVIEW) + "..." : text);
                        ended = true;
                        break;
                    }
                    if (msg.has("id") && msg.has("method")) {
                        synchronized (lock) {
                            requests++;
                        }
                    }
                    lines.write(line);
                    lines.write('\n');
                }
                ready = lines.toByteArray();
                pos = 0;
            }
        };
    }

    /** @return {@code out}, counting the responses flushed to it */
    OutputStream output(OutputStream out) {
        return new FilterOutputStream(out) {
            private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

            @Override
            public void write(int b) throws IOException {
                write(new byte[]{(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
                for (int i = off; i < off + len; i++) {
                    if (b[i] != '\n') {
                        partial.write(b[i]);
                        continue;
                    }
                    JsonNode msg = parse(partial.toByteArray());
                    partial.reset();
                    if (msg != null && msg.has("id") && !msg.has("method")) {
                        synchronized (lock) {
                            unflushed++;
                        }
                    }
                }
            }

            @Override
            public void flush() throws IOException {
                out.flush();
                synchronized (lock) {
                    responses += unflushed;
                    unflushed = 0;
                    lock.notifyAll();
                }
            }
        };
    }

    private static JsonNode parse(byte[] line) {
        try {
            JsonNode n = JSON.readTree(line);
            return n != null && n.isObject() ? n : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private void awaitResponses() throws IOException {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        synchronized (lock) {
            while (responses < requests) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                try {
                    lock.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while waiting for responses", e);
                }
            }
        }
    }
}
