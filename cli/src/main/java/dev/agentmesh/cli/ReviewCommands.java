package dev.agentmesh.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;

/**
 * The orchestrator's review queue and timeline search (seeds/004, issue 8): {@code mesh review-queue},
 * {@code mesh mark-reviewed} and {@code mesh timeline}, each one call of the action of the same name
 * ({@code review_queue}, {@code mark_reviewed}, {@code timeline_search}) with the tool's parameters; the backend checks
 * the values, and its errors print as one line with a non-zero exit. {@code --json} prints the data.
 */
@Command
final class ReviewCommands {

    @Command(mixinStandardHelpOptions = true, name = "review-queue", description = {
            "What you still owe a review on: branches, pull-request refs and commits a peer touched (from git, offline).",
            "Each line: myAction (review-needed, re-review-suggested, merged-since-review, closed-since-review), peer, ref @ commit."})
    static int reviewQueue(@Option(names = "--peer", paramLabel = "P", description = "Only what this agent touched.") String peer,
                           @Option(names = "--all", description = "Include none-needed items (reviewed at their current commit).") boolean all,
                           @Mixin Options.As as, @Mixin Options.Json json) {
        var args = Cli.args("review_queue");
        if (peer != null) {
            args.put("peer", peer);
        }
        if (all) {
            args.put("all", true);
        }
        return Cli.action(as.as, json.json, Cli.out(), args);
    }

    @Command(mixinStandardHelpOptions = true, name = "mark-reviewed", description = {
            "Record that you reviewed REF (a branch, refs/pull/N/head, a commit id, or a pull-request URL of a remote).",
            "It leaves your review queue until it moves, is merged or is deleted."})
    static int markReviewed(@Parameters(paramLabel = "REF", description = "Branch, commit id or pull-request URL.") String ref,
                            @Option(names = "--sha", paramLabel = "SHA", description = "The commit you reviewed (default: the ref's current commit).") String sha,
                            @Mixin Options.As as, @Mixin Options.Json json) {
        var args = Cli.args("mark_reviewed").put("ref", ref);
        if (sha != null) {
            args.put("sha", sha);
        }
        return Cli.action(as.as, json.json, Cli.out(), args);
    }

    @Command(mixinStandardHelpOptions = true, name = "timeline", description = {
            "Search this project's messages, asks, jobs and feed; every word must occur (word* is a prefix). Newest first."})
    static int timeline(@Parameters(paramLabel = "QUERY", description = "The words to find.") String query,
                        @Option(names = "--kind", paramLabel = "K", description = "Only this kind: message, ask, job or feed (repeatable).") List<String> kinds,
                        @Option(names = "--peer", paramLabel = "P", description = "Only what this agent wrote.") String peer,
                        @Option(names = "--since", paramLabel = "T", description = "From this time: ISO-8601 (UTC without an offset) or epoch ms.") String since,
                        @Option(names = "--until", paramLabel = "T", description = "Before this time: ISO-8601 or epoch ms.") String until,
                        @Option(names = "--limit", paramLabel = "N", description = "At most N hits (1..200, default 20).") Integer limit,
                        @Mixin Options.As as, @Mixin Options.Json json) {
        var args = Cli.args("timeline_search").put("query", query);
        if (kinds != null) {
            kinds.forEach(args.putArray("kinds")::add);
        }
        if (peer != null) {
            args.put("peer", peer);
        }
        if (since != null) {
            args.put("since", since);
        }
        if (until != null) {
            args.put("until", until);
        }
        if (limit != null) {
            args.put("limit", limit);
        }
        return Cli.action(as.as, json.json, Cli.out(), args);
    }
}
