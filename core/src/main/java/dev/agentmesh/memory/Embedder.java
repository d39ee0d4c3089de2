package dev.agentmesh.memory;

import dev.agentmesh.memory.internal.MiniLm;

/**
 * Turns a text into a vector of {@value #DIMENSIONS} floats whose cosine similarity to another text's vector says how
 * close their meanings are (issue 6, part 4). Implementations must be thread-safe.
 */
public interface Embedder {
    /** Length of every embedding, in floats: that of all-MiniLM-L6-v2, the table's vector size. */
    int DIMENSIONS = 384;

    /**
     * @return a stable name of the model, stored beside each embedding: memories embedded by another model are never
     *         compared with this one's (e.g. {@code all-minilm-l6-v2-q})
     */
    String id();

    /**
     * @param text any text; the model reads at most its first 510 tokens per partition and averages longer texts
     * @return {@value #DIMENSIONS} floats, never null
     * @throws dev.agentmesh.MeshException (internal) if the model cannot be loaded or fails
     */
    float[] embed(String text);

    /**
     * Loads the model now if it loads lazily, so that the first {@link #embed} is not slowed by it; returns at once
     * when it is loaded. Does nothing by default.
     *
     * @throws dev.agentmesh.MeshException (internal) if the model cannot be loaded
     */
    default void load() {
    }

    /**
     * The quantised all-MiniLM-L6-v2 sentence embedder of langchain4j, run in process with ONNX Runtime; the model is
     * inside its jar, so it works offline. One instance per JVM, loaded on the first {@link #embed} or {@link #load}
     * (about a second; nothing loads it before), thread-safe. Loading extracts the tokenizer's native library to
     * DJL's cache folder ({@code ~/.djl.ai}, or {@code DJL_CACHE_DIR}) once per machine.
     *
     * @return the shared instance
     */
    static Embedder allMiniLm() {
        return MiniLm.shared();
    }
}
