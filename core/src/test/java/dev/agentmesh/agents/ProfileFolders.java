package dev.agentmesh.agents;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A project and a home folder in a temporary folder, with helpers that write agent files into them. */
final class ProfileFolders {
    final Path root;
    final Path home;
    final Path project;
    final Path user;

    ProfileFolders(Path tmp) {
        root = tmp.resolve("zanzibar");
        home = tmp.resolve("home");
        project = root.resolve(".mesh/agents");
        user = home.resolve(".mesh/agents");
    }

    /** @return the library over this project and home */
    AgentProfiles library() {
        return AgentProfiles.inFolders(project, user);
    }

    /** Deletes the project's agent files, so each case of a test starts from an empty folder. */
    void clearProject() {
        try (var files = Files.list(project)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        } catch (java.nio.file.NoSuchFileException e) {
            // nothing written yet
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the file {@code folder/NAME.md}, written with a frontmatter of name, description and {@code extra} lines */
    static Path agent(Path folder, String name, String description, String extra, String body) {
        return write(folder.resolve(name + ".md"), "---\nname: " + name + "\ndescription: " + description + "\n"
                + extra + "---\n" + body);
    }

    /** @return {@code file}, holding {@code text} (folders made) */
    static Path write(Path file, String text) {
        return write(file, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** @return {@code file}, holding {@code bytes} (folders made) */
    static Path write(Path file, byte[] bytes) {
        try {
            Files.createDirectories(file.getParent());
            return Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
