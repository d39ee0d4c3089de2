package dev.agentmesh.team;

import dev.agentmesh.MeshException;

/**
 * The {@code agent_team} error form (seeds/002): a failed action renders as a {@code # agent_team error} block with
 * the problem and its repair copy. The exception's message stays one line ({@code PROBLEM Repair: REPAIR}), so the
 * CLI and the HTTP API carry it as any other; the tool adapters render it with {@link #render}.
 */
public final class TeamErrors {
    /** The heading of a rendered error. */
    public static final String HEADING = "# agent_team error";
    /** What separates the problem from its repair in a one-line message. */
    public static final String REPAIR = " Repair: ";

    private TeamErrors() {
    }

    /**
     * @param problem what is wrong, naming the bad value (one line)
     * @param repair  what to do instead (one line)
     * @return an invalid-input failure whose message is {@code problem Repair: repair}
     */
    public static MeshException invalid(String problem, String repair) {
        return MeshException.invalidInput(oneLine(problem) + REPAIR + oneLine(repair));
    }

    /**
     * @param problem what is wrong (one line)
     * @param repair  what to do instead (one line)
     * @return an unexpected-state failure (a run that is not live, a limit of live runs reached)
     */
    public static MeshException state(String problem, String repair) {
        return MeshException.unexpectedState(oneLine(problem) + REPAIR + oneLine(repair));
    }

    /**
     * @param message a failure's message, of this form or any other
     * @return the seed's error block: the heading, the problem, and the repair on its own line when there is one
     */
    public static String render(String message) {
        String m = message == null ? "" : message.strip();
        int at = m.indexOf(REPAIR);
        String problem = at < 0 ? m : m.substring(0, at);
        String repair = at < 0 ? null : m.substring(at + REPAIR.length());
        return HEADING + "\n\n" + problem + (repair == null ? "" : "\n\nRepair: " + repair);
    }

    private static String oneLine(String s) {
        return s.replaceAll("[\\r\\n]+", " ").strip();
    }
}
