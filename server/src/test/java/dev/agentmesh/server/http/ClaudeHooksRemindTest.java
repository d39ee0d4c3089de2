package dev.agentmesh.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentmesh.api.Caller;
import dev.agentmesh.api.Json;
import dev.agentmesh.api.LocalMeshApi;
import dev.agentmesh.project.Project;
import dev.agentmesh.store.Store;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What Claude Code's hooks carry (seeds/004): new messages first; with none, the asks the agent still owes on
 * {@code UserPromptSubmit} (as context) and on {@code Stop} (blocking the stop once), never on {@code PostToolUse}; and
 * nothing once the asks are acked.
 */
class ClaudeHooksRemindTest {
    @TempDir
    Path tmp;

    @Test
    void anOpenAskIsShownOnTheNextPromptAndAtStopUntilItIsAcked() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("repo")).toRealPath();
        Files.createDirectories(root.resolve(".git"));
        try (Store store = Store.openSqlite(tmp.resolve("mesh.db"))) {
            LocalMeshApi api = LocalMeshApi.create(store, Project.locate(root));
            Caller lead = new Caller(null, root, null, "cli", null);
            Caller claude = new Caller(null, root, null, "claude", null);
            api.call(lead, Json.MAPPER.readTree("{\"action\":\"join\",\"name\":\"Lead\"}"));
            api.call(claude, Json.MAPPER.readTree("{\"action\":\"join\",\"name\":\"Claude\"}"));
            long id = api.call(lead, Json.MAPPER.readTree("{\"action\":\"ask\",\"peer\":\"Claude\",\"brief\":\"check the parser\"}"))
                    .data().path("id").asLong();

            JsonNode first = ClaudeHooks.messages(api, claude, "UserPromptSubmit");
            assertThat(first.at("/hookSpecificOutput/additionalContext").asString()).as("the ask's message comes first, as a message")
                    .contains("[ask #" + id + " from @Lead] check the parser");
            api.call(claude, Json.MAPPER.createObjectNode().put("action", "inbox.ack").set("ids", first.get("handed")));

            assertThat(ClaudeHooks.messages(api, claude, "PostToolUse")).as("not after each tool call").isNull();
            JsonNode prompt = ClaudeHooks.messages(api, claude, "UserPromptSubmit");
            assertThat(prompt.at("/hookSpecificOutput/additionalContext").asString())
                    .contains("you owe an ack on 1 open ask(s)", "#" + id + " from @Lead: check the parser");
            assertThat(prompt.get("handed")).isEmpty();
            JsonNode stop = ClaudeHooks.messages(api, claude, "Stop");
            assertThat(stop.path("decision").asString()).isEqualTo("block");
            assertThat(stop.path("reason").asString()).contains("#" + id + " from @Lead");

            api.call(claude, Json.MAPPER.readTree("{\"action\":\"ack\",\"id\":" + id + ",\"message\":\"done\"}"));
            assertThat(ClaudeHooks.messages(api, claude, "Stop")).as("acked: nothing more to say").isNull();
        }
    }
}
