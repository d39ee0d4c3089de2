package dev.agentmesh;

import dev.agentmesh.api.LocalMeshApi;
import dev.agentmesh.crew.Crew;
import dev.agentmesh.mesh.Mesh;
import dev.agentmesh.project.Project;
import dev.agentmesh.store.Store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A real SQLite store file and a git-like project folder under a temporary directory. */
public final class MeshFixture {
    public final Path dir;
    public final Path root;
    public final Store store;
    public final Mesh mesh;
    public final Crew crew;
    public final LocalMeshApi api;

    public MeshFixture(Path tmp) throws IOException {
        this.dir = tmp;
        this.root = Files.createDirectories(tmp.resolve("repo")).toRealPath();
        Files.createDirectories(root.resolve(".git"));
        Files.createDirectories(root.resolve("src"));
        Files.writeString(root.resolve("src/a.js"), "a");
        this.store = Store.openSqlite(tmp.resolve("mesh.db"));
        this.api = LocalMeshApi.create(store, Project.locate(root));
        this.mesh = api.mesh();
        this.crew = api.crew();
    }
}
