package dev.agentmesh.runtime;

import dev.agentmesh.MeshException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code provider/model[:thinking]} (seed 001) and capability names, as users write them in config and CLI options. */
class ModelRefTest {

    @Test
    void readsProviderModelAndThinking() {
        assertThat(ModelRef.parse("anthropic/claude-sonnet-4:high")).isEqualTo(new ModelRef("anthropic", "claude-sonnet-4", "high"));
        assertThat(ModelRef.parse("openai/gpt-5")).isEqualTo(new ModelRef("openai", "gpt-5", null));
        assertThat(ModelRef.parse("scripted:off")).isEqualTo(new ModelRef(null, "scripted", "off"));
        assertThat(ModelRef.parse("ollama/qwen3:8b")).as("a colon that is no thinking level is the model's")
                .isEqualTo(new ModelRef("ollama", "qwen3:8b", null));
        assertThat(ModelRef.parse("openrouter/meta/llama-4")).isEqualTo(new ModelRef("openrouter", "meta/llama-4", null));
        assertThat(ModelRef.parse("  ")).isNull();
        assertThat(ModelRef.parse(null)).isNull();
        assertThat(ModelRef.parse("anthropic/claude-sonnet-4:high").toString()).isEqualTo("anthropic/claude-sonnet-4:high");
    }

    @Test
    void refusesBadReferencesInOneLine() {
        assertThatThrownBy(() -> ModelRef.parse("/gpt-5")).isInstanceOf(MeshException.class)
                .hasMessage("model reference '/gpt-5' has an empty provider or model");
        assertThatThrownBy(() -> ModelRef.parse("openai/")).hasMessage("model reference 'openai/' has an empty provider or model");
        assertThatThrownBy(() -> ModelRef.parse("openai/gpt-5:")).hasMessageStartingWith("model reference 'openai/gpt-5:' ends with ':'");
        assertThatThrownBy(() -> new ModelRef("openai", "gpt-5", "max")).hasMessage(
                "unknown thinking level 'max'; known: off, minimal, low, medium, high, xhigh");
        assertThatThrownBy(() -> ModelRef.parse("open ai/gpt-5")).hasMessageContaining("has a space or control character");
        assertThatThrownBy(() -> ModelRef.parse("openai/gpt\u00075")).hasMessageContaining("has a space or control character")
                .hasMessageNotContaining("\u0007");
        assertThatThrownBy(() -> ModelRef.parse("x".repeat(201))).hasMessage("model reference is 201 characters; the limit is 200");
    }

    @Test
    void capabilitiesParseInAnyCaseAndNameTheKnownOnes() {
        assertThat(Capability.parse(" Edit ")).isEqualTo(Capability.EDIT);
        assertThatThrownBy(() -> Capability.parse("sudo")).isInstanceOf(MeshException.class)
                .hasMessage("unknown capability 'sudo'; known: read, search, edit, write, shell, mesh");
        assertThat(Capability.READ_ONLY).doesNotContain(Capability.EDIT, Capability.WRITE);
    }
}
