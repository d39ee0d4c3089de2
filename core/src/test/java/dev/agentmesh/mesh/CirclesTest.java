package dev.agentmesh.mesh;

import dev.agentmesh.MeshException;
import dev.agentmesh.MeshFixture;
import dev.agentmesh.api.ApiResult;
import dev.agentmesh.api.Caller;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Circles scope who sees whom (issue 8, seeds/004): list shows the caller's circle and the agents in none unless
 * circle "*", a send across circles is refused, a broadcast reaches the sender's circle; agents in no circle see and
 * reach everyone, as before circles existed; reservations stay project-wide.
 */
class CirclesTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    MeshFixture f;
    final Map<String, Caller> callers = new HashMap<>();

    @BeforeEach
    void agents(@TempDir Path tmp) throws Exception {
        f = new MeshFixture(tmp);
        join("Fe", "frontend");
        join("Fe2", "frontend");
        join("Be", "backend");
        join("Boss", null);
    }

    private void join(String name, String circle) {
        Caller c = new Caller(null, f.root, null, "test", null);
        call(c, "{\"action\":\"join\",\"name\":\"" + name + "\"" + (circle == null ? "" : ",\"circle\":\"" + circle + "\"") + "}");
        callers.put(name, c);
    }

    private ApiResult call(Caller c, String json) {
        try {
            return f.api.call(c, JSON.readTree(json));
        } catch (tools.jackson.core.JacksonException e) {
            throw new AssertionError(e);
        }
    }

    private ApiResult as(String name, String json) {
        return call(callers.get(name), json);
    }

    private static List<String> names(JsonNode agents) {
        List<String> out = new ArrayList<>();
        agents.forEach(a -> out.add(a.path("name").asString()));
        return out;
    }

    @Test
    void listShowsTheCallersCircleAndTheAgentsInNoneUnlessAskedForEveryCircle() {
        ApiResult fe = as("Fe", "{\"action\":\"list\"}");
        assertThat(names(fe.data())).containsExactly("Boss", "Fe", "Fe2");
        assertThat(fe.text()).startsWith("3 agent(s) in circle frontend or in none (circle: \"*\" lists every circle)")
                .contains("Fe (you)  test  [frontend]");
        assertThat(names(as("Fe", "{\"action\":\"list\",\"circle\":\"*\"}").data())).containsExactly("Be", "Boss", "Fe", "Fe2");
        assertThat(names(as("Fe", "{\"action\":\"list\",\"circle\":\"backend\"}").data())).containsExactly("Be", "Boss");
        assertThat(names(as("Boss", "{\"action\":\"list\"}").data())).containsExactly("Be", "Boss", "Fe", "Fe2");
        assertThat(names(call(new Caller(null, f.root, null, "test", null), "{\"action\":\"list\"}").data()))
                .as("a caller that has not joined sees the whole project").containsExactly("Be", "Boss", "Fe", "Fe2");
        assertThat(as("Fe", "{\"action\":\"list\"}").data().get(0).path("circle").isNull()).isTrue();
        assertThat(as("Fe", "{\"action\":\"list\"}").data().get(1).path("circle").asString()).isEqualTo("frontend");
    }

    @Test
    void aSendAcrossCirclesIsRefusedAndNothingIsStored() {
        assertThatThrownBy(() -> as("Fe", "{\"action\":\"send\",\"to\":\"Be\",\"message\":\"hi\"}"))
                .isInstanceOf(MeshException.class)
                .hasMessage("Be is in circle 'backend' and Fe in circle 'frontend'; circles scope who reaches whom: send from"
                        + " an agent without a circle, or move with set_circle");
        assertThat(as("Be", "{\"action\":\"inbox\"}").text()).isEqualTo("no new messages");
        // within a circle, and to and from agents in none, it goes as before
        as("Fe", "{\"action\":\"send\",\"to\":\"Fe2\",\"message\":\"in circle\"}");
        as("Fe", "{\"action\":\"send\",\"to\":\"Boss\",\"message\":\"up\"}");
        as("Boss", "{\"action\":\"send\",\"to\":[\"Be\",\"Fe\"],\"message\":\"down\"}");
        assertThat(as("Fe2", "{\"action\":\"inbox\"}").text()).contains("Fe: in circle");
        assertThat(as("Boss", "{\"action\":\"inbox\"}").text()).contains("Fe: up");
        assertThat(as("Be", "{\"action\":\"inbox\"}").text()).contains("Boss: down");
    }

    @Test
    void aBroadcastReachesTheSendersCircleAndTheAgentsInNone() {
        ApiResult sent = as("Fe", "{\"action\":\"broadcast\",\"message\":\"frontend only\"}");
        assertThat(sent.text().lines().findFirst().orElseThrow()).endsWith(" to Boss, Fe2");
        assertThat(as("Be", "{\"action\":\"inbox\"}").text()).isEqualTo("no new messages");
        assertThat(as("Boss", "{\"action\":\"broadcast\",\"message\":\"all hands\"}").text().lines().findFirst().orElseThrow())
                .endsWith(" to Be, Fe, Fe2");
    }

    @Test
    void setCircleMovesAnAgentAndAnEmptyCircleBringsItBackToTheWholeProject() {
        ApiResult moved = as("Be", "{\"action\":\"set_circle\",\"circle\":\"frontend\"}");
        assertThat(moved.text()).isEqualTo("Be is in circle frontend: it sees that circle and the agents in none");
        assertThat(moved.data().path("circle").asString()).isEqualTo("frontend");
        as("Be", "{\"action\":\"send\",\"to\":\"Fe\",\"message\":\"hello neighbour\"}");
        assertThat(as("Be", "{\"action\":\"set_circle\",\"circle\":\"\"}").text()).isEqualTo("Be is in no circle: it sees the whole project");
        assertThat(names(as("Be", "{\"action\":\"list\"}").data())).containsExactly("Be", "Boss", "Fe", "Fe2");
        assertThat(as("Be", "{\"action\":\"set_circle\",\"circle\":null}").data().path("circle").isNull()).isTrue();
        assertThat(f.mesh.feed().latest(10)).anyMatch(e -> e.kind().equals("circle") && "frontend".equals(e.target()));
        assertThat(as("Fe", "{\"action\":\"whois\",\"name\":\"Fe\"}").text()).contains("\n  circle frontend");
    }

    @Test
    void badCirclesAreRefusedNamingTheValueAndTheStoreIsIntact() {
        for (String bad : new String[]{"../x", "*", "a b", "/etc/passwd", "x".repeat(65), "\\u001b[31m", "-lead"}) {
            assertThatThrownBy(() -> as("Be", "{\"action\":\"set_circle\",\"circle\":\"" + bad + "\"}")).as(bad)
                    .isInstanceOf(MeshException.class).hasMessageStartingWith("circle '").hasMessageContaining("is invalid")
                    .hasMessageNotContaining("\n").hasMessageNotContaining("\u001b");
            assertThatThrownBy(() -> join("New", bad)).as(bad).hasMessageStartingWith("circle '");
            assertThatThrownBy(() -> as("Be", "{\"action\":\"list\",\"circle\":\"" + bad.replace("*", "**") + "\"}")).as(bad)
                    .hasMessageStartingWith("circle '");
        }
        assertThatThrownBy(() -> as("Be", "{\"action\":\"set_circle\"}")).hasMessage("parameter 'circle' is required (\"\" or null for no circle)");
        assertThatThrownBy(() -> as("Be", "{\"action\":\"set_circle\",\"circle\":[\"a\"]}")).hasMessageStartingWith("parameter 'circle' must be a string");
        assertThat(f.mesh.presence().whois("Be").circle()).isEqualTo("backend");
        assertThat(f.mesh.presence().list(false)).extracting(Agent::name).doesNotContain("New");
    }

    @Test
    void aRejoinWithItsTokenKeepsTheCircleAndANewHolderOfTheNameStartsInNone() {
        Caller fe = callers.get("Fe");
        call(fe, "{\"action\":\"join\",\"name\":\"Fe\"}");
        assertThat(f.mesh.presence().whois("Fe").circle()).isEqualTo("frontend");
        call(fe, "{\"action\":\"leave\"}");
        join("Fe", null);
        assertThat(f.mesh.presence().whois("Fe").circle()).isNull();
        call(callers.get("Fe"), "{\"action\":\"join\",\"name\":\"Fe\",\"circle\":\"ops\"}");
        assertThat(f.mesh.presence().whois("Fe").circle()).isEqualTo("ops");
    }

    @Test
    void reservationsHoldAcrossCircles() {
        as("Fe", "{\"action\":\"reserve\",\"paths\":[\"src/a.js\"],\"reason\":\"editing\"}");
        assertThat(as("Be", "{\"action\":\"reservations.check\",\"paths\":[\"src/a.js\"]}").data().path("free").asBoolean()).isFalse();
    }
}
