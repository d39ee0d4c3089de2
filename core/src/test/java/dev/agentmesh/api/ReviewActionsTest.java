package dev.agentmesh.api;

import dev.agentmesh.MeshException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * review_queue, mark_reviewed and timeline_search through {@link LocalMeshApi}: the contract's data shapes, the tool
 * specs, a joined reviewer required, and bad parameters as one-line errors.
 */
class ReviewActionsTest {

    @Test
    void theThreeActionsAnswerInTheContractsShapes(@TempDir Path tmp) throws Exception {
        Path root = Files.createDirectories(tmp.resolve("repo")).toRealPath();
        git(root, "init", "-q", "-b", "main");
        Files.writeString(root.resolve("a.txt"), "a");
        git(root, "add", "-A");
        git(root, "-c", "user.name=Human", "-c", "user.email=h@agentmesh.invalid", "commit", "-q", "-m", "start");
        git(root, "checkout", "-q", "-b", "topic");
        Files.writeString(root.resolve("b.txt"), "b");
        git(root, "add", "-A");
        git(root, "-c", "user.name=Ann", "-c", "user.email=a@agentmesh.invalid", "commit", "-q", "-m", "topic work");
        String tip = git(root, "rev-parse", "HEAD").strip();
        git(root, "checkout", "-q", "main");
        try (var store = dev.agentmesh.store.Store.openSqlite(tmp.resolve("mesh.db"))) {
            LocalMeshApi api = LocalMeshApi.create(store, dev.agentmesh.project.Project.locate(root));
            Caller olga = new Caller(null, root, ProcessHandle.current().pid(), "test", null);
            Caller ann = new Caller(null, root, ProcessHandle.current().pid(), "test", null);
            Caller nobody = new Caller(null, root, ProcessHandle.current().pid(), "test", null);
            call(api, olga, "{\"action\":\"join\",\"name\":\"Olga\"}");
            call(api, ann, "{\"action\":\"join\",\"name\":\"Ann\"}");
            call(api, ann, "{\"action\":\"send\",\"to\":\"Olga\",\"message\":\"topic is ready for review\"}");

            ApiResult q = call(api, olga, "{\"action\":\"review_queue\"}");
            assertThat(q.text()).contains("review queue of Olga: 1 item(s)").contains("review-needed").contains("Ann").contains("topic @ " + tip.substring(0, 12));
            JsonNode item = q.data().path("items").get(0);
            assertThat(names(item)).containsExactly("peer", "ref", "sha", "reviewedSha", "reviewedAt", "myAction");
            assertThat(item.path("sha").asString()).isEqualTo(tip);
            assertThat(item.path("reviewedSha").isNull()).isTrue();

            ApiResult marked = call(api, olga, "{\"action\":\"mark_reviewed\",\"ref\":\"topic\"}");
            assertThat(marked.text()).startsWith("reviewed topic at " + tip.substring(0, 12) + " (touched by Ann): none-needed");
            assertThat(marked.data().path("reviewedSha").asString()).isEqualTo(tip);
            assertThat(call(api, olga, "{\"action\":\"review_queue\"}").data().path("items")).isEmpty();
            assertThat(call(api, olga, "{\"action\":\"review_queue\",\"all\":true,\"peer\":\"Ann\"}").data().path("items").get(0)
                    .path("myAction").asString()).isEqualTo("none-needed");

            ApiResult hits = call(api, olga, "{\"action\":\"timeline_search\",\"query\":\"review\",\"kinds\":[\"message\"],\"peer\":\"Ann\","
                    + "\"since\":\"2000-01-01\",\"until\":" + (System.currentTimeMillis() + 60_000) + ",\"limit\":5}");
            JsonNode hit = hits.data().path("hits").get(0);
            assertThat(names(hit)).containsExactly("kind", "ref", "actor", "at", "snippet");
            assertThat(hit.path("snippet").asString()).isEqualTo("topic is ready for **review**");
            assertThat(hits.text()).startsWith("1 timeline hit(s) for 'review', newest first:").contains("message #1 Ann: topic is ready for **review**");
            assertThat(call(api, nobody, "{\"action\":\"timeline_search\",\"query\":\"review\"}").data().path("hits")).hasSize(1);

            for (String bad : List.of("{\"action\":\"review_queue\"}", "{\"action\":\"mark_reviewed\",\"ref\":\"topic\"}")) {
                assertThatThrownBy(() -> call(api, nobody, bad)).hasMessageContaining("join the mesh first");
            }
            for (String[] bad : new String[][]{
                    {"{\"action\":\"mark_reviewed\"}", "parameter 'ref' is required"},
                    {"{\"action\":\"mark_reviewed\",\"ref\":{\"x\":1}}", "parameter 'ref' must be a string"},
                    {"{\"action\":\"review_queue\",\"all\":\"maybe\"}", "parameter 'all' must be true or false"},
                    {"{\"action\":\"timeline_search\"}", "parameter 'query' is required"},
                    {"{\"action\":\"timeline_search\",\"query\":\"x\",\"limit\":\"lots\"}", "parameter 'limit' must be an integer"},
                    {"{\"action\":\"timeline_search\",\"query\":\"x\",\"since\":{}}", "parameter 'since' must be an ISO-8601 time"},
                    {"{\"action\":\"timeline_search\",\"query\":\"x\",\"until\":-5}", "outside 1970..9999"},
                    {"{\"action\":\"timeline_search\",\"query\":\"x\",\"kinds\":[3]}", "parameter 'kinds' must hold strings"}}) {
                assertThatThrownBy(() -> call(api, olga, bad[0])).as(bad[0]).isInstanceOf(MeshException.class)
                        .satisfies(e -> assertThat(((MeshException) e).kind()).isEqualTo(MeshException.Kind.INVALID_INPUT))
                        .hasMessageContaining(bad[1]);
            }
        }
    }

    @Test
    void theToolSpecsNameTheActionsAndDescribeTheirParameters() {
        assertThat(ReviewActions.TOOLS).extracting(ToolSpec::name).containsExactly("review_queue", "mark_reviewed", "timeline_search");
        assertThat(MeshApi.ACTIONS).containsSubsequence("review_queue", "mark_reviewed", "timeline_search");
        for (ToolSpec t : ReviewActions.TOOLS) {
            assertThat(t.inputSchema().path("type").asString()).isEqualTo("object");
            t.inputSchema().path("properties").forEach(p -> assertThat(p.path("description").asString()).as(t.name()).isNotBlank());
            assertThat(t.description()).hasSizeGreaterThan(100);
        }
        assertThat(ReviewActions.TOOLS.get(1).inputSchema().path("required").get(0).asString()).isEqualTo("ref");
        assertThat(ReviewActions.TOOLS.get(2).inputSchema().path("required").get(0).asString()).isEqualTo("query");
    }

    private static List<String> names(JsonNode o) {
        List<String> out = new java.util.ArrayList<>();
        o.propertyNames().forEach(out::add);
        return out;
    }

    private static ApiResult call(LocalMeshApi api, Caller c, String json) {
        return api.call(c, Json.parseObject(json, "test"));
    }

    private static String git(Path dir, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("git"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", cmd) + " failed:\n" + out);
        }
        return out;
    }
}
