package dev.agentmesh.mesh;

import dev.agentmesh.MeshFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Heartbeat leases (issue 5, part 3): a connection's lease keeps an agent without a live pid present until it runs out. */
class LeaseTest {
    @TempDir
    Path tmp;

    @Test
    void anAgentWithoutAPidStaysWhileItsLeaseRunsAndIsReapedAtOnceWhenItRunsOut() throws Exception {
        MeshFixture f = new MeshFixture(tmp);
        Mesh mesh = f.mesh;
        Presence presence = mesh.presence();
        presence.join(new Presence.JoinRequest("Web", null, null, "mcp", null, null));
        presence.join(new Presence.JoinRequest("Cli", ProcessHandle.current().pid(), null, "cli", null, null));
        mesh.reservations().reserve("Web", f.root, List.of("src/"), "editing", true, null);

        assertThat(presence.renewLeases(List.of("Web", "Nobody"), Duration.ofMillis(300))).isEqualTo(1);
        assertThat(presence.reap(Presence.REAP_GRACE)).as("a running lease keeps it").isEmpty();

        Thread.sleep(400);
        // no grace for a lease-only agent: its lease ran out, so it is gone now, with its reservation
        assertThat(presence.reap(Presence.REAP_GRACE)).containsExactly("Web");
        assertThat(presence.list(false)).extracting(Agent::name).containsExactly("Cli");
        assertThat(mesh.reservations().list()).isEmpty();
        assertThat(mesh.feed().latest(5)).extracting(FeedEvent::detail).anyMatch(d -> d != null && d.contains("its connection is gone"));
    }

    @Test
    void aLiveLeaseKeepsAnAgentWhoseRecordedPidIsGone() throws Exception {
        Mesh mesh = new MeshFixture(tmp).mesh;
        Presence presence = mesh.presence();
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        presence.join(new Presence.JoinRequest("Sub", gone.pid(), null, "cli", null, null));
        presence.renewLeases(List.of("Sub"), Duration.ofMinutes(1));
        assertThat(presence.reap(Duration.ZERO)).isEmpty();
        assertThat(presence.list(false)).extracting(Agent::name).containsExactly("Sub");
    }
}
