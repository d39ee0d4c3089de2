package dev.agentmesh.api;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The role tools (issue 8): each is an action of the same name, described, with an object schema of its parameters. */
class RoleActionsTest {
    @Test
    void eachToolIsAnActionWithADescriptionAndAnObjectSchema() {
        assertThat(RoleActions.TOOLS).extracting(ToolSpec::name)
                .containsExactly("claim_orchestrator_role", "orchestrator_status", "set_description", "set_circle");
        assertThat(MeshApi.ACTIONS).containsSubsequence(RoleActions.TOOLS.stream().map(ToolSpec::name).toList());
        for (ToolSpec t : RoleActions.TOOLS) {
            assertThat(t.description()).as(t.name()).hasSizeGreaterThan(80).doesNotContain("\n");
            assertThat(t.inputSchema().path("type").asString()).as(t.name()).isEqualTo("object");
            assertThat(t.inputSchema().path("properties").isObject()).as(t.name()).isTrue();
            assertThat(t.inputSchema().path("additionalProperties").asBoolean(true)).as(t.name()).isFalse();
        }
        assertThat(RoleActions.TOOLS.get(0).inputSchema().path("properties").propertyNames()).containsExactly("force", "observer", "circle");
        assertThat(RoleActions.TOOLS.get(2).inputSchema().path("required").get(0).asString()).isEqualTo("description");
    }
}
