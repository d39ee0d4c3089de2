package dev.agentmesh.orchestrator;

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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * claim_orchestrator_role and orchestrator_status through the API (issue 8, seeds/004 "Co-orchestrators"): one
 * orchestrator per circle, refused second claimants told who and how to take over, force that tells the previous one,
 * observers, staleness, and the role ending with its agent.
 */
class RolesTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    MeshFixture f;
    final Map<String, Caller> callers = new HashMap<>();

    @BeforeEach
    void fixture(@TempDir Path tmp) throws Exception {
        f = new MeshFixture(tmp);
    }

    private Caller join(String name, String circle) {
        Caller c = new Caller(null, f.root, null, "test", null);
        call(c, "{\"action\":\"join\",\"name\":\"" + name + "\"" + (circle == null ? "" : ",\"circle\":\"" + circle + "\"") + "}");
        callers.put(name, c);
        return c;
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

    private JsonNode status(String name, String circle) {
        return as(name, circle == null ? "{\"action\":\"orchestrator_status\"}"
                : "{\"action\":\"orchestrator_status\",\"circle\":\"" + circle + "\"}").data();
    }

    @Test
    void theFirstClaimantIsTheOrchestratorAndStatusReportsItLive() {
        join("Olga", null);
        join("Pete", null);
        ApiResult claimed = as("Olga", "{\"action\":\"claim_orchestrator_role\"}");
        assertThat(claimed.text()).startsWith("Olga is the orchestrator of the whole project since ");
        assertThat(claimed.data().path("orchestrator").asString()).isEqualTo("Olga");
        assertThat(claimed.data().path("previous").isNull()).isTrue();

        JsonNode st = status("Pete", null);
        assertThat(st.path("present").asBoolean()).isTrue();
        assertThat(st.path("name").asString()).isEqualTo("Olga");
        assertThat(st.path("id").asLong()).isEqualTo(f.mesh.presence().whois("Olga").id());
        assertThat(st.path("stalenessSeconds").asLong()).isEqualTo(300);
        assertThat(st.path("stale").asBoolean()).isFalse();
        assertThat(st.path("lastSeen").asLong()).isGreaterThanOrEqualTo(st.path("claimedAt").asLong());
        assertThat(f.mesh.feed().latest(5)).anyMatch(e -> e.kind().equals("orchestrator.claim") && "Olga".equals(e.actor()));
    }

    @Test
    void aSecondClaimantIsRefusedNamingTheHolderSinceWhenAndHowToTakeOver() {
        join("Olga", null);
        join("Pete", null);
        as("Olga", "{\"action\":\"claim_orchestrator_role\"}");
        assertThatThrownBy(() -> as("Pete", "{\"action\":\"claim_orchestrator_role\"}"))
                .isInstanceOf(MeshException.class)
                .satisfies(e -> assertThat(((MeshException) e).kind()).isEqualTo(MeshException.Kind.UNEXPECTED_STATE))
                .hasMessageStartingWith("Olga is the orchestrator of the whole project since 20")
                .hasMessageContaining("force").hasMessageContaining("stale (no heartbeat for 300 s)").hasMessageContaining("observer")
                .hasMessageNotContaining("\n");
        assertThat(status("Pete", null).path("name").asString()).isEqualTo("Olga");
    }

    @Test
    void forceTakesOverAndThePreviousOrchestratorIsToldInItsInbox() {
        join("Olga", null);
        join("Pete", null);
        as("Olga", "{\"action\":\"claim_orchestrator_role\"}");
        ApiResult taken = as("Pete", "{\"action\":\"claim_orchestrator_role\",\"force\":true}");
        assertThat(taken.text()).contains("took over from Olga (force), who was told");
        assertThat(taken.data().path("previous").asString()).isEqualTo("Olga");
        assertThat(taken.data().path("forced").asBoolean()).isTrue();
        assertThat(status("Olga", null).path("name").asString()).isEqualTo("Pete");
        assertThat(as("Olga", "{\"action\":\"inbox\"}").text())
                .contains("Pete: you are no longer the orchestrator of the whole project: Pete took the role over (force)");
    }

    @Test
    void observersCoexistWithTheOrchestratorAndAnOrchestratorClaimingAsObserverStepsDown() {
        join("Olga", null);
        join("Pete", null);
        join("Quin", null);
        as("Olga", "{\"action\":\"claim_orchestrator_role\"}");
        ApiResult watching = as("Pete", "{\"action\":\"claim_orchestrator_role\",\"observer\":true}");
        assertThat(watching.text()).isEqualTo("Pete observes the whole project; its orchestrator is Olga");
        as("Quin", "{\"action\":\"claim_orchestrator_role\",\"observer\":true}");
        JsonNode st = status("Quin", null);
        assertThat(st.path("name").asString()).isEqualTo("Olga");
        assertThat(names(st.path("observers"))).containsExactly("Pete", "Quin");

        as("Olga", "{\"action\":\"claim_orchestrator_role\",\"observer\":true}");
        st = status("Quin", null);
        assertThat(st.path("present").asBoolean()).isFalse();
        assertThat(names(st.path("observers"))).containsExactlyInAnyOrder("Olga", "Pete", "Quin");
        // an observer then claims the free role: no force needed, and it is no longer listed as an observer
        as("Pete", "{\"action\":\"claim_orchestrator_role\"}");
        st = status("Quin", null);
        assertThat(st.path("name").asString()).isEqualTo("Pete");
        assertThat(names(st.path("observers"))).containsExactlyInAnyOrder("Olga", "Quin");
    }

    @Test
    void ofSixteenAgentsClaimingAtOnceExactlyOneWinsAndTheOthersAreToldWho() throws Exception {
        for (int i = 0; i < 16; i++) {
            join("A" + i, null);
        }
        for (int round = 0; round < 10; round++) {
            String circle = "c" + round;
            CountDownLatch go = new CountDownLatch(1);
            List<Future<String>> outcomes = new ArrayList<>();
            try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
                for (int i = 0; i < 16; i++) {
                    String agent = "A" + i;
                    Caller own = new Caller(agent, f.root, null, "test", null).token(callers.get(agent).token());
                    outcomes.add(pool.submit(() -> {
                        go.await();
                        try {
                            call(own, "{\"action\":\"claim_orchestrator_role\",\"circle\":\"" + circle + "\"}");
                            return "WON " + agent;
                        } catch (MeshException e) {
                            return e.getMessage();
                        }
                    }));
                }
                go.countDown();
                List<String> results = new ArrayList<>();
                for (Future<String> o : outcomes) {
                    results.add(o.get());
                }
                List<String> won = results.stream().filter(r -> r.startsWith("WON ")).toList();
                assertThat(won).as("round %d: %s", round, results).hasSize(1);
                String winner = won.getFirst().substring(4);
                assertThat(results.stream().filter(r -> !r.startsWith("WON ")))
                        .allMatch(r -> r.startsWith(winner + " is the orchestrator of circle " + circle + " since "));
                assertThat(f.mesh.presence().list(false)).hasSize(16);
                assertThat(status("A0", circle).path("name").asString()).isEqualTo(winner);
            }
        }
    }

    @Test
    void theRoleEndsWhenItsAgentLeavesAndARejoinDoesNotBringItBack() {
        join("Olga", null);
        join("Pete", null);
        as("Olga", "{\"action\":\"claim_orchestrator_role\"}");
        as("Pete", "{\"action\":\"claim_orchestrator_role\",\"observer\":true}");
        as("Olga", "{\"action\":\"leave\"}");
        assertThat(status("Pete", null).path("present").asBoolean()).isFalse();
        join("Olga", null);
        assertThat(status("Pete", null).path("present").asBoolean()).isFalse();
        as("Pete", "{\"action\":\"leave\"}");
        join("Pete", null);
        assertThat(status("Olga", null).path("observers").isEmpty()).isTrue();
        assertThat(as("Pete", "{\"action\":\"claim_orchestrator_role\"}").data().path("previous").isNull()).isTrue();
    }

    @Test
    void theRoleEndsWhenItsAgentIsReaped() throws Exception {
        join("Pete", null);
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Caller dead = new Caller(null, f.root, gone.pid(), "test", null);
        call(dead, "{\"action\":\"join\",\"name\":\"Dead\"}");
        call(dead, "{\"action\":\"claim_orchestrator_role\"}");
        assertThat(status("Pete", null).path("name").asString()).isEqualTo("Dead");
        assertThat(f.mesh.presence().reap(java.time.Duration.ZERO)).containsExactly("Dead");
        assertThat(status("Pete", null).path("present").asBoolean()).isFalse();
        assertThat(as("Pete", "{\"action\":\"claim_orchestrator_role\"}").data().path("previous").isNull()).isTrue();
    }

    @Test
    void aStaleOrchestratorIsTakenOverWithoutForceAndTold() {
        join("Olga", null);
        join("Pete", null);
        as("Olga", "{\"action\":\"claim_orchestrator_role\"}");
        long longAgo = System.currentTimeMillis() - Roles.STALE_AFTER.toMillis() - 60_000;
        f.store.write(tx -> tx.table(h -> {
            h.execute("UPDATE agents SET last_seen = ? WHERE name = 'Olga'", longAgo);
            h.execute("UPDATE orchestrator_roles SET claimed_at = ?, renewed_at = ?", longAgo, longAgo);
            return null;
        }));
        JsonNode st = status("Pete", null);
        assertThat(st.path("stale").asBoolean()).isTrue();
        assertThat(st.path("lastSeen").asLong()).isEqualTo(longAgo);
        ApiResult taken = as("Pete", "{\"action\":\"claim_orchestrator_role\"}");
        assertThat(taken.text()).contains("took over from Olga (it was stale), who was told");
        assertThat(taken.data().path("forced").asBoolean()).isFalse();
        assertThat(as("Olga", "{\"action\":\"inbox\"}").text()).contains("took the role over (you were stale)");
    }

    @Test
    void claimingAgainRenewsTheHeartbeatAndKeepsTheFirstClaimTime() {
        join("Olga", null);
        long first = as("Olga", "{\"action\":\"claim_orchestrator_role\"}").data().path("claimedAt").asLong();
        long longAgo = System.currentTimeMillis() - Roles.STALE_AFTER.toMillis() - 60_000;
        f.store.write(tx -> tx.table(h -> {
            h.execute("UPDATE agents SET last_seen = ? WHERE name = 'Olga'", longAgo);
            h.execute("UPDATE orchestrator_roles SET renewed_at = ?", longAgo);
            return null;
        }));
        assertThat(status("Olga", null).path("stale").asBoolean()).isTrue();
        ApiResult again = as("Olga", "{\"action\":\"claim_orchestrator_role\"}");
        assertThat(again.data().path("claimedAt").asLong()).isEqualTo(first);
        assertThat(status("Olga", null).path("stale").asBoolean()).isFalse();
    }

    @Test
    void eachCircleHasItsOwnOrchestratorAndACircleWithoutOneAnswersWithTheProjects() {
        join("Boss", null);
        join("Fe", "frontend");
        join("Fe2", "frontend");
        join("Be", "backend");
        as("Boss", "{\"action\":\"claim_orchestrator_role\"}");
        ApiResult fe = as("Fe", "{\"action\":\"claim_orchestrator_role\"}");
        assertThat(fe.data().path("circle").asString()).isEqualTo("frontend");
        assertThat(status("Fe2", null).path("name").asString()).isEqualTo("Fe");
        JsonNode be = status("Be", null);
        assertThat(be.path("name").asString()).isEqualTo("Boss");
        assertThat(be.path("asked").asString()).isEqualTo("backend");
        assertThat(be.path("circle").isNull()).isTrue();
        assertThat(as("Be", "{\"action\":\"orchestrator_status\"}").text()).contains("Boss orchestrates the whole project (circle backend has none of its own)");
        assertThatThrownBy(() -> as("Be", "{\"action\":\"claim_orchestrator_role\",\"circle\":\"frontend\"}"))
                .hasMessage("Be is in circle 'backend' and may claim only its role; leave the circle (set_circle with no circle) to claim circle frontend");
        // an agent in no circle may claim another circle's role
        join("Roamer", null);
        assertThatThrownBy(() -> as("Roamer", "{\"action\":\"claim_orchestrator_role\",\"circle\":\"frontend\"}")).hasMessageStartingWith("Fe is the orchestrator of circle frontend");
        assertThat(as("Roamer", "{\"action\":\"claim_orchestrator_role\",\"circle\":\"backend\"}").text()).startsWith("Roamer is the orchestrator of circle backend");
    }

    @Test
    void movingToAnotherCircleLetsTheRoleLapse() {
        join("Fe", "frontend");
        join("Fe2", "frontend");
        as("Fe", "{\"action\":\"claim_orchestrator_role\"}");
        as("Fe", "{\"action\":\"set_circle\",\"circle\":\"backend\"}");
        assertThat(status("Fe2", null).path("present").asBoolean()).isFalse();
        assertThat(as("Fe2", "{\"action\":\"claim_orchestrator_role\"}").data().path("previous").isNull()).isTrue();
    }

    @Test
    void badInputIsRefusedInOneLineNamingTheValue() {
        join("Olga", null);
        Caller stranger = new Caller(null, f.root, null, "test", null);
        assertThatThrownBy(() -> call(stranger, "{\"action\":\"claim_orchestrator_role\"}")).hasMessageStartingWith("join the mesh first");
        for (String bad : new String[]{"../x", "*", "/etc/passwd", "a\\nb", "", "x".repeat(65), "\\u0000"}) {
            if (bad.isEmpty()) {
                continue; // blank means "default": checked below
            }
            assertThatThrownBy(() -> as("Olga", "{\"action\":\"claim_orchestrator_role\",\"circle\":\"" + bad + "\"}")).as(bad)
                    .isInstanceOf(MeshException.class).hasMessageStartingWith("circle '").hasMessageContaining("is invalid")
                    .hasMessageNotContaining("\n");
            assertThatThrownBy(() -> as("Olga", "{\"action\":\"orchestrator_status\",\"circle\":\"" + bad + "\"}")).as(bad)
                    .hasMessageStartingWith("circle '");
        }
        assertThatThrownBy(() -> as("Olga", "{\"action\":\"claim_orchestrator_role\",\"force\":true,\"observer\":true}"))
                .hasMessageStartingWith("force and observer exclude each other");
        assertThatThrownBy(() -> as("Olga", "{\"action\":\"claim_orchestrator_role\",\"force\":\"yes\"}"))
                .hasMessage("parameter 'force' must be true or false, not \"yes\"");
        assertThat(status("Olga", null).path("present").asBoolean()).isFalse();
        // a blank circle is the default one
        assertThat(as("Olga", "{\"action\":\"claim_orchestrator_role\",\"circle\":\"\"}").data().path("circle").isNull()).isTrue();
    }

    private static List<String> names(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asString()));
        return out;
    }
}
