package dev.agentmesh.runtime;

import dev.agentmesh.MeshException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AgentSpecTest {
    private static AgentSpec spec(ModelRef model, String thinking) {
        return new AgentSpec("W", null, model, null, Capability.ALL, Path.of("/tmp"), Map.of(), null, thinking);
    }

    @Test
    void theModelsThinkingLevelWinsAndALevelWithoutAModelGoesToTheDefaultModel() {
        assertThat(spec(ModelRef.parse("a/b:high"), "low").thinkingLevel()).isEqualTo("high");
        assertThat(spec(ModelRef.parse("a/b"), "low").thinkingLevel()).isEqualTo("low");
        assertThat(spec(null, "medium").thinkingLevel()).isEqualTo("medium");
        assertThat(spec(null, null).thinkingLevel()).isNull();
        assertThatThrownBy(() -> spec(null, "max")).isInstanceOf(MeshException.class)
                .hasMessage("unknown thinking level 'max'; known: off, minimal, low, medium, high, xhigh");
    }
}
