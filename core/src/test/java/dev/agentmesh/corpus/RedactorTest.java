package dev.agentmesh.corpus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** Every planted secret is replaced by a marker; ordinary code and prose are left as they were; redacting twice changes nothing. */
class RedactorTest {

    static List<Secrets.Planted> planted() {
        return Secrets.all();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("planted")
    void aPlantedSecretIsReplacedByAMarker(Secrets.Planted p) {
        String out = Redactor.redact(p.text());
        assertThat(out).doesNotContain(p.secret()).contains(Redactor.MARKER_PREFIX);
        assertThat(Redactor.redact(out)).as("idempotent").isEqualTo(out);
    }

    @Test
    void theTextAroundASecretIsKept() {
        String key = "sk-" + Secrets.pick(new Random(1), "abcdefghijklmnopqrstuvwxyz0123456789", 40);
        assertThat(Redactor.redact("use " + key + " for the call")).isEqualTo("use [REDACTED:openai-key] for the call");
        assertThat(Redactor.redact("DB_USER=app\nDB_PASSWORD=hunter2\nPORT=1"))
                .isEqualTo("DB_USER=app\nDB_PASSWORD=[REDACTED:secret]\nPORT=1");
        assertThat(Redactor.redact("postgres://admin:pw123456@db:5432/x")).isEqualTo("postgres://[REDACTED:url-credentials]@db:5432/x");
        assertThat(Redactor.redact("Authorization: Bearer abc.def-123\nAccept: */*"))
                .isEqualTo("Authorization: [REDACTED:authorization]\nAccept: */*");
        assertThat(Redactor.redact("a\n-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE\n-----END EC PRIVATE KEY-----\nb"))
                .isEqualTo("a\n[REDACTED:private-key]\nb");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "commit 2b9c211f3e4d5c6b7a8998877665544332211000 fixed the reader",
            "git log 2b9c211..HEAD && git show 41ce297",
            "id 123e4567-e89b-12d3-a456-426614174000 and key: 123e4567-e89b-12d3-a456-426614174000",
            "src/main/java/dev/agentmesh/corpus/Redactor.java:42: error",
            "/home/user/.mesh/agents/worker-xhigh.md and ~/projects/bergomi2/src/cache.py",
            "const token = readTokenFromFile(path); if (token == expected) return;",
            "String password = System.getenv(\"DB_PASSWORD\");",
            "tokenPath: /var/run/secrets/kubernetes.io/serviceaccount/token",
            "The Authorization header carries a bearer token; see RFC 6750.",
            "Password: see the vault entry for the staging database",
            "risk-assessment-framework-for-2024 and task-level ask-questions-2025-edition",
            "SGVsbG8sIHdvcmxkIQ== is base64 for a greeting",
            "max_tokens: 4096, temperature: 0.2, model: anthropic/claude-opus-4-6",
            "author = \"Ada Lovelace 1815 with a long name\"",
            "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----",
            "see https://example.org/path?x=1#frag and git@github.com:o/r.git",
            "for (int i = 0; i < n; i++) { sum += a[i]; } // O(n)",
    })
    void ordinaryTextIsLeftAlone(String text) {
        assertThat(Redactor.redact(text)).isSameAs(text);
    }

    @Test
    void aRandomUuidOrShaAfterAnOrdinaryNameIsLeftAlone() {
        for (int i = 0; i < 200; i++) {
            String text = "requestId=" + UUID.randomUUID() + " sha: " + Secrets.pick(new Random(i), "0123456789abcdef", 40);
            assertThat(Redactor.redact(text)).isSameAs(text);
        }
    }

    @Test
    void redactingTwiceChangesNothingForMixedFragments() {
        String[] fragments = {"sk-", "ant-", "api03-", "AKIA", "ghp_", "xoxb-", "AIza", "eyJ", "eyJhbGciOiJIUzI1NiJ9", ".",
                "Bearer ", "Authorization", ": ", "=", "==", "\"", "'", "\n", "\\n", " ", "token", "PASSWORD", "export ",
                "-----BEGIN RSA PRIVATE KEY-----", "-----END RSA PRIVATE KEY-----", "://", "user:", "@", "/", "a1B2c3D4e5F6g7H8",
                "0123456789abcdef0123", "[REDACTED:", "]", "secret", "_KEY", "API", ":=", "=>", "x", "Z9"};
        Random r = new Random(42);
        for (int round = 0; round < 5000; round++) {
            StringBuilder sb = new StringBuilder();
            int parts = 1 + r.nextInt(30);
            for (int i = 0; i < parts; i++) {
                sb.append(fragments[r.nextInt(fragments.length)]);
            }
            String once = Redactor.redact(sb.toString());
            assertThat(Redactor.redact(once)).as("input %s", sb).isEqualTo(once);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sk-", "eyJa.", "token=", "a.", "Authorization: [REDACTED:x] ", "A_TOKEN=", "-----BEGIN RSA PRIVATE KEY----- ",
            "https://a:", "Bearer ", "\\n", "password: ", "eyJaaaaaaaaaaaa.eyJbbbbbbbbbbb.", "-----END ", "x://", "aaaa"})
    void aMebibyteOfHostileRepetitionIsRedactedWithoutBacktracking(String unit) {
        String hostile = unit.repeat((1 << 20) / unit.length() + 1);
        // a guard against a hang (a quadratic pass takes minutes here), not a measurement
        String out = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> Redactor.redact(hostile));
        assertThat(Redactor.redact(out)).isEqualTo(out);
    }

    @Test
    void jsonArgumentsStayJsonAndSecretFieldsGoWhole() throws Exception {
        String args = "{\"path\":\".env\",\"content\":\"OPENAI_API_KEY=sk-" + "a1".repeat(12) + "\\nDB_PASSWORD=hunter2\\n\","
                + "\"password\":\"short\",\"headers\":{\"Authorization\":\"Basic Zm9vOmJhcg==\"},\"n\":[1,{\"apiKey\":\"k\"}]}";
        String out = Redactor.redactJson(args);
        var tree = JsonMapper.builder().build().readTree(out);
        assertThat(tree.get("path").stringValue()).isEqualTo(".env");
        assertThat(tree.get("content").stringValue()).isEqualTo("OPENAI_API_KEY=[REDACTED:secret]\nDB_PASSWORD=[REDACTED:secret]\n");
        assertThat(tree.get("password").stringValue()).isEqualTo("[REDACTED:secret]");
        assertThat(tree.get("headers").get("Authorization").stringValue()).isEqualTo("[REDACTED:secret]");
        assertThat(tree.get("n").get(1).get("apiKey").stringValue()).isEqualTo("[REDACTED:secret]");
        assertThat(Redactor.redactJson(out)).isEqualTo(out);
        assertThat(Redactor.redactJson("not json sk-" + "b2".repeat(12))).isEqualTo("not json [REDACTED:openai-key]");
        assertThat(Redactor.redactJson("[".repeat(100))).isEqualTo("[".repeat(100));
    }

    @Test
    void nullStaysNull() {
        assertThat(Redactor.redact(null)).isNull();
        assertThat(Redactor.redactJson(null)).isNull();
    }
}
