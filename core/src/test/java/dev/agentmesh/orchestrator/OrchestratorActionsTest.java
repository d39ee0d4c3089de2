package dev.agentmesh.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentmesh.MeshException;
import dev.agentmesh.MeshFixture;
import dev.agentmesh.api.ApiResult;
import dev.agentmesh.api.Caller;
import dev.agentmesh.api.LocalMeshApi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The orchestrator's asks, durable jobs and schedules (seeds/004) through the API actions, on a real SQLite store, with
 * the supervisor's {@link Dispatcher} ticked by hand: what the asker, the peer and the owner see at each step.
 */
class OrchestratorActionsTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    @TempDir
    Path tmp;
    private MeshFixture f;
    private LocalMeshApi api;
    private Caller lead;
    private Caller worker;

    @BeforeEach
    void aMeshWithTwoAgents() throws Exception {
        f = new MeshFixture(tmp);
        api = f.api;
        lead = new Caller(null, f.root, null, "cli", null);
        worker = new Caller(null, f.root, null, "cli", null);
        call(lead, "{\"action\":\"join\",\"name\":\"lead\"}");
        call(worker, "{\"action\":\"join\",\"name\":\"worker\"}");
    }

    @AfterEach
    void close() {
        f.store.close();
    }

    private ApiResult call(Caller c, String json) {
        try {
            return api.call(c, JSON.readTree(json));
        } catch (tools.jackson.core.JacksonException e) {
            throw new IllegalArgumentException(json, e);
        }
    }

    private String inbox(Caller c) {
        return call(c, "{\"action\":\"inbox\"}").text();
    }

    @Test
    void anAskReachesThePeerStaysOpenUntilAckedAndTheReplyReachesTheAsker() {
        JsonNode ask = call(lead, "{\"action\":\"ask\",\"peer\":\"worker\",\"brief\":\"review src/a.js\"}").data();
        long id = ask.path("id").asLong();
        assertThat(ask.path("status").asString()).isEqualTo("open");
        assertThat(inbox(worker)).contains("[ask #" + id + " from @lead] review src/a.js");
        assertThat(call(worker, "{\"action\":\"list\"}").text()).as("re-surfaced on the next result").contains("1 open ask(s) owed by worker");
        assertThat(call(lead, "{\"action\":\"wait_on_ack\",\"id\":" + id + ",\"timeout_seconds\":0}").data().path("status").asString())
                .isEqualTo("pending");

        CompletableFuture<ApiResult> waiting = CompletableFuture.supplyAsync(
                () -> call(lead, "{\"action\":\"wait_on_ack\",\"id\":" + id + ",\"timeout_seconds\":30}"));
        ApiResult acked = call(worker, "{\"action\":\"ack\",\"id\":" + id + ",\"message\":\"looks good\"}");
        assertThat(acked.text()).startsWith("acked ask #" + id).doesNotContain("open ask(s)");
        JsonNode w = waiting.orTimeout(20, TimeUnit.SECONDS).join().data();
        assertThat(w.path("status").asString()).isEqualTo("resolved");
        assertThat(w.path("ask").path("reply").asString()).isEqualTo("looks good");
        assertThat(inbox(lead)).contains("[ack #" + id + " from @worker] looks good");
        assertThat(call(worker, "{\"action\":\"ack\",\"id\":" + id + ",\"message\":\"looks good\"}").text()).as("a repeated ack").startsWith("acked");
        assertThatThrownBy(() -> call(worker, "{\"action\":\"ack\",\"id\":" + id + ",\"message\":\"other\"}"))
                .hasMessageContaining("already acked");
        assertThatThrownBy(() -> call(lead, "{\"action\":\"ack\",\"id\":" + id + "}")).hasMessageContaining("only its recipient acks it");
        assertThat(f.mesh.feed().latest(10).stream().map(e -> e.kind()).toList()).contains("ask", "ack");
    }

    @Test
    void askManyRollsUpPendingRepliedAckedAndFailedPeers() throws Exception {
        Caller third = new Caller(null, f.root, null, "cli", null);
        call(third, "{\"action\":\"join\",\"name\":\"third\"}");
        JsonNode r = call(lead, "{\"action\":\"ask_many\",\"peers\":[\"worker\",\"third\",\"ghost\"],\"query\":\"status?\",\"timeout_seconds\":0}").data();
        assertThat(r.path("overall").asString()).isEqualTo("pending");
        assertThat(r.path("children").toString()).contains("\"peer\":\"ghost\"", "\"state\":\"failed\"");
        long w = r.path("children").get(0).path("askId").asLong();
        long t = r.path("children").get(1).path("askId").asLong();
        call(worker, "{\"action\":\"ack\",\"id\":" + w + ",\"message\":\"green\"}");
        JsonNode partial = call(lead, "{\"action\":\"ask_many\",\"peers\":[\"worker\"],\"query\":\"again\",\"timeout_seconds\":0}").data();
        assertThat(partial.path("overall").asString()).isEqualTo("pending");
        AskRollup now = api.asks().rollup(r.path("group").asLong());
        assertThat(now.overall()).isEqualTo("partial");
        call(third, "{\"action\":\"ack\",\"id\":" + t + "}");
        now = api.asks().rollup(r.path("group").asLong());
        assertThat(now.overall()).isEqualTo("complete");
        assertThat(now.children()).extracting(AskRollup.Child::state).containsExactly("replied", "acked", "failed");
        assertThatThrownBy(() -> call(lead, "{\"action\":\"ask_many\",\"peers\":[\"ghost\"],\"query\":\"x\"}"))
                .hasMessageContaining("could ask none of its peers");
    }

    @Test
    void askManyWaitsUntilEveryPeerAckedAndReturnsCompleteWithTheReplies() throws Exception {
        Caller third = new Caller(null, f.root, null, "cli", null);
        call(third, "{\"action\":\"join\",\"name\":\"third\"}");
        CompletableFuture<ApiResult> waiting = CompletableFuture.supplyAsync(() ->
                call(lead, "{\"action\":\"ask_many\",\"peers\":[\"worker\",\"third\"],\"query\":\"ready?\",\"timeout_seconds\":30}"));
        await(() -> api.asks().list("third", "open", 10).size() == 1 && api.asks().list("worker", "open", 10).size() == 1);
        assertThat(waiting).as("still waiting: nobody acked").isNotDone();
        call(worker, "{\"action\":\"ack\",\"id\":" + api.asks().list("worker", "open", 10).getFirst().id() + ",\"message\":\"yes\"}");
        assertThat(waiting).as("one of two acked").isNotDone();
        call(third, "{\"action\":\"ack\",\"id\":" + api.asks().list("third", "open", 10).getFirst().id() + "}");
        ApiResult r = waiting.orTimeout(20, TimeUnit.SECONDS).join();
        assertThat(r.data().path("overall").asString()).isEqualTo("complete");
        assertThat(r.text()).contains("@worker", "replied - yes", "@third", "acked");
    }

    private static void await(java.util.function.BooleanSupplier done) throws InterruptedException {
        long until = System.currentTimeMillis() + 20_000;
        while (!done.getAsBoolean()) {
            assertThat(System.currentTimeMillis()).as("condition within 20 s").isLessThan(until);
            Thread.sleep(20);
        }
    }

    @Test
    void aJobIsDispatchedAsAnAskDeliveredArmedAndCompletedByTheAck() {
        long id = call(lead, "{\"action\":\"job_create\",\"title\":\"fix a\",\"assignee\":\"worker\",\"request\":\"make a.js pass\"}")
                .data().path("id").asLong();
        Job j = api.jobs().get(id);
        assertThat(j.state()).as("due now to a present assignee: dispatched at once").isEqualTo("dispatching");
        Dispatcher.tick(f.store, System.currentTimeMillis());
        assertThat(api.jobs().get(id).state()).as("not dispatched twice").isEqualTo("dispatching");
        assertThat(j.attempts()).isEqualTo(1);
        assertThat(inbox(worker)).contains("[ask #" + j.askId() + " from @lead] job #" + id + " (task): fix a", "make a.js pass");
        Dispatcher.tick(f.store, System.currentTimeMillis());
        assertThat(api.jobs().get(id).state()).as("the ask's message was read").isEqualTo("delivered");
        call(worker, "{\"action\":\"ack\",\"id\":" + j.askId() + "}");
        assertThat(api.jobs().get(id).state()).as("a bare ack arms it").isEqualTo("running");
        call(worker, "{\"action\":\"job_update\",\"id\":" + id + ",\"phase\":\"testing\",\"progress\":50,\"artifacts\":[\"src/a.js\"]}");
        assertThat(api.jobs().get(id).progress()).isEqualTo(50);
        assertThatThrownBy(() -> call(worker, "{\"action\":\"job_update\",\"id\":" + id + ",\"state\":\"queued\"}"))
                .hasMessageContaining("cannot be set by job_update");
        call(worker, "{\"action\":\"job_update\",\"id\":" + id + ",\"state\":\"completed\",\"result\":\"a.js passes\"}");
        ApiResult r = call(lead, "{\"action\":\"job_result\",\"id\":" + id + "}");
        assertThat(r.text()).contains("completed", "result: a.js passes", "artifacts: src/a.js");
        assertThat(inbox(lead)).contains("[job #" + id + " running]", "[job #" + id + " completed] fix a", "result: a.js passes");
        assertThat(api.asks().get(j.askId()).status()).isEqualTo("acked");
        assertThatThrownBy(() -> call(worker, "{\"action\":\"job_update\",\"id\":" + id + ",\"state\":\"failed\"}"))
                .hasMessageContaining("terminal states never go back");
    }

    @Test
    void aDispatchToAnAbsentAssigneeIsRetriedThenDeadLetteredAndJobRetryRerunsIt() {
        call(worker, "{\"action\":\"leave\"}");
        long id = call(lead, "{\"action\":\"job_create\",\"title\":\"t\",\"assignee\":\"worker\",\"request\":\"r\",\"max_attempts\":3}")
                .data().path("id").asLong();
        long now = System.currentTimeMillis();
        for (int i = 1; i <= 3; i++) {
            Dispatcher.tick(f.store, now);
            now += 3_600_000;
            Job j = api.jobs().get(id);
            assertThat(j.attempts()).isEqualTo(i);
            assertThat(j.error()).contains("dispatch attempt " + i + "/3 failed: @worker has left the mesh");
        }
        Job dead = api.jobs().get(id);
        assertThat(dead.state()).isEqualTo("unavailable");
        assertThat(dead.deadLettered()).isTrue();
        assertThat(call(lead, "{\"action\":\"job_list\",\"state\":\"unavailable\"}").text()).contains("#" + id + " unavailable (dead-lettered)");
        call(worker, "{\"action\":\"join\",\"name\":\"worker\"}");
        long again = call(lead, "{\"action\":\"job_retry\",\"id\":" + id + "}").data().path("id").asLong();
        Dispatcher.tick(f.store, System.currentTimeMillis());
        assertThat(api.jobs().get(again).state()).isEqualTo("dispatching");
        assertThat(api.jobs().get(again).parentId()).isEqualTo(id);
        assertThat(api.jobs().get(id).state()).as("the old one stays terminal").isEqualTo("unavailable");
    }

    @Test
    void anAssigneeThatLeavesWhileRunningFailsTheJobWithTheReason() {
        long id = call(lead, "{\"action\":\"job_create\",\"title\":\"t\",\"assignee\":\"worker\",\"request\":\"r\"}").data().path("id").asLong();
        Dispatcher.tick(f.store, System.currentTimeMillis());
        inbox(worker);
        call(worker, "{\"action\":\"job_update\",\"id\":" + id + ",\"state\":\"running\"}");
        call(worker, "{\"action\":\"leave\"}");
        Dispatcher.tick(f.store, System.currentTimeMillis());
        Job j = api.jobs().get(id);
        assertThat(j.state()).isEqualTo("failed");
        assertThat(j.error()).contains("@worker has left the mesh", "while the job was running");
    }

    @Test
    void aDeadlinePassedExpiresAndCancelTellsTheAssignee() throws Exception {
        long id = call(lead, "{\"action\":\"job_create\",\"title\":\"t\",\"assignee\":\"worker\",\"request\":\"r\",\"deadline\":\""
                + java.time.Instant.now().plusMillis(300) + "\"}").data().path("id").asLong();
        Thread.sleep(400);
        Dispatcher.tick(f.store, System.currentTimeMillis());
        assertThat(api.jobs().get(id).state()).isEqualTo("expired");
        long two = call(lead, "{\"action\":\"job_create\",\"title\":\"t2\",\"assignee\":\"worker\",\"request\":\"r\"}").data().path("id").asLong();
        Dispatcher.tick(f.store, System.currentTimeMillis());
        inbox(worker);
        Dispatcher.tick(f.store, System.currentTimeMillis());
        assertThatThrownBy(() -> call(worker, "{\"action\":\"job_cancel\",\"id\":" + two + "}")).hasMessageContaining("only its owner cancels it");
        call(lead, "{\"action\":\"job_cancel\",\"id\":" + two + ",\"reason\":\"not needed\"}");
        assertThat(inbox(worker)).contains("[job #" + two + "] cancelled by @lead: not needed");
        assertThat(api.asks().get(api.jobs().get(two).askId()).status()).isEqualTo("cancelled");
        assertThat(call(worker, "{\"action\":\"list\"}").text()).doesNotContain("open ask(s)");
    }

    @Test
    void aRecurringJobTemplateCreatesRunsOnItsCron() {
        long id = call(lead, "{\"action\":\"job_create\",\"title\":\"nightly\",\"assignee\":\"worker\",\"request\":\"r\",\"cron\":\"@daily\"}")
                .data().path("id").asLong();
        Job t = api.jobs().get(id);
        assertThat(t.template()).isTrue();
        Dispatcher.tick(f.store, t.nextAttemptAt());
        assertThat(api.jobs().list(null, null, 10)).extracting(Job::parentId).contains(id);
        assertThat(api.jobs().get(id).nextAttemptAt()).isGreaterThan(t.nextAttemptAt());
    }

    @Test
    void schedulesFireAsMessagesOrAsksAndAnUndeliverableOneIsRetriedThenDeadLettered() {
        call(lead, "{\"action\":\"schedule_create\",\"to_peer\":\"worker\",\"text\":\"stand-up\",\"fire_at\":\"2000-01-01T00:00\"}");
        call(lead, "{\"action\":\"schedule_create\",\"to_peer\":\"worker\",\"text\":\"sign off\",\"fire_at\":\"2000-01-01\",\"kind\":\"ask\"}");
        long cron = call(lead, "{\"action\":\"schedule_self\",\"text\":\"check the queue\",\"cron\":\"*/5 * * * *\"}").data().path("id").asLong();
        Dispatcher.tick(f.store, System.currentTimeMillis());
        String in = inbox(worker);
        assertThat(in).contains("[schedule #", "] stand-up", "[ask #");
        assertThat(call(lead, "{\"action\":\"schedule_list\"}").text()).contains("done", "cron */5 * * * *, active");
        Schedule c = api.schedules().get(cron);
        Dispatcher.tick(f.store, c.nextFireAt());
        assertThat(inbox(lead)).contains("] check the queue");
        assertThat(api.schedules().get(cron).firedCount()).isEqualTo(1);

        long gone = call(lead, "{\"action\":\"schedule_create\",\"to_peer\":\"worker\",\"text\":\"ping\",\"fire_at\":\"2000-01-01\"}").data().path("id").asLong();
        call(worker, "{\"action\":\"leave\"}");
        long now = System.currentTimeMillis();
        for (int i = 1; i <= Schedules.MAX_ATTEMPTS; i++) {
            Dispatcher.tick(f.store, now);
            now += 3_600_000;
        }
        Schedule dead = api.schedules().get(gone);
        assertThat(dead.state()).isEqualTo("dead_letter");
        assertThat(dead.lastError()).contains("fire attempt 5/5 failed: @worker has left the mesh");
        assertThat(inbox(lead)).contains("[schedule #" + gone + " dead-lettered]");
        call(lead, "{\"action\":\"schedule_delete\",\"id\":" + cron + "}");
        assertThat(api.schedules().get(cron).state()).isEqualTo("deleted");
    }

    @Test
    void badInputIsAOneLineErrorNamingTheValueAndLeavesTheStoreAsItWas() {
        String[] bad = {
                "{\"action\":\"ask\",\"peer\":\"worker\"}",
                "{\"action\":\"ask\",\"peer\":\"nobody\",\"brief\":\"x\"}",
                "{\"action\":\"ask\",\"peer\":\"worker\",\"brief\":\"x\",\"bogus\":1}",
                "{\"action\":\"ask\",\"peer\":\"worker\",\"brief\":\"a\\u0007b\"}",
                "{\"action\":\"ask\",\"peer\":\"worker\",\"brief\":\"" + "x".repeat(40_000) + "\"}",
                "{\"action\":\"ask\",\"peer\":\"worker\",\"brief\":\"x\",\"reply_to\":999}",
                "{\"action\":\"ack\",\"id\":\"abc\"}",
                "{\"action\":\"ack\",\"id\":424242}",
                "{\"action\":\"wait_on_ack\",\"id\":1,\"timeout_seconds\":601}",
                "{\"action\":\"ask_many\",\"peers\":[],\"query\":\"x\"}",
                "{\"action\":\"job_create\",\"title\":\"t\"}",
                "{\"action\":\"job_create\",\"title\":\"t\",\"request\":\"r\",\"cron\":\"61 * * * *\"}",
                "{\"action\":\"job_create\",\"title\":\"t\",\"request\":\"r\",\"cron\":\"@reboot\"}",
                "{\"action\":\"job_create\",\"title\":\"t\",\"request\":\"r\",\"due_at\":\"tomorrow\"}",
                "{\"action\":\"job_create\",\"title\":\"t\",\"request\":\"r\",\"deadline\":\"2000-01-01\"}",
                "{\"action\":\"job_create\",\"title\":\"t\",\"request\":\"r\",\"max_attempts\":0}",
                "{\"action\":\"job_list\",\"state\":\"weird\"}",
                "{\"action\":\"job_update\",\"id\":1,\"progress\":101}",
                "{\"action\":\"schedule_create\",\"to_peer\":\"worker\",\"text\":\"x\",\"fire_at\":\"2026-13-40\"}",
                "{\"action\":\"schedule_cron\",\"to_peer\":\"worker\",\"text\":\"x\",\"cron\":\"* * *\"}",
                "{\"action\":\"schedule_self\",\"text\":\"x\"}",
                "{\"action\":\"schedule_create\",\"to_peer\":\"worker\",\"text\":\"x\",\"fire_at\":\"2030-01-01\",\"kind\":\"shout\"}",
                "{\"action\":\"schedule_delete\",\"id\":77}",
        };
        int feed = f.mesh.feed().latest(1000).size();
        for (String b : bad) {
            assertThatThrownBy(() -> call(lead, b)).as(b).isInstanceOf(MeshException.class)
                    .satisfies(e -> assertThat(e.getMessage()).as(b).doesNotContain("\n").hasSizeLessThan(400));
        }
        assertThat(f.mesh.feed().latest(1000)).hasSize(feed);
        assertThat(api.asks().list(null, null, 100)).isEmpty();
        assertThat(api.jobs().list(null, null, 100)).isEmpty();
        assertThat(api.schedules().list(null, true)).isEmpty();
        Caller stranger = new Caller(null, f.root, null, "cli", null);
        assertThatThrownBy(() -> call(stranger, "{\"action\":\"ask\",\"peer\":\"worker\",\"brief\":\"x\"}")).hasMessageContaining("join the mesh first");
    }
}
