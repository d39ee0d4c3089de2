package dev.agentmesh;

/**
 * The one unchecked root of every agentmesh failure; its {@link Kind} maps to a process exit code and to an
 * MCP error result.
 *
 * <p>Messages are one line, name the offending value and say what to do, e.g.
 * {@code task-7 depends on task-9, which does not exist}. The CLI prints the message only; {@code -x} adds
 * the stack trace.
 */
public final class MeshException extends RuntimeException {

    /** What went wrong, and the exit code a command returns for it (codes as in jbang's ExitException). */
    public enum Kind {
        /** The caller gave a bad value: unknown agent, malformed plan, missing file. Exit code 2. */
        INVALID_INPUT(2),
        /** The world is not as the operation needs: a lease is held, a process is unreachable. Exit code 3. */
        UNEXPECTED_STATE(3),
        /** A bug or an environment failure inside agentmesh. Exit code 4. */
        INTERNAL(4);

        private final int exitCode;

        Kind(int exitCode) {
            this.exitCode = exitCode;
        }

        /** @return the process exit code for this kind, 2..4 */
        public int exitCode() {
            return exitCode;
        }
    }

    private final Kind kind;

    private MeshException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    /** @return a failure caused by a bad value from the caller (exit code 2) */
    public static MeshException invalidInput(String message) {
        return new MeshException(Kind.INVALID_INPUT, message, null);
    }

    /** @return a failure because the state of the mesh or the machine does not allow the operation (exit code 3) */
    public static MeshException unexpectedState(String message) {
        return new MeshException(Kind.UNEXPECTED_STATE, message, null);
    }

    /** @return a failure because the state does not allow the operation, keeping the cause (exit code 3) */
    public static MeshException unexpectedState(String message, Throwable cause) {
        return new MeshException(Kind.UNEXPECTED_STATE, message, cause);
    }

    /** @return a failure inside agentmesh (a bug, or the environment failing under it), keeping the cause (exit code 4) */
    public static MeshException internal(String message, Throwable cause) {
        return new MeshException(Kind.INTERNAL, message, cause);
    }

    /** @return the kind of failure, never null */
    public Kind kind() {
        return kind;
    }
}
