package dev.agentmesh.cli;

import dev.agentmesh.server.RunFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code mesh serve} as real processes see it: one supervisor per store however many start, found by clients
 * through its run file, started detached by the first client that needs it, nothing acknowledged lost when it
 * is SIGKILLed, messages pushed on its event stream as they commit, and foreign or unauthenticated requests
 * refused. Every supervisor a test starts is stopped by pid.
 */
class SupervisorIT {
    @TempDir
    Path tmp;
    private Path repo;
    private Path store;
    private Map<String, String> env;
    private final List<Long> started = new ArrayList<>();

    @BeforeEach
    void aRepository() throws Exception {
        var r = ItSupport.SupervisedRepo.in(tmp);
        repo = r.repo();
        store = r.store();
        env = r.env();
    }

    @AfterEach
    void stopEverySupervisor() {
        ItSupport.killSupervisors(store, started);
    }

    @Test
    void twoSupervisorsStartedAtOnceLeaveOneRunningAndTheOtherSaysWhich() throws Exception {
        Process a = ItSupport.start(repo, env, tmp.resolve("a.log"), "serve");
        Process b = ItSupport.start(repo, env, tmp.resolve("b.log"), "serve");
        started.add(a.pid());
        started.add(b.pid());
        Process loser = null;
        long deadline = System.currentTimeMillis() + 60_000;
        while (loser == null && System.currentTimeMillis() < deadline) {
            loser = !a.isAlive() ? a : !b.isAlive() ? b : null;
            Thread.sleep(50);
        }
        assertThat(loser).as("one of the two exits").isNotNull();
        Process winner = loser == a ? b : a;
        assertThat(loser.exitValue()).isZero();
        RunFile rf = ItSupport.awaitRunFile(store, winner);
        String said = Files.readString(tmp.resolve(loser == a ? "a.log" : "b.log"));
        assertThat(said).contains("a supervisor already runs for " + store + " (pid " + rf.pid() + ", " + rf.url() + ")");
        assertThat(winner.isAlive()).isTrue();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(RunFile.pathFor(store)))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store))).isEqualTo("rw-------");
    }

    @Test
    void aClientStartsOneDetachedAndMeshServeStopStopsIt() throws Exception {
        assertThat(ItSupport.mesh(repo, env, Duration.ofSeconds(90), "join", "--name", "Ann").exitCode()).isZero();
        RunFile rf = RunFile.read(store).orElseThrow(() -> new AssertionError("no run file after the first command"));
        started.add(rf.pid());
        assertThat(rf.alive()).isTrue();
        var status = ItSupport.mesh(repo, env, Duration.ofSeconds(90), "serve", "--status");
        assertThat(status.exitCode()).isZero();
        assertThat(status.out()).startsWith("running: pid " + rf.pid() + ", " + rf.url());
        var stop = ItSupport.mesh(repo, env, Duration.ofSeconds(90), "serve", "--stop");
        assertThat(stop.exitCode()).isZero();
        assertThat(ProcessHandle.of(rf.pid()).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(ItSupport.mesh(repo, env, Duration.ofSeconds(90), "serve", "--status").exitCode()).isEqualTo(3);
    }

    @Test
    void aKilledSupervisorLosesNoAcknowledgedMessageAndTheNextClientStartsANewOne() throws Exception {
        mesh("join", "--name", "Ann");
        mesh("join", "--name", "Bob");
        for (int i = 1; i <= 5; i++) {
            assertThat(mesh("send", "Bob", "note " + i, "--as", "Ann")).startsWith("sent #" + i);
        }
        RunFile first = RunFile.read(store).orElseThrow();
        ProcessHandle.of(first.pid()).orElseThrow().destroyForcibly();
        ProcessHandle.of(first.pid()).ifPresent(h -> h.onExit().join());

        String inbox = mesh("inbox", "--as", "Bob");
        RunFile second = RunFile.read(store).orElseThrow();
        started.add(second.pid());
        assertThat(second.pid()).isNotEqualTo(first.pid());
        assertThat(inbox).startsWith("5 message(s)").contains("Ann: note 1").contains("Ann: note 5");
    }

    @Test
    void anAgentJoinedFromASubshellIsTiedToTheAgentProcessAndOutlivesTheShell() throws Exception {
        // as an agent's shell tool runs it: bash -c, itself under timeout; the agent here is this test's JVM
        ItSupport.run(repo, "env", "MESH_STORE=" + store, "timeout", "60", "bash", "-c", ItSupport.repoRoot().resolve("bin/mesh") + " join --name Sub");
        String whois = mesh("whois", "Sub", "--json");
        assertThat(tools.jackson.databind.json.JsonMapper.builder().build().readTree(whois).path("pid").asLong())
                .as("the pid recorded: the agent's, not the shell's that ended").isEqualTo(ProcessHandle.current().pid());
        // past the reaper's grace and a few of its rounds, Sub is still here
        Thread.sleep(dev.agentmesh.mesh.Presence.REAP_GRACE.toMillis() + 5_000);
        assertThat(mesh("list")).contains("Sub");
    }

    @Test
    void aMessageIsPushedOnTheRecipientsEventStreamAsItCommits() throws Exception {
        mesh("join", "--name", "Ann");
        String token = dev.agentmesh.api.Json.MAPPER.readTree(mesh("join", "--name", "Bob", "--json")).path("token").asString();
        assertThat(token).as("join hands out the agent's token").hasSizeGreaterThan(30);
        mesh("send", "Bob", "waiting before the stream opened", "--as", "Ann");
        RunFile rf = RunFile.read(store).orElseThrow();
        started.add(rf.pid());
        HttpClient http = HttpClient.newHttpClient();
        BlockingQueue<String> lines = stream(http, rf, "Bob", token);
        assertThat(next(lines, "data: ")).contains("\"agent\":\"Bob\"");
        assertThat(next(lines, "data: ")).contains("waiting before the stream opened");
        mesh("send", "Bob", "pushed while connected", "--as", "Ann");
        assertThat(next(lines, "data: ")).contains("pushed while connected").contains("\"sender\":\"Ann\"");
        assertThat(mesh("inbox", "--peek", "--as", "Bob")).as("pushed, not yet acknowledged: still pending")
                .startsWith("2 message(s)");
        BlockingQueue<String> again = stream(http, rf, "Bob", token);
        assertThat(next(again, "data: ")).contains("\"agent\":\"Bob\"");
        assertThat(next(again, "data: ")).as("a new stream pushes what was never acknowledged").contains("waiting before the stream opened");
        assertThat(next(again, "data: ")).contains("pushed while connected");
        String ack = "{\"caller\":{\"project\":\"" + repo + "\",\"cwd\":\"" + repo + "\",\"agent\":\"Bob\",\"token\":\"" + token + "\"},"
                + "\"args\":{\"action\":\"inbox.ack\",\"ids\":[1,\"#2\"]}}";
        HttpResponse<String> acked = post(http, rf, ack, "Bearer " + rf.secret(), null);
        assertThat(acked.body()).as(acked.body()).contains("acknowledged 2 message(s)");
        assertThat(mesh("inbox", "--as", "Bob")).as("acknowledged messages are not handed out again")
                .isEqualTo("no new messages\n");
    }

    @Test
    void aPersonAtATerminalJoinsAsAHumanAndTheirShellActsAsThem() throws Exception {
        // script(1) gives the commands a terminal, as a person's shell has; its shell runs both commands
        ProcessBuilder pb = new ProcessBuilder("script", "-qec", "'" + ItSupport.repoRoot().resolve("bin/mesh")
                + "' join --name Pat; '" + ItSupport.repoRoot().resolve("bin/mesh") + "' list", "/dev/null")
                .directory(repo.toFile()).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(said).isZero();
        assertThat(said).contains("joined as Pat").containsPattern("Pat \\(you\\) +human");
        assertThat(mesh("list", "--all")).as("another process is not Pat").contains("Pat").doesNotContain("(you)");
    }

    @Test
    void aProcessThatKnowsOnlyANameCannotActAsThatAgent() throws Exception {
        mesh("join", "--name", "Ann");
        String annToken = dev.agentmesh.api.Json.MAPPER.readTree(mesh("join", "--name", "Ann", "--json")).path("token").asString();
        mesh("join", "--name", "Bob");
        mesh("send", "Bob", "for Bob only", "--as", "Ann");
        mesh("reserve", "src/", "--as", "Bob");
        RunFile rf = RunFile.read(store).orElseThrow();
        started.add(rf.pid());
        HttpClient http = HttpClient.newHttpClient();
        // the secret of the run file alone is not Bob: no token, and Ann's token, are both refused
        for (String token : new String[]{null, annToken, "forged"}) {
            for (String action : new String[]{"{\"action\":\"inbox\"}", "{\"action\":\"release\"}", "{\"action\":\"leave\"}",
                    "{\"action\":\"send\",\"to\":\"Ann\",\"message\":\"forged\"}"}) {
                String body = "{\"caller\":{\"project\":\"" + repo + "\",\"cwd\":\"" + repo + "\",\"agent\":\"Bob\""
                        + (token == null ? "" : ",\"token\":\"" + token + "\"") + "},\"args\":" + action + "}";
                HttpResponse<String> r = post(http, rf, body, "Bearer " + rf.secret(), null);
                assertThat(r.statusCode()).as(action + " " + r.body()).isEqualTo(400);
                assertThat(r.body()).contains(token == null ? "acting as Bob needs its token" : "the token given is not Bob's");
            }
        }
        // nor does naming Bob's pid (whois shows it) take his name over with a join
        String takeover = "{\"caller\":{\"project\":\"" + repo + "\",\"cwd\":\"" + repo + "\",\"pid\":" + ProcessHandle.current().pid()
                + "},\"args\":{\"action\":\"join\",\"name\":\"Bob\"}}";
        HttpResponse<String> taken = post(http, rf, takeover, "Bearer " + rf.secret(), null);
        assertThat(taken.statusCode()).as(taken.body()).isEqualTo(409);
        assertThat(taken.body()).contains("name Bob is taken by a live agent").doesNotContain("\"token\"");
        HttpResponse<String> noToken = http.send(HttpRequest.newBuilder(URI.create(rf.url() + "/api/v1/events?project="
                        + java.net.URLEncoder.encode(repo.toString(), StandardCharsets.UTF_8) + "&agent=Bob"))
                .header("Authorization", "Bearer " + rf.secret()).header("X-Mesh-Token", annToken)
                        .header("Accept", "text/event-stream").timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(noToken.body()).as("Ann's token opens no stream of Bob's").contains("the token given is not Bob's");
        // the CLI run by another agent process (python here: its own session file, no MESH_AGENT_TOKEN) is refused
        ProcessBuilder other = new ProcessBuilder("python3", "-c", "import subprocess,sys; sys.exit(subprocess.run(sys.argv[1:]).returncode)",
                ItSupport.repoRoot().resolve("bin/mesh").toString(), "inbox", "--as", "Bob").directory(repo.toFile())
                .redirectErrorStream(true);
        other.environment().putAll(env);
        Process p = other.start();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(said).isNotZero();
        assertThat(said).contains("acting as Bob needs its token").doesNotContain("for Bob only");
        assertThat(mesh("inbox", "--peek", "--as", "Bob")).as("Bob's own session still reads it").contains("for Bob only");
        assertThat(mesh("reservations")).as("nothing was released").contains("src/");
        assertThat(mesh("list")).as("nobody was made to leave").contains("Bob");
    }

    /** Opens the agent's event stream; @return the queue its lines arrive in */
    private BlockingQueue<String> stream(HttpClient http, RunFile rf, String agent, String token) throws Exception {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        HttpRequest req = HttpRequest.newBuilder(URI.create(rf.url() + "/api/v1/events?project="
                        + java.net.URLEncoder.encode(repo.toString(), StandardCharsets.UTF_8) + "&agent=" + agent))
                .header("Authorization", "Bearer " + rf.secret()).header("X-Mesh-Token", token)
                .header("Accept", "text/event-stream").build();
        HttpResponse<InputStream> resp = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(resp.statusCode()).isEqualTo(200);
        Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(resp.body(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                    lines.add(l);
                }
            } catch (Exception ignored) {
                // the stream closes when the test ends
            }
        });
        return lines;
    }

    @Test
    void feedFollowPrintsEachEventAsItCommits() throws Exception {
        mesh("join", "--name", "Ann");
        mesh("join", "--name", "Bob");
        started.add(RunFile.read(store).orElseThrow().pid());
        Path out = tmp.resolve("follow.txt");
        Process follow = ItSupport.start(repo, env, out, "feed", "--follow", "--limit", "1");
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(out).contains("Bob join"));
            mesh("send", "Ann", "are you following?", "--as", "Bob");
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(out).contains("Bob message Ann: are you following?"));
            mesh("reserve", "src/x.js", "--as", "Ann");
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(out).contains("Ann reserve src/x.js"));
            assertThat(Files.readString(out).lines().filter(l -> l.contains("Ann join"))).as("only the last event, then new ones").isEmpty();
            assertThat(follow.isAlive()).isTrue();
        } finally {
            ItSupport.stopByPid(follow);
        }
    }

    @Test
    void foreignHostsOriginsAndMissingSecretsAreRefusedAndDuplicateKeysAreInvalid() throws Exception {
        mesh("join", "--name", "Ann");
        RunFile rf = RunFile.read(store).orElseThrow();
        started.add(rf.pid());
        HttpClient http = HttpClient.newHttpClient();
        String body = "{\"caller\":{\"project\":\"" + repo + "\",\"cwd\":\"" + repo + "\",\"agent\":\"Ann\"},"
                + "\"args\":{\"action\":\"whois\",\"name\":\"Ann\",\"action\":\"leave\"}}";
        assertThat(post(http, rf, body, "Bearer " + rf.secret(), null).statusCode()).isEqualTo(400);
        assertThat(post(http, rf, body, "Bearer " + rf.secret(), null).body()).contains("the request: not valid JSON: Duplicate Object property \\\"action\\\"");
        assertThat(post(http, rf, body, null, null).statusCode()).isEqualTo(401);
        assertThat(post(http, rf, body, "Bearer wrong", null).statusCode()).isEqualTo(401);
        assertThat(post(http, rf, body, "Bearer " + rf.secret(), "http://evil.example").statusCode()).isEqualTo(403);
        assertThat(mesh("list")).as("nobody left: no refused request changed anything").contains("Ann");
    }

    private static HttpResponse<String> post(HttpClient http, RunFile rf, String body, String auth, String origin) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(rf.url() + "/api/v1/call"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).timeout(Duration.ofSeconds(30));
        if (auth != null) {
            b.header("Authorization", auth);
        }
        if (origin != null) {
            b.header("Origin", origin);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String next(BlockingQueue<String> lines, String prefix) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            String l = lines.poll(1, TimeUnit.SECONDS);
            if (l != null && l.startsWith(prefix)) {
                return l;
            }
        }
        throw new AssertionError("no line starting with '" + prefix + "' within 30 s");
    }

    private String mesh(String... args) throws Exception {
        var r = ItSupport.mesh(repo, env, Duration.ofSeconds(90), args);
        assertThat(r.exitCode()).as("mesh %s: %s", String.join(" ", args), r.err()).isZero();
        return r.out();
    }
}
