package dev.agentmesh.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The git pre-commit guard, with real git: a commit of a file another agent holds is refused; the holder commits. */
class GuardIT {

    @Test
    void aCommitTouchingAnotherAgentsFileIsRefusedAndTheHoldersGoesThrough(@TempDir Path tmp) throws Exception {
        Path repo = Files.createDirectories(tmp.resolve("repo")).toRealPath();
        Files.createDirectories(repo.resolve("src"));
        Files.writeString(repo.resolve("src/a.js"), "a\n");
        ItSupport.commitAll(repo);
        Map<String, String> env = ItSupport.env(tmp.resolve("mesh.db"));
        assertThat(mesh(repo, env, "guard", "install")).startsWith("installed the guard ");
        assertThat(mesh(repo, env, "guard", "install")).startsWith("the guard is installed already");
        mesh(repo, env, "join", "--name", "Ann");
        mesh(repo, env, "join", "--name", "Bob");
        mesh(repo, env, "reserve", "src/a.js", "--reason", "Ann rewrites it", "--as", "Ann");
        Files.writeString(repo.resolve("src/a.js"), "b\n");
        ItSupport.run(repo, "git", "add", "src/a.js");

        ItSupport.Result bob = git(repo, env, "Bob", "commit", "-q", "-m", "bob's edit");
        assertThat(bob.exitCode()).isNotZero();
        assertThat(bob.err()).contains("mesh: src/a.js is reserved by Ann (src/a.js) since").contains("Ann rewrites it")
                .contains("commit refused");
        ItSupport.Result ann = git(repo, env, "Ann", "commit", "-q", "-m", "ann's edit");
        assertThat(ann.exitCode()).as(ann.toString()).isZero();
        assertThat(ItSupport.run(repo, "git", "log", "--format=%s")).startsWith("ann's edit\n");

        assertThat(mesh(repo, env, "guard", "install", "--remove")).startsWith("removed the guard ");
        assertThat(repo.resolve(".git/hooks/pre-commit")).doesNotExist();
    }

    private static String mesh(Path repo, Map<String, String> env, String... args) throws Exception {
        ItSupport.Result r = ItSupport.mesh(repo, env, Duration.ofSeconds(90), args);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return r.out();
    }

    private static ItSupport.Result git(Path repo, Map<String, String> env, String agent, String... args) throws Exception {
        Map<String, String> e = new HashMap<>(env);
        e.put("MESH_AGENT", agent);
        List<String> cmd = new java.util.ArrayList<>(List.of("git", "-c", "user.name=t", "-c", "user.email=t@agentmesh.invalid"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(repo.toFile());
        pb.environment().clear();
        pb.environment().putAll(e);
        Path out = Files.createTempFile("git-out", ".txt");
        Path err = Files.createTempFile("git-err", ".txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        p.getOutputStream().close();
        p.waitFor();
        return new ItSupport.Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }
}
