package dev.agentmesh.corpus;

import dev.agentmesh.MeshException;
import dev.agentmesh.Texts;

/**
 * A data category of captured conversations and what the corpus keeps of it: the seed's "Default category behavior
 * (policy-driven)" (seed 000, "Data Policy + Training Corpus").
 */
public enum Category {
    /** Full storage, training included subject to the project allow-list (seed 000). */
    PRODUCTION_WORK("production_work", Storage.FULL, true),
    /** Summary storage, excluded from training (seed 000). */
    SMOKE_TEST("smoke_test", Storage.SUMMARY, false),
    /** Summary storage, excluded from training (seed 000). */
    OPS_DEBUG("ops_debug", Storage.SUMMARY, false),
    /** Payload dropped (metadata only), excluded from training (seed 000). */
    OFF_TOPIC("off_topic", Storage.METADATA, false);

    /** How much of a conversation is stored. */
    public enum Storage {
        /** The system prompt, every message (text, tool calls and results) and the summary. */
        FULL,
        /** The end summary only: no system prompt and no message bodies; messages are counted. */
        SUMMARY,
        /** No text at all: agent, runtime, model, run type, counts, tokens and times. */
        METADATA
    }

    private final String wire;
    private final Storage storage;
    private final boolean trainable;

    Category(String wire, Storage storage, boolean trainable) {
        this.wire = wire;
        this.storage = storage;
        this.trainable = trainable;
    }

    /** @return the seed's name: {@code production_work}, {@code smoke_test}, {@code ops_debug} or {@code off_topic} */
    public String wire() {
        return wire;
    }

    /** @return how much of a conversation of this category is stored */
    public Storage storage() {
        return storage;
    }

    /**
     * @return whether conversations of this category may be used for training at all; the project must also be in
     *         the allow-list ({@link DataPolicy#trainingEligible}). Only {@link #PRODUCTION_WORK} (seed 000).
     */
    public boolean trainable() {
        return trainable;
    }

    /**
     * @param text a category's seed name, e.g. {@code smoke_test}
     * @return the category
     * @throws MeshException (invalid input) for any other text, naming the value and the known names
     */
    public static Category parse(String text) {
        for (Category c : values()) {
            if (c.wire.equals(text)) {
                return c;
            }
        }
        throw MeshException.invalidInput("unknown category '" + Texts.quote(text, 40)
                + "'; categories: production_work, smoke_test, ops_debug, off_topic (seed 000)");
    }
}
