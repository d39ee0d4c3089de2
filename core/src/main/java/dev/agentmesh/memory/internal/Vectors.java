package dev.agentmesh.memory.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Embeddings as stored (float32, little-endian) and compared (cosine similarity). */
public final class Vectors {
    private Vectors() {
    }

    /** @return {@code v} as 4 bytes per float, little-endian */
    public static byte[] toBytes(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return b.array();
    }

    /** @return the floats of {@code bytes} (4 bytes each, little-endian; a trailing partial float is ignored) */
    public static float[] fromBytes(byte[] bytes) {
        float[] v = new float[bytes.length / Float.BYTES];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
        return v;
    }

    /** @return the cosine similarity of {@code a} and {@code b}, -1..1; 0 when either is all zeros or their lengths differ */
    public static double cosine(float[] a, float[] b) {
        if (a.length != b.length) {
            return 0;
        }
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
    }
}
