package dev.agentmesh.api;

import dev.agentmesh.MeshException;
import dev.agentmesh.MeshFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Parameters of the wrong type are refused naming the parameter, and unread mail is announced. */
class LocalMeshApiTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void wrongParameterTypesAreInvalidInputNotInternalErrors(@TempDir Path tmp) throws Exception {
        MeshFixture f = new MeshFixture(tmp);
        MeshApi tool = f.api;
        Caller s = new Caller(null, f.root, ProcessHandle.current().pid(), "test", null);
        tool.call(s, JSON.readTree("{\"action\":\"join\",\"name\":\"Ann\"}"));

        for (String bad : new String[]{
                "{\"action\":\"send\",\"to\":\"Ann\",\"message\":\"hi\",\"replyTo\":{}}",
                "{\"action\":\"feed\",\"limit\":99999999999}",
                "{\"action\":\"inbox\",\"peek\":\"maybe\"}",
                "{\"action\":\"send\",\"to\":[1],\"message\":\"hi\"}",
                "{\"action\":\"send\",\"to\":\"Ann\",\"message\":{\"a\":1}}"}) {
            assertThatThrownBy(() -> tool.call(s, JSON.readTree(bad))).as(bad).isInstanceOf(MeshException.class)
                    .satisfies(e -> assertThat(((MeshException) e).kind()).isEqualTo(MeshException.Kind.INVALID_INPUT))
                    .hasMessageContaining("parameter '");
        }
        assertThatThrownBy(() -> tool.call(s, JSON.readTree("{\"action\":5}"))).hasMessageStartingWith("unknown action '5'; known actions: join,");
    }

    @Test
    void aJoinedCallerIsToldOfUnreadMessages(@TempDir Path tmp) throws Exception {
        MeshFixture f = new MeshFixture(tmp);
        MeshApi tool = f.api;
        Caller ann = new Caller(null, f.root, ProcessHandle.current().pid(), "test", null);
        Caller ben = new Caller(null, f.root, ProcessHandle.current().pid(), "test", null);
        tool.call(ann, JSON.readTree("{\"action\":\"join\",\"name\":\"Ann\"}"));
        tool.call(ben, JSON.readTree("{\"action\":\"join\",\"name\":\"Ben\"}"));
        tool.call(ann, JSON.readTree("{\"action\":\"send\",\"to\":\"Ben\",\"message\":\"ping\"}"));

        assertThat(tool.call(ben, JSON.readTree("{\"action\":\"list\"}")).text())
                .endsWith("[mesh] 1 unread message(s) for Ben: call pi_messenger with action \"inbox\" to read them.");
        assertThat(tool.call(ben, JSON.readTree("{\"action\":\"inbox\"}")).text()).contains("Ann: ping");
        assertThat(tool.call(ben, JSON.readTree("{\"action\":\"list\"}")).text()).doesNotContain("unread");
    }

    @Test
    void anAgentsActionsIncludingRenameNeedItsTokenAndTheNoticeCountsWhatWaits(@TempDir Path tmp) throws Exception {
        MeshFixture f = new MeshFixture(tmp);
        MeshApi tool = f.api;
        Caller ann = new Caller(null, f.root, ProcessHandle.current().pid(), "test", null);
        Caller ben = new Caller(null, f.root, ProcessHandle.current().pid(), "test", null);
        tool.call(ann, JSON.readTree("{\"action\":\"join\",\"name\":\"Ann\"}"));
        tool.call(ben, JSON.readTree("{\"action\":\"join\",\"name\":\"Ben\"}"));
        tool.call(ann, JSON.readTree("{\"action\":\"send\",\"to\":\"Ben\",\"message\":\"one\"}"));
        Caller forger = new Caller("Ben", f.root, ProcessHandle.current().pid(), "test", null).token(ann.token());
        for (String action : new String[]{"{\"action\":\"rename\",\"name\":\"Bob\"}", "{\"action\":\"inbox\"}",
                "{\"action\":\"set_status\",\"message\":\"x\"}"}) {
            assertThatThrownBy(() -> tool.call(forger, JSON.readTree(action))).as(action)
                    .hasMessage("the token given is not Ben's; an agent acts only as itself");
        }
        assertThat(tool.call(forger, JSON.readTree("{\"action\":\"list\"}")).text()).as("an open read, without the notice")
                .doesNotContain("unread");
        assertThat(tool.call(ben, JSON.readTree("{\"action\":\"set_status\",\"message\":\"busy\"}")).text())
                .endsWith("[mesh] 1 unread message(s) for Ben: call pi_messenger with action \"inbox\" to read them.");
        assertThat(tool.call(ben, JSON.readTree("{\"action\":\"rename\",\"name\":\"Bob\"}")).text())
                .endsWith("[mesh] 1 unread message(s) for Bob: call pi_messenger with action \"inbox\" to read them.");
        assertThat(tool.call(ben, JSON.readTree("{\"action\":\"inbox\"}")).text()).contains("Ann: one");
    }
}
