package dev.agentmesh.api;

import dev.agentmesh.Texts;
import dev.agentmesh.crew.CrewRun;
import dev.agentmesh.crew.CrewRunner;
import dev.agentmesh.crew.Task;
import dev.agentmesh.mesh.Agent;
import dev.agentmesh.mesh.FeedEvent;
import dev.agentmesh.mesh.Message;
import dev.agentmesh.mesh.Reservation;
import dev.agentmesh.mesh.SwarmClaim;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.List;

/**
 * The JSON shapes of action results: explicit records, so renaming a domain field cannot silently change what
 * the CLI's {@code --json}, MCP's {@code structuredContent} and the HTTP API return. Times are epoch
 * milliseconds; absent values are JSON {@code null}.
 */
public final class Wire {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Wire() {
    }

    /**
     * An agent: {@code name} unique in the project; {@code present} false once it left; {@code circle} null for none
     * (the whole project); {@code description} and {@code descriptionExpiresAt} null unless a description is fresh.
     */
    public record AgentWire(String name, boolean present, String runtime, String model, String branch, Long pid,
                            String host, String cwd, String statusMessage, long joinedAt, long lastSeen, Long leftAt,
                            String circle, String description, Long descriptionExpiresAt) {
        /** @return the wire form of the domain value, its description as fresh now */
        public static AgentWire of(Agent a) {
            String description = a.freshDescription(System.currentTimeMillis());
            return new AgentWire(a.name(), a.present(), a.runtime(), a.model(), a.branch(), a.pid(), a.host(), a.cwd(),
                    a.statusMessage(), a.joinedAt(), a.lastSeen(), a.leftAt(), a.circle(), description,
                    description == null ? null : a.descriptionExpiresAt());
        }
    }

    /**
     * A spawned agent of the registry (issue 6; the compact table of seed 003: name, runtime, model, status,
     * created), with what its host knows of it while it runs ({@code toolCalls}, tokens, {@code lastActivity}; 0
     * when stopped).
     */
    public record SpawnedWire(String name, String runtime, String model, String profile, String sessionId, String status,
                              String workstream, String task, String summary, Long pid, long createdAt, long updatedAt,
                              int toolCalls, long inputTokens, long outputTokens, long lastActivity) {
        /** @return the wire form of {@code a} and its progress (null when not running) */
        public static SpawnedWire of(dev.agentmesh.agents.SpawnedAgent a, dev.agentmesh.runtime.Progress p) {
            return new SpawnedWire(a.name(), a.runtime(), a.model(), a.profile(), a.sessionId(), a.status(), a.workstream(),
                    a.task(), a.summary(), a.pid(), a.createdAt(), a.updatedAt(), p == null ? 0 : p.toolCalls(),
                    p == null ? 0 : p.inputTokens(), p == null ? 0 : p.outputTokens(), p == null ? 0 : p.lastActivity());
        }
    }

    /** A message as sent or read: {@code id} increases in commit order; {@code replyTo} may be null. */
    public record MessageWire(long id, String sender, List<String> recipients, String body, Long replyTo,
                              boolean broadcast, long createdAt) {
        /** @return the wire form of the domain value */
        public static MessageWire of(Message m) {
            return new MessageWire(m.id(), m.sender(), List.copyOf(m.recipients()), m.body(), m.replyTo(), m.broadcast(),
                    m.createdAt());
        }

        /** @return {@code #ID HH:MM SENDER[ (to all)][ (reply to #N)]: BODY}, the body escaped to one line */
        public String line() {
            return "#" + id + " " + Texts.clock(createdAt) + " " + sender + (broadcast ? " (to all)" : "")
                    + (replyTo == null ? "" : " (reply to #" + replyTo + ")") + ": " + Texts.escape(body);
        }
    }

    /** A lease on a normalised pattern; {@code expiresAt} null for no TTL. */
    public record ReservationWire(long id, String holder, String pattern, boolean exclusive, String reason,
                                  long createdAt, Long expiresAt) {
        /** @return the wire form of the domain value */
        public static ReservationWire of(Reservation r) {
            return new ReservationWire(r.id(), r.holder(), r.pattern(), r.exclusive(), r.reason(), r.createdAt(), r.expiresAt());
        }
    }

    /** A swarm claim; {@code spec} "" for none, {@code completedAt} and {@code result} null while it is worked on. */
    public record SwarmClaimWire(String spec, String taskId, String holder, long claimedAt, Long completedAt, String result) {
        /** @return the wire form of the domain value */
        public static SwarmClaimWire of(SwarmClaim c) {
            return new SwarmClaimWire(c.spec(), c.taskId(), c.holder(), c.claimedAt(), c.completedAt(), c.result());
        }
    }

    /** A feed event; {@code actor} null for the system. */
    public record FeedEventWire(long id, long at, String actor, String kind, String target, String detail) {
        /** @return the event as one line of text ({@code HH:mm:ss actor kind target: detail}, control characters escaped) */
        public String line() {
            return Texts.clock(at) + ' ' + (actor == null ? "-" : Texts.escape(actor)) + ' ' + kind
                    + (target == null ? "" : " " + Texts.escape(target)) + (detail == null ? "" : ": " + Texts.escape(detail));
        }

        /** @return the wire form of the domain value */
        public static FeedEventWire of(FeedEvent e) {
            return new FeedEventWire(e.id(), e.at(), e.actor(), e.kind(), e.target(), e.detail());
        }
    }

    /** A crew task; {@code status} is {@code todo|in_progress|done|blocked}, {@code verdict} a verdict name or null. */
    public record TaskWire(String id, String title, String description, String status, String assignee, int attempts,
                           int reviews, String verdict, String feedback, String summary, String blockReason,
                           Integer wave, List<String> dependsOn, long updatedAt) {
        /** @return the wire form of the domain value */
        public static TaskWire of(Task t) {
            return new TaskWire(t.id(), t.title(), t.description(), t.status().wire(), t.assignee(), t.attempts(),
                    t.reviews(), t.verdict() == null ? null : t.verdict().name(), t.feedback(), t.summary(),
                    t.blockReason(), t.wave(), List.copyOf(t.dependsOn()), t.updatedAt());
        }
    }

    /** A crew run; {@code endedAt} null while it runs. */
    public record CrewRunWire(long id, String prd, String status, long pid, String host, long startedAt, Long endedAt,
                              long planningMs, long workMs, long reviewMs, int waves) {
        /** @return the wire form of the domain value */
        public static CrewRunWire of(CrewRun r) {
            return new CrewRunWire(r.id(), r.prd(), r.status(), r.pid(), r.host(), r.startedAt(), r.endedAt(),
                    r.planningMs(), r.workMs(), r.reviewMs(), r.waves());
        }
    }

    /** The end of a {@code mesh crew run}: {@code status} is {@code done|blocked|incomplete|interrupted}; times in ms. */
    public record CrewSummaryWire(String status, List<TaskWire> tasks, int waves, long planningMs, long wavesMs,
                                  long workMs, long reviewMs, long wallMs, List<String> agents) {
        /** @return the wire form of the domain value */
        public static CrewSummaryWire of(CrewRunner.Summary s) {
            return new CrewSummaryWire(s.status(), s.tasks().stream().map(TaskWire::of).toList(), s.waves(),
                    s.planningMs(), s.wavesMs(), s.workMs(), s.reviewMs(), s.wallMs(), List.copyOf(s.agents()));
        }
    }

    /** @return {@code summary} as a JSON tree */
    public static JsonNode crewSummary(CrewRunner.Summary summary) {
        return JSON.valueToTree(CrewSummaryWire.of(summary));
    }
}
