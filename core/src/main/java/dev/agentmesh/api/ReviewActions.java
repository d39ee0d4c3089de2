package dev.agentmesh.api;

import static dev.agentmesh.api.Args.bool;
import static dev.agentmesh.api.Args.integer;
import static dev.agentmesh.api.Args.str;
import static dev.agentmesh.api.Args.strList;

import dev.agentmesh.MeshException;
import dev.agentmesh.Texts;
import dev.agentmesh.orchestrator.ReviewItem;
import dev.agentmesh.orchestrator.ReviewQueue;
import dev.agentmesh.orchestrator.Timeline;
import dev.agentmesh.orchestrator.TimelineHit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The orchestrator's review and timeline tools (seeds/004, issue 8) as API actions of the same names:
 * {@code review_queue {peer?, all?}} → {@code {"items": [item]}}, {@code mark_reviewed {ref, sha?}} → item, and
 * {@code timeline_search {query, kinds?, peer?, since?, until?, limit?}} → {@code {"hits": [hit]}}; an item is
 * {@link ReviewItem} ({@code peer, ref, sha, reviewedSha, reviewedAt, myAction}), a hit {@link TimelineHit}
 * ({@code kind, ref, actor, at, snippet}). The review actions need a joined caller (the reviewer). Thread-safe.
 */
final class ReviewActions {
    /** The three tools, for MCP, the pi extension and {@code mesh tool}. */
    static final List<ToolSpec> TOOLS = List.of(
            new ToolSpec("review_queue", """
                    What you still owe a review on: git refs (branches, pull-request refs, commits) of this project that a \
                    peer touched (authored commits the default branch lacks, or a Mesh-Agent: NAME trailer; the branch it \
                    joined on; a job's ref artifact). Each item is {peer, ref, sha, reviewedSha, reviewedAt, myAction}; \
                    myAction is review-needed (never reviewed), re-review-suggested (moved since your review), \
                    merged-since-review, closed-since-review (branch gone) or none-needed (left out unless all: true). \
                    Works offline on the local repository. Clear an item with mark_reviewed.""",
                    schema(Map.of("peer", prop("string", "Only refs this agent touched (default: every peer)."),
                            "all", prop("boolean", "Include none-needed items (default false).")), List.of())),
            new ToolSpec("mark_reviewed", """
                    Record that you reviewed a ref at a commit: it leaves your review_queue until it moves, is merged or \
                    is deleted. ref is a branch name, refs/pull/N/head, a commit id, or a pull-request URL \
                    (https://HOST/OWNER/REPO/pull/N, or .../tree/BRANCH) of a remote of this repository, mapped to the \
                    branch that tracks it or the fetched refs/pull/N/head. sha (optional) is the commit you reviewed, on \
                    the ref; default its current commit. Returns the item {peer, ref, sha, reviewedSha, reviewedAt, myAction}.""",
                    schema(Map.of("ref", prop("string", "Branch, refs/pull/N/head, commit id or pull-request URL."),
                            "sha", prop("string", "The commit reviewed, 4..64 hex digits (default: the ref's commit).")), List.of("ref"))),
            new ToolSpec("timeline_search", """
                    Full-text search over this project's messages, asks, jobs and feed. Every word of query must occur \
                    (it is searched as text; no operators; word* is a prefix; at most 1000 characters, 32 words). \
                    Filters: kinds (message, ask, job, feed), peer (the actor), since and until (ISO-8601, UTC when \
                    without offset, or epoch ms; until is exclusive), limit (default 20, at most 200). Returns \
                    {hits: [{kind, ref, actor, at, snippet}]}, newest first; at is epoch ms, the snippet marks matches with **.""",
                    schema(Map.of("query", prop("string", "The words to find."),
                            "kinds", Json.MAPPER.createObjectNode().put("type", "array").put("description", "Only these kinds.")
                                    .set("items", Json.MAPPER.createObjectNode().put("type", "string")
                                            .set("enum", Json.MAPPER.valueToTree(Timeline.KINDS))),
                            "peer", prop("string", "Only rows of this actor."),
                            "since", prop("string", "Rows at or after this time (ISO-8601 or epoch ms)."),
                            "until", prop("string", "Rows before this time (ISO-8601 or epoch ms)."),
                            "limit", prop("integer", "Most hits, 1..200 (default 20).")), List.of("query"))));

    private final ReviewQueue queue;
    private final Timeline timeline;

    ReviewActions(ReviewQueue queue, Timeline timeline) {
        this.queue = queue;
        this.timeline = timeline;
    }

    /** Adds {@code review_queue}, {@code mark_reviewed} and {@code timeline_search}, in the order of {@link MeshApi#ACTIONS}. */
    void register(Map<String, BiFunction<Caller, JsonNode, ApiResult>> actions) {
        actions.put("review_queue", this::reviewQueue);
        actions.put("mark_reviewed", (s, a) -> {
            ReviewItem item = queue.markReviewed(me(s, "mark_reviewed"), str(a, "ref", true), str(a, "sha", false));
            return new ApiResult("reviewed " + Texts.escape(item.ref()) + " at " + shortSha(item.reviewedSha())
                    + (item.peer() == null ? "" : " (touched by " + item.peer() + ")") + ": " + item.myAction(), Json.MAPPER.valueToTree(item));
        });
        actions.put("timeline_search", this::timelineSearch);
    }

    private ApiResult reviewQueue(Caller s, JsonNode a) {
        String me = me(s, "review_queue");
        String peer = str(a, "peer", false);
        List<ReviewItem> items = queue.queue(me, peer, bool(a, "all"));
        ObjectNode data = Json.MAPPER.createObjectNode();
        ArrayNode arr = data.putArray("items");
        StringBuilder sb = new StringBuilder(items.isEmpty() ? "review queue of " + me + " is empty" + (peer == null ? "" : " for " + peer)
                : "review queue of " + me + ": " + items.size() + " item(s)");
        for (ReviewItem i : items) {
            arr.add(Json.MAPPER.valueToTree(i));
            sb.append(String.format(java.util.Locale.ROOT, "%n  %-20s %-16s %s @ %s", i.myAction(), i.peer() == null ? "-" : i.peer(),
                    Texts.escape(i.ref()), i.sha() == null ? "(gone)" : shortSha(i.sha())));
            if (i.reviewedSha() != null) {
                sb.append("  reviewed ").append(shortSha(i.reviewedSha())).append(" at ").append(Instant.ofEpochMilli(i.reviewedAt()));
            }
        }
        return new ApiResult(sb.toString(), data);
    }

    private ApiResult timelineSearch(Caller s, JsonNode a) {
        String query = str(a, "query", true);
        List<TimelineHit> hits = timeline.search(query, strList(a, "kinds", false), str(a, "peer", false), time(a, "since"),
                time(a, "until"), integer(a, "limit", Timeline.DEFAULT_LIMIT));
        ObjectNode data = Json.MAPPER.createObjectNode();
        ArrayNode arr = data.putArray("hits");
        StringBuilder sb = new StringBuilder(hits.isEmpty() ? "no timeline hit for '" + Texts.quote(query, 80) + "'"
                : hits.size() + " timeline hit(s) for '" + Texts.quote(query, 80) + "', newest first:");
        for (TimelineHit h : hits) {
            arr.add(Json.MAPPER.valueToTree(h));
            sb.append("\n  ").append(Instant.ofEpochMilli(h.at())).append(' ').append(h.kind()).append(" #").append(h.ref())
                    .append(' ').append(h.actor() == null ? "(system)" : Texts.escape(h.actor())).append(": ").append(Texts.escape(h.snippet()));
        }
        return new ApiResult(sb.toString(), data);
    }

    private static Long time(JsonNode a, String key) {
        JsonNode v = a.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            return Timeline.parseTime(key, String.valueOf(v.asLong()));
        }
        if (!v.isString()) {
            throw MeshException.invalidInput("parameter '" + key + "' must be an ISO-8601 time or epoch milliseconds, not "
                    + Texts.quote(v.toString(), 40));
        }
        return v.asString().isBlank() ? null : Timeline.parseTime(key, v.asString());
    }

    private static String me(Caller s, String action) {
        if (s.agent() == null) {
            throw MeshException.invalidInput(action + " needs to know who reviews: join the mesh first (action \"join\"), or set MESH_AGENT");
        }
        return s.agent();
    }

    private static String shortSha(String sha) {
        return sha == null ? "-" : sha.substring(0, Math.min(12, sha.length()));
    }

    private static ObjectNode prop(String type, String description) {
        return Json.MAPPER.createObjectNode().put("type", type).put("description", description);
    }

    private static ObjectNode schema(Map<String, ObjectNode> props, List<String> required) {
        ObjectNode o = Json.MAPPER.createObjectNode().put("type", "object");
        ObjectNode p = o.putObject("properties");
        props.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> p.set(e.getKey(), e.getValue()));
        o.set("required", Json.MAPPER.valueToTree(required));
        return o;
    }
}
