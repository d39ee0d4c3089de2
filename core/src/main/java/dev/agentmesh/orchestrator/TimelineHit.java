package dev.agentmesh.orchestrator;

/**
 * One hit of {@code timeline_search} (issue 8): a row of messages, asks, jobs or the feed whose text matched.
 *
 * @param kind    {@code message}, {@code ask}, {@code job} or {@code feed}
 * @param ref     the row's id, as text (a message id, an ask id, a job id, a feed event id)
 * @param actor   who wrote it (the sender, the asker, the job's owner, the feed event's actor), or null for the system
 * @param at      epoch ms of the row
 * @param snippet a short extract of its text around the match, the matched words between {@code **}
 */
public record TimelineHit(String kind, String ref, String actor, long at, String snippet) {
}
