package dev.agentmesh.mesh;

import dev.agentmesh.MeshException;
import dev.agentmesh.MeshFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Send, broadcast and inbox on a real SQLite store: committed once, handed out once per recipient. */
class MessagingTest {

    private static Presence.JoinRequest named(String name) {
        return new Presence.JoinRequest(name, ProcessHandle.current().pid(), null, "cli", null, null);
    }

    @Test
    void aSentMessageIsReadOnceByEachRecipient(@TempDir Path tmp) throws Exception {
        Mesh mesh = new MeshFixture(tmp).mesh;
        mesh.presence().join(named("Alice"));
        mesh.presence().join(named("Bob"));
        mesh.presence().join(named("Carol"));

        Message sent = mesh.messenger().send("Alice", List.of("Bob", "Carol", "Bob"), "auth is done", null);

        assertThat(sent.recipients()).containsExactly("Bob", "Carol");
        assertThat(mesh.messenger().inbox("Bob", 10, true)).extracting(Message::body).containsExactly("auth is done");
        assertThat(mesh.messenger().inbox("Bob", 10, false)).extracting(Message::body).containsExactly("auth is done");
        assertThat(mesh.messenger().inbox("Bob", 10, false)).isEmpty();
        assertThat(mesh.messenger().inbox("Carol", 10, false)).extracting(Message::sender).containsExactly("Alice");
    }

    @Test
    void broadcastReachesEveryoneButTheSender(@TempDir Path tmp) throws Exception {
        Mesh mesh = new MeshFixture(tmp).mesh;
        mesh.presence().join(named("Alice"));
        mesh.presence().join(named("Bob"));

        Message m = mesh.messenger().broadcast("Alice", "standup");

        assertThat(m.recipients()).containsExactly("Bob");
        assertThat(mesh.messenger().inbox("Alice", 10, false)).isEmpty();
        assertThat(mesh.messenger().inbox("Bob", 10, false)).extracting(Message::broadcast).containsExactly(true);
        assertThat(mesh.feed().latest(20)).extracting(FeedEvent::kind).containsExactly("join", "join", "broadcast");
    }

    @Test
    void aMessageToAnUnknownAgentIsRefusedAndNothingIsStored(@TempDir Path tmp) throws Exception {
        Mesh mesh = new MeshFixture(tmp).mesh;
        mesh.presence().join(named("Alice"));
        mesh.presence().join(named("Bob"));

        assertThatThrownBy(() -> mesh.messenger().send("Alice", List.of("Bob", "Nobody"), "hi", null))
                .isInstanceOf(MeshException.class).hasMessageContaining("unknown agent 'Nobody'");
        assertThatThrownBy(() -> mesh.messenger().send("Alice", List.of("Bob"), "  ", null))
                .hasMessage("message is empty");
        assertThatThrownBy(() -> mesh.messenger().send("Alice", List.of("Bob"), "hi", 999L))
                .hasMessageContaining("replyTo 999");
        assertThat(mesh.messenger().inbox("Bob", 10, false)).isEmpty();
    }

    @Test
    void aLeftAgentKeepsItsInboxForTheRejoin(@TempDir Path tmp) throws Exception {
        Mesh mesh = new MeshFixture(tmp).mesh;
        mesh.presence().join(named("Alice"));
        mesh.presence().join(named("Bob"));
        mesh.presence().leave("Bob");

        mesh.messenger().send("Alice", List.of("Bob"), "while you were out", null);
        mesh.presence().join(named("Bob"));

        assertThat(mesh.messenger().inbox("Bob", 10, false)).extracting(Message::body).containsExactly("while you were out");
    }
}
