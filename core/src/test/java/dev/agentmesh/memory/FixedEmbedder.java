package dev.agentmesh.memory;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An embedder whose similarities are set by the text: a text holding {@code sim=0.42} embeds to a vector whose cosine
 * with that of any text without it (a query) is exactly 0.42. For tests of ranking, threshold and bounds.
 */
final class FixedEmbedder implements Embedder {
    private static final Pattern SIM = Pattern.compile("sim=(-?[0-9.]+)");

    @Override
    public String id() {
        return "fixed-test";
    }

    @Override
    public float[] embed(String text) {
        float[] v = new float[DIMENSIONS];
        Matcher m = SIM.matcher(text);
        double s = m.find() ? Double.parseDouble(m.group(1)) : 1;
        v[0] = (float) s;
        v[1] = (float) Math.sqrt(1 - s * s);
        return v;
    }
}
