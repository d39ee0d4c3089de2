package dev.agentmesh.project;

import dev.agentmesh.MeshException;
import dev.agentmesh.store.Store;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where a command runs: its project, config and store, resolved from the working directory and the
 * environment. Store precedence (DESIGN.md): {@code MESH_STORE} > project/user config {@code store} >
 * {@code ~/.mesh/mesh.db}. {@code MESH_PROJECT} overrides the working directory's project.
 *
 * @param project the project
 * @param config  merged configuration
 * @param storePath the resolved store location (a file path)
 */
public record MeshEnv(Project project, MeshConfig config, Path storePath) {

    /**
     * Resolves the environment of a command.
     *
     * @param cwd  the working directory
     * @param env  environment variables ({@code MESH_STORE}, {@code MESH_PROJECT}, {@code HOME})
     * @throws MeshException (invalid input) for a bad config or an unsupported store URL
     */
    public static MeshEnv resolve(Path cwd, Map<String, String> env) {
        String projectDir = env.get("MESH_PROJECT");
        Project project = Project.locate(projectDir == null || projectDir.isBlank() ? cwd : Path.of(projectDir));
        Path home = Path.of(env.getOrDefault("HOME", System.getProperty("user.home")));
        MeshConfig config = MeshConfig.load(home, project);
        String store = env.get("MESH_STORE");
        if (store == null || store.isBlank()) {
            store = config.store();
        }
        if (store == null || store.isBlank()) {
            store = home.resolve(".mesh/mesh.db").toString();
        }
        if (store.startsWith("jdbc:")) {
            throw MeshException.invalidInput("store " + store + " is not supported yet: only SQLite files are (PostgreSQL follows)");
        }
        return new MeshEnv(project, config, cwd.resolve(store).toAbsolutePath().normalize());
    }

    /** @return the store, opened and migrated */
    public Store openStore() {
        return Store.openSqlite(storePath);
    }
}
