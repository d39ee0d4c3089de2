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
    void aRetriedSendWithItsIdempotencyKeyReturnsTheFirstMessageAndStoresNoSecond(@TempDir Path tmp) throws Exception {
        Mesh mesh = new MeshFixture(tmp).mesh;
        mesh.presence().join(named("Alice"));
        mesh.presence().join(named("Bob"));

        Message first = mesh.messenger().send("Alice", List.of("Bob"), "deploy at 5", null, "alice-42");
        Message again = mesh.messenger().send("Alice", List.of("Bob"), "deploy at 5", null, "alice-42");
        Message other = mesh.messenger().send("Alice", List.of("Bob"), "deploy at 5", null, "alice-43");

        assertThat(again.id()).isEqualTo(first.id());
        assertThat(other.id()).isNotEqualTo(first.id());
        assertThat(mesh.messenger().inbox("Bob", 10, false)).extracting(Message::id).containsExactly(first.id(), other.id());
        assertThat(mesh.feed().latest(20)).filteredOn(e -> e.kind().equals("message")).hasSize(2);
        // a key is the sender's own: Bob may use the same one
        mesh.messenger().send("Bob", List.of("Alice"), "ok", null, "alice-42");
        assertThat(mesh.messenger().inbox("Alice", 10, false)).extracting(Message::body).containsExactly("ok");
        // retried after delivery it still returns the first message and delivers nothing again
        assertThat(mesh.messenger().send("Alice", List.of("Bob"), "deploy at 5", null, "alice-42").id()).isEqualTo(first.id());
        assertThat(mesh.messenger().inbox("Bob", 10, false)).isEmpty();
    }

    @Test
    void anIdempotencyKeyReusedForAnotherMessageOrMalformedIsRefused(@TempDir Path tmp) throws Exception {
        Mesh mesh = new MeshFixture(tmp).mesh;
        mesh.presence().join(named("Alice"));
        mesh.presence().join(named("Bob"));
        mesh.presence().join(named("Carol"));
        Message first = mesh.messenger().send("Alice", List.of("Bob"), "one", null, "k1");

        assertThatThrownBy(() -> mesh.messenger().send("Alice", List.of("Bob"), "two", null, "k1"))
                .isInstanceOf(MeshException.class)
                .hasMessage("idempotency key 'k1' was used for message #" + first.id()
                        + " with another text or other recipients; use a new key for a new message");
        assertThatThrownBy(() -> mesh.messenger().send("Alice", List.of("Carol"), "one", null, "k1"))
                .hasMessageContaining("other recipients");
        assertThatThrownBy(() -> mesh.messenger().send("Alice", List.of("Bob"), "one", null, ""))
                .hasMessage("idempotency key is 0 characters; it must have 1..200");
        assertThatThrownBy(() -> mesh.messenger().send("Alice", List.of("Bob"), "one", null, "k".repeat(201)))
                .hasMessage("idempotency key is 201 characters; it must have 1..200");
        assertThatThrownBy(() -> mesh.messenger().send("Alice", List.of("Bob"), "one", null, "a\nb"))
                .hasMessageContaining("has a control character");
        assertThat(mesh.messenger().inbox("Bob", 10, false)).extracting(Message::id).containsExactly(first.id());
        assertThat(mesh.messenger().inbox("Carol", 10, false)).isEmpty();
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
