package dev.agentmesh.server.http;

import dev.agentmesh.MeshException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Login codes are single use and short-lived; sessions end; malformed codes and tokens are unknown. */
class DashboardSessionsTest {
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final DashboardSessions sessions = new DashboardSessions(now::get, Duration.ofSeconds(120));
    private final DashboardSessions.Human boss = new DashboardSessions.Human("/repo", "boss", "tok");

    @Test
    void aCodeOpensExactlyOneSession() {
        String code = sessions.issue(boss);
        assertThat(code).hasSize(DashboardSessions.SECRET_CHARS).matches("[A-Za-z0-9_-]+");
        DashboardSessions.Login first = sessions.redeem(code);
        assertThat(first.refusal()).isNull();
        assertThat(sessions.find(first.token()).human()).isEqualTo(boss);
        assertThat(sessions.redeem(code).refusal()).isEqualTo(DashboardSessions.Refusal.USED);
        assertThat(sessions.issue(boss)).isNotEqualTo(code);
    }

    @Test
    void aCodePastItsLifetimeIsRefusedAsExpired() {
        String code = sessions.issue(boss);
        now.addAndGet(120_001);
        assertThat(sessions.redeem(code).refusal()).isEqualTo(DashboardSessions.Refusal.EXPIRED);
        assertThat(sessions.redeem(code).refusal()).as("and stays refused").isNotNull();
        String onTime = sessions.issue(boss);
        now.addAndGet(119_000);
        assertThat(sessions.redeem(onTime).refusal()).isNull();
    }

    @Test
    void malformedOrUnknownCodesAndTokensOpenNothing() {
        for (String bad : new String[]{null, "", "x", "A".repeat(43), "A".repeat(42) + "<", "A".repeat(10_000), "\u0000".repeat(43)}) {
            assertThat(sessions.redeem(bad).refusal()).as(String.valueOf(bad)).isEqualTo(DashboardSessions.Refusal.UNKNOWN);
            assertThat(sessions.find(bad)).isNull();
        }
    }

    @Test
    void aSessionEndsAfterItsLifetimeOrALogout() {
        String token = sessions.redeem(sessions.issue(boss)).token();
        now.addAndGet(DashboardSessions.SESSION_TTL.toMillis() + 1);
        assertThat(sessions.find(token)).isNull();
        String other = sessions.redeem(sessions.issue(boss)).token();
        sessions.end(other);
        assertThat(sessions.find(other)).isNull();
    }

    @Test
    void issuingPastTheLimitDropsTheOldestCode() {
        String oldest = sessions.issue(boss);
        for (int i = 0; i < DashboardSessions.MAX_CODES; i++) {
            sessions.issue(boss);
        }
        assertThat(sessions.redeem(oldest).refusal()).isEqualTo(DashboardSessions.Refusal.UNKNOWN);
    }

    @Test
    void theCodeLifetimeSettingIsAWholeNumberOfSeconds() {
        assertThat(DashboardSessions.codeTtl(null)).isEqualTo(DashboardSessions.CODE_TTL);
        assertThat(DashboardSessions.codeTtl(" ")).isEqualTo(DashboardSessions.CODE_TTL);
        assertThat(DashboardSessions.codeTtl("5")).isEqualTo(Duration.ofSeconds(5));
        for (String bad : new String[]{"0", "601", "-3", "1.5", "abc", "9".repeat(30), "5\u0007"}) {
            assertThatThrownBy(() -> DashboardSessions.codeTtl(bad)).as(bad).isInstanceOf(MeshException.class)
                    .hasMessageStartingWith("MESH_DASHBOARD_CODE_SECONDS=").hasMessageEndingWith("must be a whole number of seconds, 1..600")
                    .hasMessageNotContaining("\u0007");
        }
    }
}
