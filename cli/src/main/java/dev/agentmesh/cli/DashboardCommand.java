package dev.agentmesh.cli;

import dev.agentmesh.MeshException;
import dev.agentmesh.Texts;
import dev.agentmesh.api.Caller;
import dev.agentmesh.api.Json;
import dev.agentmesh.api.MeshApi;
import dev.agentmesh.cli.client.RemoteMeshApi;
import dev.agentmesh.server.RunFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code mesh dashboard}: prints a one-time login link to the web dashboard of this project (issue 8) and opens it
 * in a browser. The dashboard is served by the supervisor (started, as for every command, when none runs); the
 * person at the terminal is its human participant: the agent this shell joined as ({@code --as},
 * {@code MESH_AGENT}, or the CLI's session file), joined now (runtime {@code human}) when it has not joined or has
 * left, so later {@code mesh} commands of this shell act as the same participant. The link
 * ({@code http://127.0.0.1:PORT/dashboard/login?code=CODE}) works once, for 120 s; it is opened with
 * {@code xdg-open} when a display exists ({@code DISPLAY} or {@code WAYLAND_DISPLAY}) unless {@code --no-open}.
 * {@code --json} prints {@code {"url", "code", "expiresAt", "agent", "project", "opened"}}.
 */
@Command(name = "dashboard", description = {"Open the web dashboard of this project: prints a one-time login link (valid 120 s) and opens it.",
        "You act in it as the human participant of this shell (joined now when it has not joined)."})
final class DashboardCommand implements Callable<Integer> {
    @Mixin
    Options.As as;
    @Mixin
    Options.Json json;
    @Option(names = "--no-open", description = "Only print the link; do not start a browser.")
    boolean noOpen;

    @Override
    public Integer call() {
        MeshApi api = Cli.api();
        if (!(api instanceof RemoteMeshApi remote)) {
            throw MeshException.invalidInput("the dashboard is served by the supervisor, and MESH_SERVE=off runs none: unset MESH_SERVE");
        }
        Caller human = human(api);
        String project = Cli.meshEnv().project().root().toString();
        ObjectNode request = Json.MAPPER.createObjectNode().put("project", project).put("agent", human.agent()).put("token", human.token());
        JsonNode code = post(remote.server(), "/api/v1/dashboard/login-code", request.toString());
        String url = code.path("url").asString();
        boolean opened = !noOpen && open(url);
        if (json.json) {
            ObjectNode out = Json.MAPPER.createObjectNode().put("url", url).put("code", code.path("code").asString())
                    .put("expiresAt", code.path("expiresAt").asLong()).put("agent", human.agent()).put("project", project)
                    .put("opened", opened);
            Cli.print(Cli.out(), true, null, out);
        } else {
            Cli.out().println("dashboard of " + project + ", as " + human.agent() + " (the link works once, for "
                    + code.path("seconds").asLong(120) + " s):");
            Cli.out().println(url);
            Cli.out().println(opened ? "opened in your browser" : noOpen ? "open it in a browser on this machine"
                    : "no display here (DISPLAY is unset) or no xdg-open: open it in a browser on this machine");
            Cli.out().flush();
        }
        return 0;
    }

    /** @return the human participant of this shell, joined (again) unless it is present and its token holds */
    private Caller human(MeshApi api) {
        Caller found = Cli.caller(as.as, "cli");
        Caller c = new Caller(found.agent(), found.cwd(), found.pid(), "human", found.model()).token(found.token());
        if (c.agent() != null && c.token() != null) {
            try {
                boolean present = api.call(c, Cli.args("whois").put("name", c.agent())).data().path("present").asBoolean();
                // a peek at the inbox changes nothing and needs the agent's token: it proves this shell holds it
                api.call(c, Cli.args("inbox").put("peek", true).put("limit", 1));
                if (present) {
                    return c;
                }
            } catch (MeshException e) {
                // unknown, left, or a stale token: join below says what is wrong if it cannot
            }
        }
        ObjectNode join = Cli.args("join");
        if (c.agent() != null) {
            join.put("name", c.agent());
        }
        String name = c.agent();
        String token = c.token();
        api.call(c, join);
        Cli.remember(c, name, token, join);
        return c;
    }

    /** Starts {@code xdg-open URL} without waiting for it; @return whether it started */
    private static boolean open(String url) {
        var env = Cli.env();
        if (isBlank(env.get("DISPLAY")) && isBlank(env.get("WAYLAND_DISPLAY"))) {
            return false;
        }
        Path opener = null;
        for (String dir : env.getOrDefault("PATH", "").split(":")) {
            if (!dir.isBlank() && Files.isExecutable(Path.of(dir, "xdg-open"))) {
                opener = Path.of(dir, "xdg-open");
                break;
            }
        }
        if (opener == null) {
            return false;
        }
        try {
            new ProcessBuilder(opener.toString(), url).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }

    /**
     * @return the JSON answer of the supervisor's route {@code path} to {@code body}
     * @throws MeshException as the supervisor refused it (its error's kind and message), or unexpected state when
     *                       it does not answer
     */
    static JsonNode post(RunFile server, String path, String body) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create(server.url() + path).toURL().openConnection(java.net.Proxy.NO_PROXY);
            c.setConnectTimeout(5_000);
            c.setReadTimeout(30_000);
            c.setRequestMethod("POST");
            c.setRequestProperty("Authorization", "Bearer " + server.secret());
            c.setRequestProperty("Content-Type", "application/json");
            c.setDoOutput(true);
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            c.setFixedLengthStreamingMode(bytes.length);
            try (var out = c.getOutputStream()) {
                out.write(bytes);
            }
            int status = c.getResponseCode();
            InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
            String text;
            try (in) {
                text = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            JsonNode answer;
            try {
                answer = Json.MAPPER.readTree(text);
            } catch (RuntimeException e) {
                answer = Json.MAPPER.createObjectNode();
            }
            if (status == 200) {
                return answer;
            }
            String message = answer.path("error").path("message").asString("HTTP " + status + ": " + Texts.oneLine(text, 200));
            throw "invalid_input".equals(answer.path("error").path("kind").asString(""))
                    ? MeshException.invalidInput(message) : MeshException.unexpectedState(message);
        } catch (IOException e) {
            throw MeshException.unexpectedState("the supervisor at " + server.url() + " did not answer: " + e.getMessage());
        }
    }
}
