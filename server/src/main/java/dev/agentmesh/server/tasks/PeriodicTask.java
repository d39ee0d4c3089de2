package dev.agentmesh.server.tasks;

import java.time.Duration;

/**
 * A small named piece of the supervisor's housekeeping (after JobRunr's server tasks), run on one scheduler
 * thread with a fixed delay; a run that throws is logged and the next run happens as usual.
 */
public interface PeriodicTask extends Runnable {
    /** @return the name shown in logs, e.g. {@code ReapDeadAgents} */
    default String name() {
        return getClass().getSimpleName();
    }

    /** @return the delay between the end of one run and the start of the next */
    Duration period();

    /** @return the delay before the first run, after the supervisor started; default one {@link #period} */
    default Duration initialDelay() {
        return period();
    }
}
