package dev.agentmesh.api;

import static dev.agentmesh.api.Args.bool;
import static dev.agentmesh.api.Args.str;

import dev.agentmesh.MeshException;
import dev.agentmesh.Texts;
import dev.agentmesh.agents.AgentProfiles;
import dev.agentmesh.project.Project;
import dev.agentmesh.team.TeamCatalog;
import dev.agentmesh.team.TeamErrors;
import dev.agentmesh.team.TeamEvent;
import dev.agentmesh.team.TeamHost;
import dev.agentmesh.team.TeamLimits;
import dev.agentmesh.team.TeamPlan;
import dev.agentmesh.team.TeamPlanner;
import dev.agentmesh.team.TeamRun;
import dev.agentmesh.team.TeamRuns;
import dev.agentmesh.team.TeamStep;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * The {@code agent_team} actions of pi-multiagent (seeds/002) as API actions {@code team.catalog},
 * {@code team.start}, {@code team.run_status}, {@code team.step_result}, {@code team.message}, {@code team.cancel}
 * and {@code team.cleanup}; the {@code agent_team} tool of MCP, the pi extension and {@code mesh team} map the
 * seed's {@code action} to these. Runs are rows of the store ({@link TeamRuns}), so the read actions and
 * {@code cleanup} work from any session of the project, with or without a supervisor; {@code start},
 * {@code message} and {@code cancel} need the supervisor's {@link TeamHost}. Thread-safe.
 */
final class TeamActions {
    /** Most events {@code debugEvents: true} returns at once. */
    static final int MAX_DEBUG_EVENTS = 200;

    private final Project project;
    private final TeamRuns runs;
    private final Supplier<TeamHost> host;

    TeamActions(Project project, TeamRuns runs, Supplier<TeamHost> host) {
        this.project = project;
        this.runs = runs;
        this.host = host;
    }

    /** Adds the seven actions to {@code actions}, in the order of {@link MeshApi#ACTIONS}. */
    void register(Map<String, BiFunction<Caller, JsonNode, ApiResult>> actions) {
        actions.put("team.catalog", (s, a) -> {
            TeamPlanner.checkActionArgs("catalog", a);
            TeamCatalog.Listing l = TeamCatalog.catalog(profiles(), a);
            return new ApiResult(l.text(), l.data());
        });
        actions.put("team.start", this::start);
        actions.put("team.run_status", this::runStatus);
        actions.put("team.step_result", this::stepResult);
        actions.put("team.message", this::message);
        actions.put("team.cancel", (s, a) -> {
            TeamRun r = host("cancel").cancel(runId(a));
            return new ApiResult("run " + r.runId() + " is " + r.status() + (r.diagnostic() == null ? "" : ": " + r.diagnostic()),
                    runJson(r, runs.steps(r.runId()), false));
        });
        actions.put("team.cleanup", this::cleanup);
    }

    private AgentProfiles profiles() {
        return AgentProfiles.forProject(project.root(), System.getenv());
    }

    private TeamHost host(String action) {
        TeamHost h = host.get();
        if (h == null) {
            throw TeamErrors.invalid("agent_team " + action + " needs the supervisor, which runs the steps' agents; this call runs"
                    + " without one (MESH_SERVE=off).", "unset MESH_SERVE: the CLI, MCP and the pi extension then reach the supervisor,"
                    + " starting it when none runs.");
        }
        return h;
    }

    private ApiResult start(Caller s, JsonNode a) {
        TeamPlanner.checkActionArgs("start", a);
        Path cwd = invocationCwd(s);
        JsonNode graph = a.has("graphFile") ? TeamPlanner.readGraphFile(cwd, str(a, "graphFile", true)) : a.get("graph");
        String runtime = s.runtime() != null && List.of("pi", "claude", "codex").contains(s.runtime()) ? s.runtime() : "pi";
        TeamPlan plan = TeamPlanner.plan(graph, new TeamPlanner.Context(cwd, profiles(), runtime));
        TeamPlanner.Notices notices = TeamPlanner.Notices.parse(a.get("notices"));
        TeamRun run = host("start").start(plan, s.agent(), notices.mode(), notices.maxNotices(), notices.minIntervalSeconds(), cwd);
        List<TeamStep> steps = runs.steps(run.runId());
        StringBuilder sb = new StringBuilder("started agent_team run " + run.runId() + ": " + plan.steps().size() + " step(s), sinks "
                + String.join(", ", plan.sinks().stream().map(TeamPlan.StepPlan::id).toList()) + "; artifacts " + rel(run.artifacts()));
        sb.append("\nnotices: ").append(notices.mode()).append(run.owner() == null ? " (none delivered: the caller has not joined the mesh)" : " to " + run.owner());
        sb.append("\nnext: run_status {\"runId\": \"").append(run.runId()).append("\", \"waitSeconds\": 30}");
        return new ApiResult(sb.toString(), runJson(run, steps, false));
    }

    /** The caller's cwd when it is inside the project, else the project root; as a real path. */
    private Path invocationCwd(Caller s) {
        Path root = real(project.root());
        Path cwd = s.cwd() == null ? root : real(s.cwd());
        return cwd.startsWith(root) ? cwd : root;
    }

    private static Path real(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize();
        }
    }

    private ApiResult runStatus(Caller s, JsonNode a) {
        if (!a.has("runId")) {
            return listRuns();
        }
        TeamRun run = runs.get(runId(a));
        String stepId = str(a, "stepId", false);
        if (stepId != null && run.plan().step(stepId) == null) {
            throw unknownStep(run, stepId);
        }
        Long cursor = cursor(a);
        TeamRuns.Wait wait = null;
        if (a.has("waitSeconds")) {
            int seconds = Args.integer(a, "waitSeconds", 0);
            if (seconds < 0 || seconds > TeamLimits.MAX_WAIT_SECONDS) {
                throw TeamErrors.invalid("waitSeconds " + seconds + " is outside 0.." + TeamLimits.MAX_WAIT_SECONDS + ".",
                        "wait at most " + TeamLimits.MAX_WAIT_SECONDS + " s per call; call run_status again with the returned cursor.");
            }
            wait = runs.await(run.runId(), cursor, stepId, Duration.ofSeconds(seconds));
            run = runs.get(run.runId());
        }
        List<TeamStep> steps = runs.steps(run.runId());
        boolean preview = bool(a, "preview");
        ObjectNode data = runJson(run, steps, preview);
        long now = runs.cursor(run.runId());
        data.put("cursor", String.valueOf(wait == null ? now : wait.cursor()));
        StringBuilder sb = new StringBuilder(statusText(run, steps, preview));
        if (wait != null) {
            data.putObject("wait").put("receipt", wait.receipt()).put("cursor", String.valueOf(wait.cursor())).put("waitedMs", wait.waitedMs());
            sb.append("\nwait: ").append(wait.receipt()).append(" after ").append(wait.waitedMs()).append(" ms");
        }
        sb.append("\nCursor: ").append(wait == null ? now : wait.cursor());
        if (bool(a, "debugEvents")) {
            ArrayNode events = data.putArray("events");
            for (TeamEvent e : runs.events(run.runId(), cursor == null ? 0 : cursor, stepId, false, MAX_DEBUG_EVENTS)) {
                events.add(Json.MAPPER.valueToTree(e));
                sb.append("\n  #").append(e.seq()).append(' ').append(Texts.clock(e.at())).append(' ')
                        .append(e.stepId() == null ? "run" : e.stepId()).append(' ').append(e.kind()).append(": ").append(Texts.escape(e.text()));
            }
        }
        return new ApiResult(sb.toString(), data);
    }

    private ApiResult listRuns() {
        List<TeamRun> all = runs.list();
        ArrayNode arr = Json.MAPPER.createArrayNode();
        StringBuilder sb = new StringBuilder(all.isEmpty() ? "no agent_team runs in this project" : all.size() + " agent_team run(s):");
        for (TeamRun r : all) {
            arr.add(runJson(r, runs.steps(r.runId()), false));
            sb.append("\n  ").append(r.runId()).append(' ').append(r.status()).append("  ").append(Texts.oneLine(r.objective(), 80));
        }
        ObjectNode data = Json.MAPPER.createObjectNode();
        data.set("runs", arr);
        return new ApiResult(sb.toString(), data);
    }

    private ApiResult stepResult(Caller s, JsonNode a) {
        TeamRun run = runs.get(runId(a));
        String stepId = str(a, "stepId", true);
        TeamStep step = runs.steps(run.runId()).stream().filter(x -> x.stepId().equals(stepId)).findFirst()
                .orElseThrow(() -> unknownStep(run, stepId));
        boolean preview = bool(a, "preview");
        ObjectNode data = stepJson(run, step, preview);
        StringBuilder sb = new StringBuilder("step " + step.stepId() + " of " + run.runId() + ": " + step.status()
                + (step.failure() == null ? "" : " (" + step.failure() + ")"));
        if (step.artifact() != null) {
            sb.append("\nartifact: ").append(step.artifact()).append(step.status().equals(TeamStep.SUCCEEDED) ? "" : " (non-final evidence)");
        }
        if (preview) {
            String text = previewText(run, step);
            sb.append("\n\n").append(text == null ? "(no assistant text yet)" : text);
        } else {
            sb.append("\n(pass preview: true to see its text)");
        }
        return new ApiResult(sb.toString(), data);
    }

    private ApiResult message(Caller s, JsonNode a) {
        String runId = runId(a);
        TeamRun run = runs.get(runId);
        String stepId = str(a, "stepId", true);
        if (run.plan().step(stepId) == null) {
            throw unknownStep(run, stepId);
        }
        String mode = str(a, "mode", false);
        mode = mode == null ? "steer" : mode;
        if (!mode.equals("steer") && !mode.equals("follow_up")) {
            throw TeamErrors.invalid("mode '" + Texts.quote(mode, 40) + "' is not a message mode.", "use steer or follow_up.");
        }
        String text = str(a, "message", false);
        if (text == null || text.isBlank() || text.length() > TeamLimits.MAX_MESSAGE_CHARS_PER_STEP) {
            throw TeamErrors.invalid("'message' " + (text == null ? "is empty" : text.isBlank() ? "is blank" : "has " + text.length()
                    + " characters") + "; it must have 1.." + TeamLimits.MAX_MESSAGE_CHARS_PER_STEP + " characters.",
                    "send one concrete clarification for the running step.");
        }
        String key = str(a, "key", false);
        if (key != null && (key.isEmpty() || key.length() > 200 || key.codePoints().anyMatch(Character::isISOControl))) {
            throw TeamErrors.invalid("message key '" + Texts.quote(key, 40) + "' must have 1..200 characters and no control characters.",
                    "use a short key of your own, such as scope-fix-1.");
        }
        ObjectNode receipt = host("message").message(runId, stepId, mode, text, key);
        String status = receipt.path("status").asString("");
        return new ApiResult("message to " + stepId + " of " + runId + ": " + status + (receipt.path("duplicate").asBoolean(false) ? " (duplicate key: the first receipt)" : "")
                + (receipt.has("reason") ? ": " + receipt.path("reason").asString() : "")
                + (status.equals("accepted") ? "\naccepted for delivery to the live child; not read, obeyed or completed" : ""), receipt);
    }

    private ApiResult cleanup(Caller s, JsonNode a) {
        TeamRun r = runs.cleanup(runId(a));
        Path dir = r.artifacts();
        int deleted = TeamRuns.deleteArtifacts(project.meshDir().resolve("team"), r);
        return new ApiResult("cleaned up run " + r.runId() + " (" + r.status() + "): its state and " + deleted + " artifact file(s) in "
                + rel(dir) + " are deleted", Json.MAPPER.createObjectNode().put("runId", r.runId()).put("status", r.status())
                .put("deletedFiles", deleted).put("artifacts", dir.toString()));
    }

    private static String runId(JsonNode a) {
        String id = str(a, "runId", true);
        if (!id.matches("r[1-9][0-9]{0,6}")) {
            throw TeamErrors.invalid("runId '" + Texts.quote(id, 40) + "' is not a run handle.", "use the short runId start returned, such as r1.");
        }
        return id;
    }

    private static Long cursor(JsonNode a) {
        JsonNode c = a.get("cursor");
        if (c == null || c.isNull()) {
            return null;
        }
        String text = c.isNumber() ? c.asString() : c.isString() ? c.asString() : "";
        if (!text.matches("[0-9]{1,18}")) {
            throw TeamErrors.invalid("cursor '" + Texts.quote(c.isString() ? c.asString() : c.toString(), 40) + "' is not a cursor.",
                    "pass back the Cursor value run_status returned, or omit it.");
        }
        return Long.parseLong(text);
    }

    private static MeshException unknownStep(TeamRun run, String stepId) {
        return TeamErrors.invalid("run " + run.runId() + " has no step '" + Texts.quote(stepId, 64) + "'.",
                "use one of: " + String.join(", ", run.plan().steps().stream().map(TeamPlan.StepPlan::id).toList()) + ".");
    }

    private String statusText(TeamRun run, List<TeamStep> steps, boolean preview) {
        long done = steps.stream().filter(TeamStep::terminal).count();
        StringBuilder sb = new StringBuilder("run " + run.runId() + " " + run.status() + " · " + done + "/" + steps.size() + " steps ended · "
                + Texts.oneLine(run.objective(), 120));
        if (run.diagnostic() != null) {
            sb.append("\n  diagnostic: ").append(Texts.escape(run.diagnostic()));
        }
        for (TeamStep st : steps) {
            TeamPlan.StepPlan p = run.plan().step(st.stepId());
            sb.append("\n  ").append(st.stepId()).append("  ").append(st.status())
                    .append(st.failure() == null ? "" : " (" + Texts.oneLine(st.failure(), 160) + ")")
                    .append("  ").append(p == null || p.agentRef() == null ? "inline" : p.agentRef())
                    .append("  ").append(st.runtime()).append(st.model() == null ? "" : " " + st.model())
                    .append(st.thinking() == null ? "" : ":" + st.thinking())
                    .append("  tools ").append(String.join(",", st.tools()));
            if (st.startedAt() != null) {
                long end = st.endedAt() != null ? st.endedAt() : System.currentTimeMillis();
                sb.append(String.format(java.util.Locale.ROOT, "  %.1fs", (end - st.startedAt()) / 1000.0));
            }
            if (st.artifact() != null) {
                sb.append("\n    artifact ").append(rel(Path.of(st.artifact()))).append(st.status().equals(TeamStep.SUCCEEDED) ? "" : " (non-final evidence)");
            } else if (st.lastActivity() != null && !st.terminal()) {
                sb.append("\n    last: ").append(Texts.oneLine(st.lastActivity(), 160));
            }
            if (preview) {
                String text = previewText(run, st);
                if (text != null) {
                    sb.append("\n    ").append(text.replace("\n", "\n    "));
                }
            }
        }
        sb.append("\n  sinks: ").append(String.join(", ", run.plan().sinks().stream().map(TeamPlan.StepPlan::id).toList()));
        if (run.terminal() && run.expiresAt() != null) {
            sb.append("\n  retained until ").append(java.time.Instant.ofEpochMilli(run.expiresAt())).append("; cleanup deletes it sooner");
        }
        return sb.toString();
    }

    /** A step's text for {@code preview: true}: its final (or non-final evidence), or a live step's text so far; 6,000 characters. */
    private String previewText(TeamRun run, TeamStep st) {
        String text = null;
        if (st.artifact() != null) {
            try {
                text = Files.readString(Path.of(st.artifact()));
            } catch (IOException e) {
                text = "(artifact unreadable: " + e.getMessage() + ")";
            }
        } else if (!st.terminal()) {
            TeamHost h = host.get();
            text = h == null ? null : h.liveText(run.runId(), st.stepId());
        }
        if (text == null) {
            return null;
        }
        return text.length() <= TeamLimits.FINAL_PREVIEW_CHARS ? text
                : text.substring(0, TeamLimits.FINAL_PREVIEW_CHARS) + "\n[... " + (text.length() - TeamLimits.FINAL_PREVIEW_CHARS)
                + " more characters in " + st.artifact() + "]";
    }

    private ObjectNode runJson(TeamRun run, List<TeamStep> steps, boolean preview) {
        ObjectNode o = Json.MAPPER.createObjectNode().put("runId", run.runId()).put("status", run.status())
                .put("objective", run.objective()).put("owner", run.owner()).put("artifacts", run.artifacts().toString())
                .put("manifest", run.artifacts().resolve("manifest.json").toString()).put("diagnostic", run.diagnostic())
                .put("createdAt", run.createdAt());
        o.put("endedAt", run.endedAt());
        o.put("expiresAt", run.expiresAt());
        o.putObject("notices").put("mode", run.noticeMode()).put("maxNotices", run.maxNotices())
                .put("minIntervalSeconds", run.noticeInterval()).put("sent", run.noticesSent());
        o.set("limits", Json.MAPPER.valueToTree(run.plan().limits()));
        ArrayNode sinks = o.putArray("sinks");
        run.plan().sinks().forEach(x -> sinks.add(x.id()));
        ArrayNode arr = o.putArray("steps");
        steps.forEach(st -> arr.add(stepJson(run, st, preview)));
        return o;
    }

    private ObjectNode stepJson(TeamRun run, TeamStep st, boolean preview) {
        TeamPlan.StepPlan p = run.plan().step(st.stepId());
        ObjectNode o = Json.MAPPER.createObjectNode().put("stepId", st.stepId()).put("status", st.status())
                .put("agent", p == null || p.agentRef() == null ? "inline" : p.agentRef()).put("runtime", st.runtime())
                .put("model", st.model()).put("thinking", st.thinking()).put("cwd", st.cwd()).put("failure", st.failure())
                .put("artifact", st.artifact()).put("final", st.status().equals(TeamStep.SUCCEEDED));
        o.set("tools", Json.MAPPER.valueToTree(st.tools()));
        if (p != null) {
            o.set("needs", Json.MAPPER.valueToTree(p.needs()));
            o.set("after", Json.MAPPER.valueToTree(p.after()));
        }
        o.put("pid", st.pid());
        o.put("startedAt", st.startedAt());
        o.put("endedAt", st.endedAt());
        o.put("finalChars", st.finalChars());
        o.putObject("usage").put("inputTokens", st.inputTokens()).put("outputTokens", st.outputTokens()).put("costUsd", st.costUsd())
                .put("toolCalls", st.toolCalls());
        o.put("lastActivity", st.lastActivity());
        o.putObject("messages").put("sent", st.messages()).put("chars", st.messageChars());
        if (preview) {
            o.put("preview", previewText(run, st));
        }
        return o;
    }

    private String rel(Path p) {
        Path root = project.root().toAbsolutePath();
        Path abs = p.toAbsolutePath();
        return abs.startsWith(root) ? root.relativize(abs).toString() : abs.toString();
    }
}
