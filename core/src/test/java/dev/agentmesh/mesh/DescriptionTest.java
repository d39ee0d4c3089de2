package dev.agentmesh.mesh;

import dev.agentmesh.MeshException;
import dev.agentmesh.MeshFixture;
import dev.agentmesh.api.ApiResult;
import dev.agentmesh.api.Caller;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * set_description (issue 8, seeds/004: "set_description on each peer keeps the dashboard honest"): shown by list,
 * whois and orchestrator_status while fresh, gone once its TTL ran out; default one hour, at most seven days.
 */
class DescriptionTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    MeshFixture f;
    Caller ann;

    @BeforeEach
    void join(@TempDir Path tmp) throws Exception {
        f = new MeshFixture(tmp);
        ann = new Caller(null, f.root, null, "test", null);
        call("{\"action\":\"join\",\"name\":\"Ann\"}");
    }

    private ApiResult call(String json) {
        try {
            return f.api.call(ann, JSON.readTree(json));
        } catch (tools.jackson.core.JacksonException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aFreshDescriptionShowsInListWhoisAndOrchestratorStatus() {
        long before = System.currentTimeMillis();
        ApiResult set = call("{\"action\":\"set_description\",\"description\":\"porting the parser\"}");
        assertThat(set.text()).startsWith("description: porting the parser (until 20");
        long expires = set.data().path("descriptionExpiresAt").asLong();
        assertThat(expires).isBetween(before + 3_600_000, System.currentTimeMillis() + 3_600_000);
        assertThat(call("{\"action\":\"list\"}").text()).contains("Ann (you)  test  working on: porting the parser (until ");
        assertThat(call("{\"action\":\"whois\",\"name\":\"Ann\"}").text()).contains("\n  working on: porting the parser");
        assertThat(call("{\"action\":\"whois\",\"name\":\"Ann\"}").data().path("description").asString()).isEqualTo("porting the parser");
        call("{\"action\":\"claim_orchestrator_role\"}");
        assertThat(call("{\"action\":\"orchestrator_status\"}").data().path("description").asString()).isEqualTo("porting the parser");
        assertThat(f.mesh.feed().latest(5)).anyMatch(e -> e.kind().equals("description") && "porting the parser".equals(e.detail()));
    }

    @Test
    void aDescriptionPastItsTtlIsNoLongerShown() {
        call("{\"action\":\"set_description\",\"description\":\"old work\",\"ttl_seconds\":60}");
        f.store.write(tx -> tx.table(h -> h.execute("UPDATE agents SET description_expires_at = ? WHERE name = 'Ann'",
                System.currentTimeMillis() - 1)));
        assertThat(call("{\"action\":\"list\"}").text()).doesNotContain("old work");
        assertThat(call("{\"action\":\"whois\",\"name\":\"Ann\"}").data().path("description").isNull()).isTrue();
        assertThat(call("{\"action\":\"whois\",\"name\":\"Ann\"}").data().path("descriptionExpiresAt").isNull()).isTrue();
        call("{\"action\":\"claim_orchestrator_role\"}");
        assertThat(call("{\"action\":\"orchestrator_status\"}").data().path("description").isNull()).isTrue();
    }

    @Test
    void theTtlIsHonouredUpToSevenDaysAndAnEmptyDescriptionClearsIt() {
        long before = System.currentTimeMillis();
        long expires = call("{\"action\":\"set_description\",\"description\":\"long job\",\"ttl_seconds\":604800}").data()
                .path("descriptionExpiresAt").asLong();
        assertThat(expires).isBetween(before + 604_800_000L, System.currentTimeMillis() + 604_800_000L);
        assertThat(call("{\"action\":\"set_description\",\"description\":\"\"}").text()).isEqualTo("description cleared");
        assertThat(f.mesh.presence().whois("Ann").description()).isNull();
    }

    @Test
    void badDescriptionsAndTtlsAreRefusedNamingTheValueAndTheOldOneStays() {
        call("{\"action\":\"set_description\",\"description\":\"kept\"}");
        String[][] cases = {
                {"{\"action\":\"set_description\",\"description\":\"" + "x".repeat(501) + "\"}", "description is 501 characters; the limit is 500"},
                {"{\"action\":\"set_description\",\"description\":\"two\\nlines\"}", "description 'two\\nlines' has a control character; describe the work on one line"},
                {"{\"action\":\"set_description\",\"description\":\"bell\\u0007\"}", "description 'bell\\u0007' has a control character"},
                {"{\"action\":\"set_description\",\"description\":\"x\",\"ttl_seconds\":0}", "parameter 'ttl_seconds' is 0; it must be a whole number of seconds 1..604800"},
                {"{\"action\":\"set_description\",\"description\":\"x\",\"ttl_seconds\":604801}", "parameter 'ttl_seconds' is 604801;"},
                {"{\"action\":\"set_description\",\"description\":\"x\",\"ttl_seconds\":1.5}", "parameter 'ttl_seconds' is 1.5;"},
                {"{\"action\":\"set_description\",\"description\":\"x\",\"ttl_seconds\":-3}", "parameter 'ttl_seconds' is -3;"},
                {"{\"action\":\"set_description\",\"description\":\"x\",\"ttl_seconds\":1e300}", "parameter 'ttl_seconds' is 1.0E300;"},
                {"{\"action\":\"set_description\",\"description\":\"x\",\"ttl_seconds\":\"soon\"}", "parameter 'ttl_seconds' must be a number, not \"soon\""},
                {"{\"action\":\"set_description\"}", "parameter 'description' is required (\"\" clears it)"},
                {"{\"action\":\"set_description\",\"description\":{\"a\":1}}", "parameter 'description' must be a string"}};
        for (String[] c : cases) {
            assertThatThrownBy(() -> call(c[0])).as(c[0]).isInstanceOf(MeshException.class)
                    .satisfies(e -> assertThat(((MeshException) e).kind()).isEqualTo(MeshException.Kind.INVALID_INPUT))
                    .hasMessageStartingWith(c[1]).hasMessageNotContaining("\n");
        }
        assertThat(f.mesh.presence().whois("Ann").description()).isEqualTo("kept");
        Caller stranger = new Caller(null, f.root, null, "test", null);
        assertThatThrownBy(() -> f.api.call(stranger, JSON.readTree("{\"action\":\"set_description\",\"description\":\"x\"}")))
                .hasMessageStartingWith("join the mesh first");
    }
}
