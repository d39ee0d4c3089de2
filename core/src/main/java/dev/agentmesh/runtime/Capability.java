package dev.agentmesh.runtime;

import dev.agentmesh.MeshException;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * What an agent may do, in terms every runtime maps to its own tool names (issue 6, part 1; DESIGN.md
 * "Authority is enforced"): pi's {@code --tools}, Claude Code's {@code --allowedTools}, Codex's sandbox and
 * approvals. A runtime never gives an agent a tool outside its capabilities.
 */
public enum Capability {
    /** read files */
    READ,
    /** find and grep files */
    SEARCH,
    /** change existing files */
    EDIT,
    /** create or overwrite files */
    WRITE,
    /** run shell commands */
    SHELL,
    /** the mesh's own tool ({@code pi_messenger}) */
    MESH;

    /** What a reviewer or scout gets: it reads, searches, runs commands and talks on the mesh, but edits nothing. */
    public static final Set<Capability> READ_ONLY = Set.copyOf(EnumSet.of(READ, SEARCH, SHELL, MESH));
    /** What a worker gets: everything. */
    public static final Set<Capability> ALL = Set.copyOf(EnumSet.allOf(Capability.class));

    /**
     * @param text a capability's name in any case, e.g. {@code edit}
     * @return the capability
     * @throws MeshException (invalid input) for an unknown name, listing the known ones
     */
    public static Capability parse(String text) {
        try {
            return valueOf(text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw MeshException.invalidInput("unknown capability '" + dev.agentmesh.Texts.quote(String.valueOf(text), 40)
                    + "'; known: read, search, edit, write, shell, mesh");
        }
    }
}
