package dev.agentmesh.store;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * In-memory wake-up after a commit: services signal a topic from {@link StoreTx#afterCommit}, and whoever waits
 * on that topic (an SSE stream, a blocked {@code inbox}) is called at once, with no polling. A signal carries no
 * data: a listener reads what changed from the store, which stays the truth. Listeners run on the signalling
 * thread (the store's writer), so they must only hand off (release a semaphore, unpark a thread). Only waiters
 * in this process are woken. Thread-safe.
 *
 * <p>Topics: {@code inbox:<agentId>} when a message for that agent commits; {@code feed:<project>} when the
 * project's feed grows.
 */
public final class Notifier {
    private final Map<String, Set<Runnable>> listeners = new ConcurrentHashMap<>();

    /**
     * Registers {@code listener} on {@code topic} until the returned handle is closed.
     *
     * @return closing it unregisters the listener; idempotent
     */
    public AutoCloseable subscribe(String topic, Runnable listener) {
        // add inside the map's atomic section: an unsubscribe emptying the set at the same moment cannot orphan it
        listeners.compute(topic, (t, set) -> {
            Set<Runnable> s = set == null ? ConcurrentHashMap.newKeySet() : set;
            s.add(listener);
            return s;
        });
        return () -> listeners.computeIfPresent(topic, (t, set) -> {
            set.remove(listener);
            return set.isEmpty() ? null : set;
        });
    }

    /** Calls every listener of {@code topic}; a listener that throws is skipped. */
    public void signal(String topic) {
        Set<Runnable> set = listeners.get(topic);
        if (set == null) {
            return;
        }
        for (Runnable r : set) {
            try {
                r.run();
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(Notifier.class).warn("listener of {} failed: {}", topic, e.toString());
            }
        }
    }

    /** @return the topic signalled when a message for agent {@code agentId} commits */
    public static String inbox(long agentId) {
        return "inbox:" + agentId;
    }

    /** @return the topic signalled when {@code project}'s feed grows */
    public static String feed(String project) {
        return "feed:" + project;
    }
}
