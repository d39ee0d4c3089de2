package dev.agentmesh.api;

import dev.agentmesh.orchestrator.Ask;
import dev.agentmesh.orchestrator.AskRollup;
import dev.agentmesh.orchestrator.Job;
import dev.agentmesh.orchestrator.Schedule;

import java.util.List;

/**
 * The JSON shapes of the orchestrator tools' results (seeds/004; the issue 8 contract the dashboard reads): explicit
 * records, as {@link Wire}'s. Times are epoch milliseconds; absent values are JSON {@code null}.
 */
public final class OrchestratorWire {
    private OrchestratorWire() {
    }

    /** An ask: {@code status} open, acked or cancelled; {@code reply} null for a bare ack. */
    public record AskWire(long id, String from, String to, String brief, String status, String reply, Long replyTo, String circle,
                          Long group, Long jobId, long createdAt, Long ackedAt) {
        /** @return the wire form */
        public static AskWire of(Ask a) {
            return new AskWire(a.id(), a.from(), a.to(), a.brief(), a.status(), a.reply(), a.replyTo(), a.circle(), a.group(),
                    a.jobId(), a.createdAt(), a.ackedAt());
        }
    }

    /** A wait's outcome: {@code status} resolved or pending. */
    public record WaitWire(String status, AskWire ask) {
    }

    /** An {@code ask_many} rollup: {@code overall} complete, partial or pending. */
    public record RollupWire(long group, String query, String overall, List<ChildWire> children) {
        /** @return the wire form */
        public static RollupWire of(AskRollup r) {
            return new RollupWire(r.group(), r.query(), r.overall(), r.children().stream()
                    .map(c -> new ChildWire(c.peer(), c.askId(), c.state(), c.reply())).toList());
        }
    }

    /** One peer of a rollup: {@code state} pending, acked, replied or failed. */
    public record ChildWire(String peer, Long askId, String state, String reply) {
    }

    /** A durable job; {@code state} one of {@link Job#STATES}. */
    public record JobWire(long id, String title, String kind, String owner, String assignee, String request, String state, String phase,
                          Integer progress, String result, String error, List<String> artifacts, int attempts, int maxAttempts,
                          Long nextAttemptAt, boolean deadLettered, Long askId, Long dueAt, String cron, Long parentId, Long deadline,
                          long createdAt, long updatedAt) {
        /** @return the wire form */
        public static JobWire of(Job j) {
            return new JobWire(j.id(), j.title(), j.kind(), j.owner(), j.assignee(), j.request(), j.state(), j.phase(), j.progress(),
                    j.result(), j.error(), j.artifacts(), j.attempts(), j.maxAttempts(), j.nextAttemptAt(), j.deadLettered(), j.askId(),
                    j.dueAt(), j.cron(), j.parentId(), j.deadline(), j.createdAt(), j.updatedAt());
        }
    }

    /** A schedule; {@code state} active, done, dead_letter or deleted. */
    public record ScheduleWire(long id, String owner, String toPeer, String text, String kind, Long fireAt, String cron, Long nextFireAt,
                               int attempts, String state, String lastError, int firedCount, Long lastFiredAt, long createdAt) {
        /** @return the wire form */
        public static ScheduleWire of(Schedule s) {
            return new ScheduleWire(s.id(), s.owner(), s.toPeer(), s.text(), s.kind(), s.fireAt(), s.cron(), s.nextFireAt(), s.attempts(),
                    s.state(), s.lastError(), s.firedCount(), s.lastFiredAt(), s.createdAt());
        }
    }
}
