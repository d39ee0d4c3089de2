package dev.agentmesh.orchestrator;

import dev.agentmesh.api.Caller;
import dev.agentmesh.api.LocalMeshApi;
import dev.agentmesh.api.ApiResult;
import dev.agentmesh.api.Json;
import dev.agentmesh.project.Project;
import dev.agentmesh.store.Store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A real git repository (branch main) in a temporary folder, with a store and the API over it, for the review tests. */
final class GitRepo implements AutoCloseable {
    final Path root;
    final Path storeFile;
    Store store;
    LocalMeshApi api;
    private int n;

    GitRepo(Path tmp) throws Exception {
        root = Files.createDirectories(tmp.resolve("repo")).toRealPath();
        storeFile = tmp.resolve("mesh.db");
        git("init", "-q", "-b", "main");
        commit("Human", "start", null);
        open();
    }

    void open() {
        store = Store.openSqlite(storeFile);
        api = LocalMeshApi.create(store, Project.locate(root));
    }

    /** Closes and reopens the store, as a restarted supervisor would. */
    void reopen() {
        store.close();
        open();
    }

    ReviewQueue queue() {
        return new ReviewQueue(store, Project.locate(root), api.mesh().presence());
    }

    /** Commits a new file as {@code author}, with a {@code Mesh-Agent} trailer when {@code agentTrailer} is not null. @return its id */
    String commit(String author, String message, String agentTrailer) throws Exception {
        Files.writeString(root.resolve("f" + (n++) + ".txt"), message + "\n");
        git("add", "-A");
        List<String> args = new ArrayList<>(List.of("-c", "user.name=" + author, "-c", "user.email=" + author.replace(' ', '.') + "@agentmesh.invalid",
                "commit", "-q", "-m", message));
        if (agentTrailer != null) {
            args.addAll(List.of("-m", "Mesh-Agent: " + agentTrailer));
        }
        git(args.toArray(String[]::new));
        return git("rev-parse", "HEAD").strip();
    }

    String git(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("git"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(root.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", cmd) + " failed:\n" + out);
        }
        return out;
    }

    /** @return a caller joined as {@code name} on the branch checked out now */
    Caller join(String name) {
        Caller c = new Caller(null, root, ProcessHandle.current().pid(), "test", null);
        call(c, "{\"action\":\"join\",\"name\":\"" + name + "\"}");
        return c;
    }

    ApiResult call(Caller c, String json) {
        return api.call(c, Json.parseObject(json, "test"));
    }

    @Override
    public void close() throws IOException {
        store.close();
    }
}
