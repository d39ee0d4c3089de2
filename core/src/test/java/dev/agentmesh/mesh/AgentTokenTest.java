package dev.agentmesh.mesh;

import dev.agentmesh.MeshException;
import dev.agentmesh.MeshFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Who may join as a present agent, and which token then works (issue 5, part 3). */
class AgentTokenTest {
    private static final long ME = ProcessHandle.current().pid();

    private static Presence.JoinRequest as(String name, long pid) {
        return new Presence.JoinRequest(name, pid, "/r", "test", null, null);
    }

    @Test
    void theAgentJoiningAgainWithItsTokenButNoPidKeepsItsProcessAndModel(@TempDir Path tmp) throws Exception {
        Presence presence = new MeshFixture(tmp).mesh.presence();
        String token = presence.joinWithToken(new Presence.JoinRequest("Cara", ME, "/r", "claude", "anthropic/claude-sonnet-4", null), null).token();

        // its MCP session joins again, knowing neither its pid nor its model
        presence.joinWithToken(new Presence.JoinRequest("Cara", null, "/r", "claude", null, null), token);

        Agent cara = presence.whois("Cara");
        assertThat(cara.pid()).as("the runtime's process still keeps it present").isEqualTo(ME);
        assertThat(cara.model()).isEqualTo("anthropic/claude-sonnet-4");
        assertThat(cara.runtime()).isEqualTo("claude");
    }

    @Test
    void aPresentAgentsNameIsTakenAgainOnlyWithItsTokenWhichThenStaysValid(@TempDir Path tmp) throws Exception {
        Presence presence = new MeshFixture(tmp).mesh.presence();
        String first = presence.joinWithToken(as("Ann", ME), null).token();

        assertThatThrownBy(() -> presence.joinWithToken(as("Ann", ME), null)).isInstanceOf(MeshException.class)
                .as("its pid alone, which any client can name, is not enough")
                .hasMessageStartingWith("name Ann is taken by a live agent").hasMessageContaining("joins again with its token");
        assertThatThrownBy(() -> presence.joinWithToken(as("Ann", ME), "forged")).hasMessageStartingWith("name Ann is taken");

        Presence.Joined again = presence.joinWithToken(as("Ann", ME), first);
        assertThat(again.token()).as("the agent's other parts keep working with the token they hold").isEqualTo(first);
        presence.authenticate("Ann", first);

        presence.leave("Ann");
        String taken = presence.joinWithToken(as("Ann", ME), null).token();
        assertThat(taken).as("a name whose agent left is taken with a new token").isNotEqualTo(first);
        assertThatThrownBy(() -> presence.authenticate("Ann", first)).hasMessage("the token given is not Ann's; an agent acts only as itself");
        assertThatThrownBy(() -> presence.authenticate("Ann", null)).hasMessageStartingWith("acting as Ann needs its token");
        presence.authenticate("Nobody", null);
    }
}
