package dev.agentmesh.team;

import dev.agentmesh.MeshException;
import dev.agentmesh.store.Store;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.agentmesh.team.TeamGraphs.newStep;
import static dev.agentmesh.team.TeamGraphs.withSteps;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The store side of {@code agent_team} runs (seeds/002) on a real SQLite store: handles r1, r2, ... that are never
 * reused, the live (16) and retained (64) limits, cleanup of terminal runs only, expiry after retention, the
 * 2,000-event cap that drops routine events before material ones, the receipts of a bounded {@code run_status} wait,
 * message receipts, milestone notices, and that one store keeps the runs of two projects apart.
 */
class TeamRunsTest {
    @TempDir
    Path tmp;
    private TeamGraphs g;
    private Store store;
    private TeamRuns runs;
    private TeamPlan plan;

    @BeforeEach
    void aStoreAndAPlan() {
        g = new TeamGraphs(tmp);
        store = Store.openSqlite(tmp.resolve("mesh.db"));
        runs = new TeamRuns(store, "project-a");
        plan = g.plan(withSteps(newStep("a", "package:scout"), newStep("b", "package:scout")));
    }

    @AfterEach
    void closeTheStore() {
        store.close();
    }

    private TeamRun create(TeamRuns in, TeamPlan p) {
        return in.create(p, "Alice", "milestones", 12, 10, g.root, g.root.resolve(".mesh"), ProcessHandle.current().pid());
    }

    private TeamRun create() {
        return create(runs, plan);
    }

    /** @return a run created and ended (succeeded) */
    private TeamRun terminal() {
        TeamRun r = create();
        assertThat(runs.endRun(r.runId(), TeamRun.SUCCEEDED, null)).isTrue();
        return r;
    }

    private static MeshException failure(Runnable call) {
        Throwable t = catchThrowable(call::run);
        assertThat(t).isInstanceOf(MeshException.class);
        return (MeshException) t;
    }

    private TeamPlan planWithLimits(String limits) {
        ObjectNode graph = withSteps(newStep("a", "package:scout"));
        graph.set("limits", TeamGraphs.json(limits));
        return g.plan(graph);
    }

    // -- handles and limits ---------------------------------------------------------------------------------------

    @Test
    void aNewRunIsRunningWithItsStepsPendingAndARunStartedEvent() {
        TeamRun r = create();
        assertThat(r.runId()).isEqualTo("r1");
        assertThat(r.status()).isEqualTo(TeamRun.RUNNING);
        assertThat(r.artifacts()).isEqualTo(g.root.resolve(".mesh/team/r1"));
        TeamRun stored = runs.get("r1");
        assertThat(stored.plan()).isEqualTo(plan);
        assertThat(stored.owner()).isEqualTo("Alice");
        assertThat(stored.endedAt()).isNull();
        assertThat(stored.expiresAt()).isNull();
        assertThat(runs.steps("r1")).extracting(TeamStep::stepId, TeamStep::status)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("a", TeamStep.PENDING), org.assertj.core.groups.Tuple.tuple("b", TeamStep.PENDING));
        List<TeamEvent> events = runs.events("r1", 0, null, false, 100);
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.seq()).isEqualTo(1);
            assertThat(e.kind()).isEqualTo("run.started");
            assertThat(e.material()).isTrue();
            assertThat(e.stepId()).isNull();
        });
        assertThat(runs.cursor("r1")).isEqualTo(1);
    }

    @Test
    void runIdsCountUpAndAreNeverReusedAfterCleanup() {
        assertThat(create().runId()).isEqualTo("r1");
        TeamRun r2 = create();
        assertThat(r2.runId()).isEqualTo("r2");
        runs.endRun("r2", TeamRun.CANCELLED, "stopped by the test");
        TeamRun cleaned = runs.cleanup("r2");
        assertThat(cleaned.status()).isEqualTo(TeamRun.CANCELLED);
        assertThat(cleaned.diagnostic()).isEqualTo("stopped by the test");
        assertThat(runs.find("r2")).isEmpty();
        assertThat(runs.steps("r2")).isEmpty();
        assertThat(runs.events("r2", 0, null, false, 100)).isEmpty();
        assertThat(create().runId()).as("the handle after a cleaned-up r2").isEqualTo("r3");
        assertThat(runs.list()).extracting(TeamRun::runId).containsExactly("r1", "r3");
        assertThat(create().runId()).isEqualTo("r4");
    }

    @Test
    void theSeventeenthLiveRunIsRefusedNamingTheLimitUntilOneEnds() {
        for (int i = 1; i <= TeamLimits.MAX_LIVE_RUNS; i++) {
            assertThat(create().runId()).isEqualTo("r" + i);
        }
        MeshException e = failure(this::create);
        assertThat(e.kind()).isEqualTo(MeshException.Kind.UNEXPECTED_STATE);
        assertThat(e.getMessage()).contains("16 agent_team runs are live").contains("the limit is 16").contains(TeamErrors.REPAIR)
                .doesNotContain("\n");
        assertThat(runs.list()).as("the refused create left nothing").hasSize(16);
        runs.endRun("r5", TeamRun.FAILED, "a sink failed");
        assertThat(create().runId()).as("a refused create uses no handle").isEqualTo("r17");
        assertThat(failure(this::create).getMessage()).contains("the limit is 16");
    }

    @Test
    void sixtyFourRetainedRunsAreTheLimitUntilATerminalOneIsCleanedUp() {
        for (int i = 1; i <= TeamLimits.MAX_RETAINED_RUNS; i++) {
            terminal();
        }
        MeshException e = failure(this::create);
        assertThat(e.kind()).isEqualTo(MeshException.Kind.UNEXPECTED_STATE);
        assertThat(e.getMessage()).contains("64 agent_team runs are retained").contains("the limit is 64").contains(TeamErrors.REPAIR)
                .contains("cleanup");
        assertThat(runs.list()).hasSize(64);
        runs.cleanup("r10");
        TeamRun next = create();
        assertThat(next.runId()).isEqualTo("r65");
        assertThat(failure(this::create).getMessage()).as("a live one counts as retained too").contains("the limit is 64");
        assertThat(failure(() -> runs.cleanup("r65")).kind()).isEqualTo(MeshException.Kind.UNEXPECTED_STATE);
    }

    @Test
    void cleanupRefusesALiveRunAndAnUnknownOneNamingIt() {
        TeamRun live = create();
        MeshException e = failure(() -> runs.cleanup(live.runId()));
        assertThat(e.kind()).isEqualTo(MeshException.Kind.UNEXPECTED_STATE);
        assertThat(e.getMessage()).contains("run r1 is running").contains("cleanup frees terminal runs only").contains(TeamErrors.REPAIR);
        assertThat(runs.find("r1")).as("still there").isPresent();
        assertThat(runs.steps("r1")).hasSize(2);

        MeshException unknown = failure(() -> runs.cleanup("r42"));
        assertThat(unknown.kind()).isEqualTo(MeshException.Kind.INVALID_INPUT);
        assertThat(unknown.getMessage()).contains("run 'r42' is not a run of this project").contains(TeamErrors.REPAIR);
        assertThat(failure(() -> runs.get("r42")).getMessage()).contains("'r42'");
        assertThat(failure(() -> runs.await("r42", null, null, Duration.ZERO)).getMessage()).contains("'r42'");

        runs.endRun("r1", TeamRun.SUCCEEDED, null);
        assertThat(runs.cleanup("r1").runId()).isEqualTo("r1");
        assertThat(failure(() -> runs.cleanup("r1")).getMessage()).as("a second cleanup").contains("run 'r1' is not a run of this project");
    }

    @Test
    void aRunWhoseRetentionPassedIsDroppedAtTheNextCreate() throws Exception {
        TeamPlan shortLived = planWithLimits("{'retentionSeconds': 1}");
        TeamRun expiring = create(runs, shortLived);
        TeamRun kept = terminal();
        TeamRun live = create(runs, shortLived);
        runs.event(expiring.runId(), "a", "step.tool", false, "read src");
        runs.saveReceipt(expiring.runId(), "a", "k1", "{\"status\":\"accepted\"}", true, 5, "steer a: hello");
        assertThat(runs.endRun(expiring.runId(), TeamRun.SUCCEEDED, null)).isTrue();
        TeamRun ended = runs.get(expiring.runId());
        assertThat(ended.expiresAt()).isEqualTo(ended.endedAt() + 1000);
        assertThat(runs.get(kept.runId()).expiresAt()).isEqualTo(runs.get(kept.runId()).endedAt() + TeamLimits.DEFAULT_RETENTION_SECONDS * 1000L);

        Thread.sleep(1300);
        assertThat(runs.find(expiring.runId())).as("expiry happens at the next create, not before").isPresent();
        TeamRun next = create();
        assertThat(next.runId()).isEqualTo("r4");
        assertThat(runs.find(expiring.runId())).isEmpty();
        assertThat(runs.steps(expiring.runId())).isEmpty();
        assertThat(runs.events(expiring.runId(), 0, null, false, 100)).isEmpty();
        assertThat(runs.receipt(expiring.runId(), "a", "k1")).isEmpty();
        assertThat(runs.list()).extracting(TeamRun::runId)
                .as("a terminal run still retained and a live run with short retention stay")
                .containsExactly(kept.runId(), live.runId(), "r4");
    }

    @Test
    void anExpiredRunsArtifactFolderIsDeletedWithItsRowsAndAKeptRunsFolderStays() throws Exception {
        TeamRun expiring = create(runs, planWithLimits("{'retentionSeconds': 1}"));
        TeamRun kept = terminal();
        for (TeamRun r : List.of(expiring, kept)) {
            Files.createDirectories(r.artifacts().resolve("logs"));
            Files.writeString(r.artifacts().resolve("a.md"), "final of a");
            Files.writeString(r.artifacts().resolve("logs/a.jsonl"), "{}");
        }
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("keep.txt"), "not the run's");
        Files.createSymbolicLink(expiring.artifacts().resolve("link"), outside);
        runs.endRun(expiring.runId(), TeamRun.FAILED, "a sink failed");
        Thread.sleep(1300);
        create();
        assertThat(runs.find(expiring.runId())).isEmpty();
        assertThat(expiring.artifacts()).as("retained until retention expiry or cleanup (seeds/002)").doesNotExist();
        assertThat(outside.resolve("keep.txt")).as("a symlink inside is not followed").exists();
        assertThat(kept.artifacts().resolve("a.md")).exists();
        assertThat(kept.artifacts().resolve("logs/a.jsonl")).exists();
    }

    @Test
    void deleteArtifactsTouchesOnlyTheRunsOwnFolderUnderTeam() throws Exception {
        Path team = g.root.resolve(".mesh/team");
        TeamRun r = create();
        Files.createDirectories(r.artifacts().resolve("logs"));
        Files.writeString(r.artifacts().resolve("a.md"), "final");
        Files.writeString(r.artifacts().resolve("logs/a.jsonl"), "{}");
        Path outside = Files.createDirectories(tmp.resolve("elsewhere/r1"));
        Files.writeString(outside.resolve("keep.txt"), "keep");

        TeamRun pointingOutside = new TeamRun(r.runId(), null, "o", TeamRun.SUCCEEDED, plan, "none", 0, 10, 0, g.root, outside, null,
                null, 0, 0L, 0L);
        assertThat(TeamRuns.deleteArtifacts(team, pointingOutside)).isZero();
        assertThat(outside.resolve("keep.txt")).exists();
        TeamRun otherName = new TeamRun("r2", null, "o", TeamRun.SUCCEEDED, plan, "none", 0, 10, 0, g.root, r.artifacts(), null,
                null, 0, 0L, 0L);
        assertThat(TeamRuns.deleteArtifacts(team, otherName)).as("r2 may not delete r1's folder").isZero();
        assertThat(r.artifacts().resolve("a.md")).exists();

        Path linked = team.resolve("r3");
        Files.createSymbolicLink(linked, outside);
        TeamRun symlinked = new TeamRun("r3", null, "o", TeamRun.SUCCEEDED, plan, "none", 0, 10, 0, g.root, linked, null, null, 0, 0L, 0L);
        assertThat(TeamRuns.deleteArtifacts(team, symlinked)).as("a symlinked run folder").isZero();
        assertThat(outside.resolve("keep.txt")).exists();

        assertThat(TeamRuns.deleteArtifacts(team, r)).as("a.md, logs and logs/a.jsonl").isEqualTo(3);
        assertThat(r.artifacts()).doesNotExist();
        assertThat(TeamRuns.deleteArtifacts(team, r)).as("gone already").isZero();
    }

    // -- events -----------------------------------------------------------------------------------------------------

    @Test
    void eventsAreCappedAt2000DroppingTheOldestRoutineOnesAndKeepingTheMaterialOnes() {
        TeamRun r = create();
        runs.event(r.runId(), "a", "step.started", true, "material early");
        for (int i = 0; i < 1050; i++) {
            runs.event(r.runId(), "a", "step.tool", false, "routine " + i);
        }
        runs.event(r.runId(), "b", "step.started", true, "material middle");
        for (int i = 1050; i < 2100; i++) {
            runs.event(r.runId(), "b", "step.text", false, "routine " + i);
        }
        runs.event(r.runId(), "a", "step.ended", true, "material late");
        // 1 run.started + 3 material + 2100 routine = 2104 appended: the 104 oldest routine ones go
        List<TeamEvent> all = runs.events(r.runId(), 0, null, false, 10_000);
        assertThat(all).hasSize(TeamLimits.MAX_EVENTS_PER_RUN);
        assertThat(all.stream().filter(TeamEvent::material).map(TeamEvent::text))
                .containsExactly("2 step(s): Answer one scoped local question.",
                        "material early", "material middle", "material late");
        List<String> routine = all.stream().filter(e -> !e.material()).map(TeamEvent::text).toList();
        assertThat(routine).hasSize(1996);
        assertThat(routine.getFirst()).isEqualTo("routine 104");
        assertThat(routine.getLast()).isEqualTo("routine 2099");
        assertThat(runs.cursor(r.runId())).as("seqs go on counting").isEqualTo(2104);
        assertThat(all.getLast().seq()).isEqualTo(2104);
        assertThat(runs.events(r.runId(), 0, null, true, 10_000)).hasSize(4);
        assertThat(runs.events(r.runId(), 0, "b", true, 10_000)).extracting(TeamEvent::text)
                .as("a step's filter keeps the run's own events")
                .containsExactly("2 step(s): Answer one scoped local question.", "material middle");
    }

    @Test
    void aLongEventTextIsOneLineOf2000Characters() {
        TeamRun r = create();
        runs.event(r.runId(), "a", "step.text", false, "line one\nline two " + "x".repeat(5000));
        TeamEvent e = runs.events(r.runId(), 1, null, false, 10).getFirst();
        assertThat(e.text()).doesNotContain("\n").startsWith("line one");
        assertThat(e.text().length()).isLessThanOrEqualTo(TeamLimits.EVENT_PREVIEW_CHARS);
    }

    // -- a bounded run_status wait -----------------------------------------------------------------------------------

    @Test
    void aWaitOnAnEndedRunReturnsTerminalAtOnce() {
        TeamRun r = terminal();
        TeamRuns.Wait w = runs.await(r.runId(), null, null, Duration.ofSeconds(30));
        assertThat(w.receipt()).isEqualTo("terminal");
        assertThat(w.cursor()).isEqualTo(runs.cursor(r.runId())).isEqualTo(2);
        assertThat(w.waitedMs()).isLessThan(5000);
        assertThat(runs.await(r.runId(), 0L, "a", Duration.ofSeconds(30)).receipt()).as("with a cursor and a step too").isEqualTo("terminal");
    }

    @Test
    void aWaitFromACursorBeforeAMaterialEventReturnsAlreadyMaterial() {
        TeamRun r = create();
        long before = runs.cursor(r.runId());
        runs.event(r.runId(), "a", "step.tool", false, "routine");
        runs.started(r.runId(), "a", System.currentTimeMillis(), 1234L, "session-1", null, "launched");
        TeamRuns.Wait w = runs.await(r.runId(), before, null, Duration.ofSeconds(30));
        assertThat(w.receipt()).isEqualTo("already-material");
        assertThat(w.cursor()).isEqualTo(3);
        assertThat(w.waitedMs()).isLessThan(5000);
        assertThat(runs.steps(r.runId()).getFirst()).satisfies(s -> {
            assertThat(s.status()).isEqualTo(TeamStep.RUNNING);
            assertThat(s.pid()).isEqualTo(1234L);
            assertThat(s.sessionId()).isEqualTo("session-1");
        });
    }

    @Test
    void aMaterialEventCommittedDuringTheWaitWakesItButARoutineOneDoesNot() throws Exception {
        TeamRun r = create();
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            sleep(300);
            runs.activity(r.runId(), "a", 10, 20, 0.01, 1, "read src/a.js", "step.tool", "read src/a.js");
            sleep(500);
            runs.event(r.runId(), "a", "step.started", true, "launched");
        });
        TeamRuns.Wait w = runs.await(r.runId(), null, null, Duration.ofSeconds(20));
        writer.get(10, TimeUnit.SECONDS);
        assertThat(w.receipt()).isEqualTo("material");
        assertThat(w.cursor()).isEqualTo(3);
        assertThat(w.waitedMs()).as("not woken by the routine event at 300 ms").isBetween(700L, 10_000L);
    }

    @Test
    void aWaitWithNothingHappeningTimesOut() {
        TeamRun r = create();
        long cursor = runs.cursor(r.runId());
        TeamRuns.Wait w = runs.await(r.runId(), cursor, null, Duration.ofSeconds(1));
        assertThat(w.receipt()).isEqualTo("timeout");
        assertThat(w.cursor()).isEqualTo(cursor);
        assertThat(w.waitedMs()).isBetween(950L, 5_000L);
        TeamRuns.Wait zero = runs.await(r.runId(), cursor, null, Duration.ZERO);
        assertThat(zero.receipt()).as("waitSeconds 0").isEqualTo("timeout");
    }

    @Test
    void aWaitFilteredOnAStepIsNotWokenByAnotherStepsMaterialEvent() throws Exception {
        TeamRun r = create();
        long cursor = runs.cursor(r.runId());
        CompletableFuture<Void> other = CompletableFuture.runAsync(() -> {
            sleep(200);
            runs.event(r.runId(), "b", "step.started", true, "b launched");
        });
        TeamRuns.Wait w = runs.await(r.runId(), cursor, "a", Duration.ofSeconds(1));
        other.get(10, TimeUnit.SECONDS);
        assertThat(w.receipt()).isEqualTo("timeout");
        assertThat(w.cursor()).as("the cursor still moves past b's event").isEqualTo(cursor + 1);
        assertThat(w.waitedMs()).isBetween(950L, 5_000L);
        assertThat(runs.await(r.runId(), cursor, "b", Duration.ofSeconds(5)).receipt()).isEqualTo("already-material");

        CompletableFuture<Void> own = CompletableFuture.runAsync(() -> {
            sleep(200);
            runs.event(r.runId(), "b", "step.started", true, "b again");
            runs.event(r.runId(), "a", "step.started", true, "a launched");
        });
        TeamRuns.Wait woken = runs.await(r.runId(), null, "a", Duration.ofSeconds(20));
        own.get(10, TimeUnit.SECONDS);
        assertThat(woken.receipt()).isEqualTo("material");
        assertThat(woken.waitedMs()).isLessThan(10_000L);
    }

    @Test
    void theRunEndingDuringAWaitReturnsTerminal() throws Exception {
        TeamRun r = create();
        CompletableFuture<Void> end = CompletableFuture.runAsync(() -> {
            sleep(200);
            runs.endRun(r.runId(), TeamRun.TIMED_OUT, "ran past limits.maxRunSeconds");
        });
        TeamRuns.Wait w = runs.await(r.runId(), null, "a", Duration.ofSeconds(20));
        end.get(10, TimeUnit.SECONDS);
        assertThat(w.receipt()).isEqualTo("terminal");
        assertThat(w.waitedMs()).isLessThan(10_000L);
    }

    // -- messages, notices, endings -----------------------------------------------------------------------------------

    @Test
    void messageReceiptsAreStoredPerKeyAndStepAndTheFirstIsKept() {
        TeamRun r = create();
        assertThat(runs.receipt(r.runId(), "a", "k1")).isEmpty();
        String accepted = "{\"status\":\"accepted\",\"key\":\"k1\"}";
        runs.saveReceipt(r.runId(), "a", "k1", accepted, true, 12, "steer a: check src/b");
        assertThat(runs.receipt(r.runId(), "a", "k1")).contains(accepted);
        runs.saveReceipt(r.runId(), "a", "k1", "{\"status\":\"denied\"}", false, 0, "steer a: again");
        assertThat(runs.receipt(r.runId(), "a", "k1")).as("an exact duplicate key reuses the first receipt").contains(accepted);
        assertThat(runs.receipt(r.runId(), "b", "k1")).as("keys are per step").isEmpty();
        assertThat(runs.receipt(r.runId(), "a", "k2")).isEmpty();
        runs.saveReceipt(r.runId(), "a", null, null, true, 30, "steer a: no key");
        TeamStep a = runs.steps(r.runId()).getFirst();
        assertThat(a.messages()).isEqualTo(2);
        assertThat(a.messageChars()).isEqualTo(42);
        assertThat(runs.steps(r.runId()).get(1).messages()).isZero();
        List<TeamEvent> events = runs.events(r.runId(), 1, null, false, 100);
        assertThat(events).extracting(TeamEvent::kind).containsOnly("step.message").hasSize(3);
        assertThat(events).noneMatch(TeamEvent::material);
    }

    @Test
    void takeNoticeHonoursMaxNoticesAndTheInterval() throws Exception {
        TeamRun r = runs.create(plan, "Alice", "milestones", 2, 1, g.root, g.root.resolve(".mesh"), 1L);
        assertThat(runs.takeNotice(r.runId())).as("the first").isTrue();
        assertThat(runs.takeNotice(r.runId())).as("within the 1 s interval").isFalse();
        Thread.sleep(1100);
        assertThat(runs.takeNotice(r.runId())).as("after the interval").isTrue();
        Thread.sleep(1100);
        assertThat(runs.takeNotice(r.runId())).as("maxNotices 2 reached").isFalse();
        assertThat(runs.get(r.runId()).noticesSent()).isEqualTo(2);

        TeamRun none = runs.create(plan, "Alice", "milestones", 0, 1, g.root, g.root.resolve(".mesh"), 1L);
        assertThat(runs.takeNotice(none.runId())).as("maxNotices 0").isFalse();
        TeamRun finalOnly = runs.create(plan, "Alice", "final", 12, 1, g.root, g.root.resolve(".mesh"), 1L);
        assertThat(runs.takeNotice(finalOnly.runId())).as("mode final sends no milestones").isFalse();
        TeamRun off = runs.create(plan, "Alice", "none", 12, 1, g.root, g.root.resolve(".mesh"), 1L);
        assertThat(runs.takeNotice(off.runId())).isFalse();
        assertThat(runs.takeNotice("r999")).as("an unknown run").isFalse();
        assertThat(runs.get(finalOnly.runId()).noticesSent()).isZero();
    }

    @Test
    void endingAStepOrARunTwiceChangesNothingTheSecondTime() {
        TeamRun r = create();
        runs.started(r.runId(), "a", System.currentTimeMillis(), null, null, "m1", "launched");
        assertThat(runs.ended(r.runId(), "a", TeamStep.SUCCEEDED, null, 5, "/tmp/a.md", "done")).isTrue();
        assertThat(runs.ended(r.runId(), "a", TeamStep.FAILED, "late failure", 0, null, "again")).isFalse();
        TeamStep a = runs.steps(r.runId()).getFirst();
        assertThat(a.status()).isEqualTo(TeamStep.SUCCEEDED);
        assertThat(a.failure()).isNull();
        assertThat(a.finalChars()).isEqualTo(5);
        assertThat(a.artifact()).isEqualTo("/tmp/a.md");
        assertThat(a.model()).isEqualTo("m1");
        assertThat(runs.ended(r.runId(), "b", TeamStep.BLOCKED, "needs a", null, null, null)).as("a pending step ends too").isTrue();
        assertThat(runs.ended(r.runId(), "nope", TeamStep.FAILED, null, null, null, null)).as("no such step").isFalse();

        assertThat(runs.endRun(r.runId(), TeamRun.SUCCEEDED, null)).isTrue();
        long endedAt = runs.get(r.runId()).endedAt();
        assertThat(runs.endRun(r.runId(), TeamRun.FAILED, "late")).isFalse();
        assertThat(runs.get(r.runId())).satisfies(x -> {
            assertThat(x.status()).isEqualTo(TeamRun.SUCCEEDED);
            assertThat(x.diagnostic()).isNull();
            assertThat(x.endedAt()).isEqualTo(endedAt);
        });
        assertThat(runs.endRun("r77", TeamRun.FAILED, null)).as("an unknown run").isFalse();
        List<String> kinds = runs.events(r.runId(), 0, null, false, 100).stream().map(TeamEvent::kind).toList();
        assertThat(kinds).containsExactly("run.started", "step.started", "step.ended", "step.ended", "run.ended");
    }

    // -- projects ---------------------------------------------------------------------------------------------------

    @Test
    void twoProjectsOnOneStoreDoNotSeeEachOthersRuns() {
        TeamRuns other = new TeamRuns(store, "project-b");
        TeamRun mine = create();
        TeamRun theirs = create(other, g.plan(TeamGraphs.json(TeamGraphs.MINIMUM.replace("Answer one scoped local question.", "Their question."))));
        assertThat(mine.runId()).isEqualTo("r1");
        assertThat(theirs.runId()).isEqualTo("r1");
        assertThat(runs.get("r1").objective()).isEqualTo("Answer one scoped local question.");
        assertThat(other.get("r1").objective()).isEqualTo("Their question.");
        assertThat(runs.steps("r1")).hasSize(2);
        assertThat(other.steps("r1")).hasSize(1);

        other.event("r1", "inspect", "step.started", true, "theirs");
        assertThat(runs.events("r1", 0, null, false, 100)).hasSize(1);
        assertThat(other.events("r1", 0, null, false, 100)).hasSize(2);
        other.saveReceipt("r1", "a", "k", "{}", true, 1, "x");
        assertThat(runs.receipt("r1", "a", "k")).isEmpty();

        assertThat(other.endRun("r1", TeamRun.SUCCEEDED, null)).isTrue();
        assertThat(runs.get("r1").status()).as("ending their r1 leaves mine running").isEqualTo(TeamRun.RUNNING);
        assertThat(runs.await("r1", 1L, null, Duration.ofMillis(300)).receipt()).as("their ending does not wake my wait").isEqualTo("timeout");
        assertThat(failure(() -> runs.cleanup("r1")).kind()).as("mine is still live").isEqualTo(MeshException.Kind.UNEXPECTED_STATE);
        other.cleanup("r1");
        assertThat(runs.find("r1")).isPresent();
        assertThat(other.find("r1")).isEmpty();
        assertThat(create().runId()).isEqualTo("r2");
        assertThat(create(other, plan).runId()).as("their counter is their own").isEqualTo("r2");

        List<TeamRun> fill = new ArrayList<>();
        for (int i = 0; i < TeamLimits.MAX_LIVE_RUNS - 2; i++) {
            fill.add(create());
        }
        assertThat(failure(this::create).getMessage()).contains("the limit is 16");
        assertThat(create(other, plan).runId()).as("the live limit is per project").isEqualTo("r3");
        assertThat(TeamRuns.projectsWithLiveRuns(store)).containsExactlyInAnyOrder("project-a", "project-b");
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
