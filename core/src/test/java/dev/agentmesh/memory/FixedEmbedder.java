package dev.agentmesh.memory;

import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An embedder whose similarities are set by the text: a text holding {@code sim=0.42} embeds to a vector whose cosine
 * with that of any text without it (a query) is exactly 0.42. For tests of ranking, threshold and bounds.
 */
final class FixedEmbedder implements Embedder {
    private static final Pattern SIM = Pattern.compile("sim=(-?[0-9.]+)");

    /** @return an embedder named {@code id} that embeds with {@code embed} */
    static Embedder of(String id, Function<String, float[]> embed) {
        return new Embedder() {
            @Override
            public String id() {
                return id;
            }

            @Override
            public float[] embed(String text) {
                return embed.apply(text);
            }
        };
    }

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
