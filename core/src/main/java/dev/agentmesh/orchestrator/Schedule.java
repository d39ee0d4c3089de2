package dev.agentmesh.orchestrator;

/**
 * A scheduled check-in (seeds/004: {@code schedule_create}, {@code schedule_cron}, {@code schedule_self}): a message or
 * an ask the supervisor sends {@code toPeer} on the owner's behalf at a time or on a cron.
 *
 * @param id          unique in the store, never reused
 * @param owner       who scheduled it: the fire is sent from it
 * @param toPeer      who gets it (the owner itself for {@code schedule_self})
 * @param text        what is sent
 * @param kind        {@code notify} (a message, fire-and-forget) or {@code ask} (opens a tracked ask)
 * @param fireAt      a one-shot's time, epoch ms, or null
 * @param cron        a recurring schedule's cron expression ({@link CronSpec}), or null
 * @param nextFireAt  the next fire or retry, epoch ms; null once done, dead-lettered or deleted
 * @param attempts    failed attempts of the current fire (reset by a delivered fire)
 * @param state       {@code active}, {@code done} (a one-shot that fired), {@code dead_letter} (its fire could not be
 *                    delivered after {@value Schedules#MAX_ATTEMPTS} attempts) or {@code deleted}
 * @param lastError   why the last attempt failed, or null
 * @param firedCount  fires delivered so far
 * @param lastFiredAt the last delivered fire, epoch ms, or null
 * @param createdAt   epoch ms
 */
public record Schedule(long id, String owner, String toPeer, String text, String kind, Long fireAt, String cron, Long nextFireAt,
                       int attempts, String state, String lastError, int firedCount, Long lastFiredAt, long createdAt) {
}
