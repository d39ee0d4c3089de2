package dev.agentmesh.server.http;

import dev.agentmesh.MeshException;
import dev.agentmesh.Texts;
import dev.agentmesh.api.Json;
import dev.agentmesh.api.LocalMeshApi;
import dev.agentmesh.crew.CrewRunner;
import dev.agentmesh.server.Supervisor;
import dev.agentmesh.server.crew.CrewJobs;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The crew runs the supervisor hosts ({@link CrewJobs}), as {@code mesh crew run} starts, follows and stops them:
 *
 * <ul>
 *   <li>{@code POST /api/v1/crew/run} with {@code {"project": ROOT, "prd": ABSOLUTE_PATH, "concurrency",
 *       "maxAttemptsPerTask", "reviewMaxIterations", "maxWaves", "timeoutSeconds", "models": {ROLE: "p/m"},
 *       "defaultModel", "replan", "modelUrl", "env": {NAME: VALUE}, "selfCommand": [ARG...]}}: starts the
 *       project's run, or finds the one running; answers {@code {"attached": bool, "startedAt": MS}}
 *       ({@code attached}: it was running, and this request's settings are ignored).</li>
 *   <li>{@code GET /api/v1/crew/events?project=ROOT&from=N} (SSE): {@code line} events ({@code {"index", "text"}},
 *       from line N, default 0) as the run prints them, then one {@code end} event (see
 *       {@link CrewJobs.Job#end}) and the stream ends; {@code error} ({@code {"message"}}) when the project has no
 *       run.</li>
 *   <li>{@code POST /api/v1/crew/stop} with {@code {"project": ROOT}}: stops the running run (its agents stop, their
 *       tasks go back to todo); answers {@code {"stopping": bool}} (false when none runs).</li>
 * </ul>
 */
final class CrewRoutes {
    private final Supervisor supervisor;

    CrewRoutes(Supervisor supervisor) {
        this.supervisor = supervisor;
    }

    void run(Context ctx) {
        supervisor.touch();
        ObjectNode body = Json.parseObject(ctx.body(), "the request");
        LocalMeshApi api = supervisor.project(text(body, "project", true));
        String prd = text(body, "prd", true);
        if (prd.indexOf('\0') >= 0 || !Path.of(prd).isAbsolute()) {
            throw MeshException.invalidInput("prd must be an absolute path, not " + Texts.quote(prd, 200));
        }
        Map<String, String> models = strings(body, "models");
        CrewRunner.Settings settings = new CrewRunner.Settings(Path.of(prd), integer(body, "concurrency"),
                integer(body, "maxAttemptsPerTask"), integer(body, "reviewMaxIterations"), integer(body, "maxWaves"),
                Duration.ofSeconds(integer(body, "timeoutSeconds")), models, text(body, "defaultModel", false),
                body.path("replan").asBoolean(false), body.has("runtime") ? text(body, "runtime", true) : "pi",
                strings(body, "runtimes"));
        List<String> self = new ArrayList<>();
        JsonNode cmd = body.path("selfCommand");
        if (!cmd.isArray() || cmd.isEmpty()) {
            throw MeshException.invalidInput("selfCommand must be a non-empty array of strings");
        }
        for (JsonNode c : cmd) {
            if (!c.isString()) {
                throw MeshException.invalidInput("selfCommand must be a non-empty array of strings");
            }
            self.add(c.asString());
        }
        var started = supervisor.crews().startOrAttach(api, new CrewJobs.Request(settings, text(body, "modelUrl", false),
                strings(body, "env"), List.copyOf(self)));
        ctx.contentType("application/json").result(Json.MAPPER.createObjectNode().put("attached", started.getValue())
                .put("startedAt", started.getKey().startedAt()).toString());
    }

    void stop(Context ctx) {
        supervisor.touch();
        ObjectNode body = Json.parseObject(ctx.body(), "the request");
        String project = supervisor.project(text(body, "project", true)).mesh().project().key();
        ctx.contentType("application/json").result(Json.MAPPER.createObjectNode()
                .put("stopping", supervisor.crews().stop(project)).toString());
    }

    void events(SseClient client) {
        String project;
        CrewJobs.Job job;
        long from;
        try {
            project = supervisor.project(client.ctx().queryParam("project")).mesh().project().key();
            String f = client.ctx().queryParam("from");
            from = f == null ? 0 : Long.parseLong(f);
            if (from < 0) {
                throw new NumberFormatException();
            }
            job = supervisor.crews().job(project).orElseThrow(() -> MeshException.invalidInput(
                    "no crew run in the supervisor for " + client.ctx().queryParam("project") + "; mesh crew run starts one"));
        } catch (MeshException | NumberFormatException e) {
            client.sendEvent("error", Json.MAPPER.createObjectNode().put("message", Texts.firstLine(
                    e instanceof NumberFormatException ? "from must be a line number (0 or more)" : e.getMessage())).toString());
            client.close();
            return;
        }
        Streams.serve(client, supervisor, CrewJobs.topic(project), Json.MAPPER.createObjectNode().put("project", project).toString(),
                from, cursor -> {
                    // read the end first: lines printed before it are all there once it is set
                    var end = job.end();
                    CrewJobs.Job.Lines unseen = job.linesFrom(cursor);
                    long next = unseen.first();
                    for (String line : unseen.lines()) {
                        client.sendEvent("line", Json.MAPPER.createObjectNode().put("index", next).put("text", line).toString());
                        next++;
                    }
                    if (end.isPresent()) {
                        client.sendEvent("end", end.get().toString());
                        client.close();
                    }
                    return next;
                }, null);
    }

    private static String text(JsonNode o, String key, boolean required) {
        return ApiRoutes.text(o, key, "", required);
    }

    private static int integer(JsonNode o, String key) {
        JsonNode v = o.get(key);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToInt()) {
            throw MeshException.invalidInput(key + " must be an integer, not " + (v == null ? "missing" : Texts.oneLine(v.toString(), 80)));
        }
        return v.asInt();
    }

    private static Map<String, String> strings(JsonNode o, String key) {
        JsonNode v = o.path(key);
        Map<String, String> m = new HashMap<>();
        if (v.isMissingNode() || v.isNull()) {
            return m;
        }
        if (!v.isObject()) {
            throw MeshException.invalidInput(key + " must be an object of strings");
        }
        for (var e : v.properties()) {
            if (!e.getValue().isString()) {
                throw MeshException.invalidInput(key + "." + e.getKey() + " must be a string");
            }
            m.put(e.getKey(), e.getValue().asString());
        }
        return m;
    }
}
