package dev.agentmesh.agents;

import dev.agentmesh.MeshFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The registry of spawned agents: what is written is read back, and a restart marks the running ones stopped. */
class AgentsTest {

    @Test
    void theRegistryKeepsEveryFieldAndARestartStopsWhatRan(@TempDir Path tmp) throws Exception {
        MeshFixture f = new MeshFixture(tmp);
        Agents agents = new Agents(f.store, f.mesh.project().key());
        SpawnedAgent idle = new SpawnedAgent("Builder", "claude", "anthropic/claude-sonnet-4:high", null, "s-1",
                SpawnedAgent.IDLE, null, null, null, 4242L, 1000, 1000);
        agents.save(idle);
        assertThat(agents.get("Builder")).as("a pid with no summary").isEqualTo(idle);
        SpawnedAgent done = new SpawnedAgent("Builder", "claude", "anthropic/claude-sonnet-4:high", null, "s-1",
                SpawnedAgent.STOPPED, "ws", "task", "did it", null, 1000, 2000);
        agents.save(done);
        assertThat(agents.get("Builder")).as("a summary with no pid").isEqualTo(done);

        agents.save(idle);
        assertThat(Agents.stopAll(f.store)).extracting(java.util.Map.Entry::getValue).containsExactly("Builder");
        assertThat(agents.get("Builder").status()).isEqualTo(SpawnedAgent.STOPPED);
        assertThat(agents.get("Builder").pid()).isNull();
        assertThat(agents.get("Builder").sessionId()).as("kept for the resume").isEqualTo("s-1");
        assertThatThrownBy(() -> agents.get("Nobody")).hasMessage("no spawned agent is named 'Nobody'; spawned: Builder");
    }
}
