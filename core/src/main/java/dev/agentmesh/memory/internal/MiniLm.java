package dev.agentmesh.memory.internal;

import dev.agentmesh.MeshException;
import dev.agentmesh.memory.Embedder;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;

/**
 * The JVM's one all-MiniLM-L6-v2 (quantised) embedder, loaded on first use. The model class loads its ONNX session in
 * its static initialiser, so it is named only inside {@link #model()}: loading this class loads no model.
 */
public final class MiniLm implements Embedder {
    private static final MiniLm SHARED = new MiniLm();

    private volatile EmbeddingModel model;
    private volatile long loadMillis = -1;

    private MiniLm() {
    }

    /** @return the shared instance (cheap: the model is not loaded yet) */
    public static MiniLm shared() {
        return SHARED;
    }

    @Override
    public String id() {
        return "all-minilm-l6-v2-q";
    }

    @Override
    public float[] embed(String text) {
        try {
            return model().embed(text).content().vector();
        } catch (MeshException e) {
            throw e;
        } catch (RuntimeException e) {
            throw MeshException.internal("the embedding model " + id() + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void load() {
        model();
    }

    /** @return how long the model took to load, in ms; -1 while it is not loaded */
    public long loadMillis() {
        return loadMillis;
    }

    private EmbeddingModel model() {
        EmbeddingModel m = model;
        if (m != null) {
            return m;
        }
        synchronized (this) {
            if (model == null) {
                long t0 = System.nanoTime();
                try {
                    // embeddings of one text run on the caller's thread: no pool of the model's own to outlive us
                    model = new AllMiniLmL6V2QuantizedEmbeddingModel(Runnable::run);
                } catch (RuntimeException | LinkageError e) {
                    throw MeshException.internal("cannot load the embedding model " + id() + " (langchain4j, ONNX Runtime): "
                            + e, e);
                }
                loadMillis = (System.nanoTime() - t0) / 1_000_000;
            }
            return model;
        }
    }
}
