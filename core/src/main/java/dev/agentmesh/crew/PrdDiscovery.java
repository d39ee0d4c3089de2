package dev.agentmesh.crew;

import dev.agentmesh.MeshException;
import dev.agentmesh.project.Project;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Finds the PRD of a crew run when none is given, as pi-messenger's planner does (seeds/001): the first of
 * {@link #NAMES} in the project root, then in {@code docs/}.
 */
public final class PrdDiscovery {
    /** The file names tried, in order. */
    public static final List<String> NAMES = List.of("PRD.md", "prd.md", "SPEC.md", "spec.md", "DESIGN.md", "design.md",
            "REQUIREMENTS.md", "requirements.md");

    private PrdDiscovery() {
    }

    /** @return the first PRD-like file of the project, if any */
    public static Optional<Path> find(Project project) {
        for (Path dir : List.of(project.root(), project.root().resolve("docs"))) {
            for (String name : NAMES) {
                Path p = dir.resolve(name);
                if (Files.isRegularFile(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * @return the PRD to use: {@link #find}'s
     * @throws MeshException (invalid input) naming where it looked, when there is none
     */
    public static Path require(Project project) {
        return find(project).orElseThrow(() -> MeshException.invalidInput("no PRD given and none found: looked for "
                + String.join(", ", NAMES.stream().filter(n -> Character.isUpperCase(n.charAt(0))).toList()) + " in "
                + project.root() + " and its docs/; give one with --prd FILE"));
    }
}
