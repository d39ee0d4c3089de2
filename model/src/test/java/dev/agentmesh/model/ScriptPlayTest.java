package dev.agentmesh.model;

import dev.agentmesh.model.ModelClient.Answer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.agentmesh.model.ModelClient.assistant;
import static dev.agentmesh.model.ModelClient.request;
import static dev.agentmesh.model.ModelClient.toolResult;
import static dev.agentmesh.model.ModelClient.user;
import static org.assertj.core.api.Assertions.assertThat;

/** The server plays a rule's steps by counting assistant messages after the last user message, over real HTTP. */
class ScriptPlayTest {
    static final String SCRIPT = """
            rules:
              - match: "[demo]"
                steps:
                  - tool: write
                    args: {path: hello.txt, content: "hello world\\n"}
                  - text: Wrote hello.txt.
              - match: ["[worker]", "task-1:"]
                steps:
                  - text: task one done
            default: nothing scripted
            """;
    static final List<String> PI_TOOLS = List.of("read", "bash", "edit", "write");

    ScriptedModelServer server = ScriptedModelServer.start(Script.parse(SCRIPT, "demo.yaml"), 0);
    ModelClient client = new ModelClient(server);

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aTwoStepRulePlaysTheToolCallThenTheText() throws Exception {
        ObjectNode prompt = user("make hello [demo]");

        Answer call = client.complete(request(true, PI_TOOLS, prompt));
        Answer text = client.complete(request(true, PI_TOOLS, prompt, assistant(call), toolResult(call, "Successfully wrote 12 bytes")));
        Answer after = client.complete(request(true, PI_TOOLS, prompt, assistant(call), toolResult(call, "ok"), assistant(text),
                ModelClient.JSON.createObjectNode().put("role", "tool").put("content", "x")));

        assertThat(call.toolName()).isEqualTo("write");
        assertThat(call.finishReason()).isEqualTo("tool_calls");
        assertThat(text.text()).isEqualTo("Wrote hello.txt.");
        assertThat(text.finishReason()).isEqualTo("stop");
        assertThat(after.text()).isEqualTo(ScriptedModelServer.FINISHED_TEXT);
        assertThat(server.requestCount()).isEqualTo(3);
    }

    @Test
    void aRequestWithoutToolsPlaysNoStep() throws Exception {
        ObjectNode prompt = user("make hello [demo]");
        ObjectNode emptyTools = request(true, List.of(), prompt);
        emptyTools.putArray("tools");

        Answer title = client.complete(request(true, List.of(), prompt));
        Answer titleEmptyTools = client.complete(emptyTools);
        Answer first = client.complete(request(true, PI_TOOLS, prompt));

        assertThat(title.text()).isEqualTo(ScriptedModelServer.NO_TOOLS_TEXT);
        assertThat(titleEmptyTools.text()).isEqualTo(ScriptedModelServer.NO_TOOLS_TEXT);
        assertThat(first.toolName()).isEqualTo("write");
    }

    @Test
    void anUnmatchedPromptGetsTheDefaultText() throws Exception {
        Answer unmatched = client.complete(request(true, PI_TOOLS, user("[worker] task-2: something else")));
        Answer matched = client.complete(request(true, PI_TOOLS, user("[worker] task-1: the first task")));

        assertThat(unmatched.text()).isEqualTo("nothing scripted");
        assertThat(matched.text()).isEqualTo("task one done");
    }

    @Test
    void theBuiltInDefaultAnswersWhenTheScriptHasNone() throws Exception {
        try (ScriptedModelServer bare = ScriptedModelServer.start(Script.parse("rules: [{match: x, steps: [{text: y}]}]", "bare.yaml"), 0)) {
            Answer answer = new ModelClient(bare).complete(request(false, PI_TOOLS, user("hello")));

            assertThat(answer.text()).isEqualTo(Script.BUILT_IN_DEFAULT);
        }
    }

    @Test
    void aNewUserMessageStartsItsRuleFromTheFirstStep() throws Exception {
        ObjectNode first = user("make hello [demo]");
        Answer call = client.complete(request(true, PI_TOOLS, first));
        Answer done = client.complete(request(true, PI_TOOLS, first, assistant(call), toolResult(call, "ok")));

        Answer again = client.complete(request(true, PI_TOOLS, first, assistant(call), toolResult(call, "ok"), assistant(done),
                user("once more [demo]")));

        assertThat(again.toolName()).isEqualTo("write");
    }

    @Test
    void concurrentRequestsAreEachAnsweredWithAUniqueCallId() throws Exception {
        List<Future<Answer>> answers = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 40; i++) {
                boolean stream = i % 2 == 0;
                answers.add(pool.submit(() -> client.complete(request(stream, PI_TOOLS, user("go [demo]")))));
            }
        }
        Set<String> ids = new HashSet<>();
        for (Future<Answer> f : answers) {
            assertThat(f.get().toolName()).isEqualTo("write");
            ids.add(f.get().toolCallId());
        }

        assertThat(ids).hasSize(40).allMatch(id -> id.startsWith("call_"));
        assertThat(server.requestCount()).isEqualTo(40);
    }
}
