package dev.agentmesh.orchestrator;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinition;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import dev.agentmesh.MeshException;
import dev.agentmesh.Texts;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;

/**
 * Cron expressions and times for schedules and recurring jobs (from the issue: "Cron by cron-utils (5 fields and the
 * @-aliases), ISO-8601 times (naive = UTC)"). Cron is Unix cron as cron-utils defines it (minute hour day-of-month
 * month day-of-week), evaluated in UTC; the aliases {@code @yearly @annually @monthly @weekly @daily @midnight
 * @hourly} are read as their 5-field forms ({@code @reboot} has no meaning for a schedule and is refused). Stateless
 * and thread-safe.
 */
public final class CronSpec {
    /** Longest cron expression, in characters. */
    public static final int MAX_CHARS = 200;
    private static final CronDefinition UNIX = CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX);
    private static final CronParser PARSER = new CronParser(UNIX);
    private static final Map<String, String> ALIASES = Map.of("@yearly", "0 0 1 1 *", "@annually", "0 0 1 1 *",
            "@monthly", "0 0 1 * *", "@weekly", "0 0 * * 0", "@daily", "0 0 * * *", "@midnight", "0 0 * * *", "@hourly", "0 * * * *");

    private CronSpec() {
    }

    /**
     * @return {@code expression} checked: 5 fields or an alias, as written (trimmed)
     * @throws MeshException (invalid input) naming the expression and what is wrong with it
     */
    public static String check(String expression) {
        parse(expression);
        return expression.strip();
    }

    /**
     * @param after an instant, epoch ms
     * @return the first time after {@code after} that {@code expression} matches, epoch ms (UTC)
     * @throws MeshException (invalid input) for a bad expression or one that never matches again
     */
    public static long next(String expression, long after) {
        ExecutionTime t = ExecutionTime.forCron(parse(expression));
        ZonedDateTime from = Instant.ofEpochMilli(after).atZone(ZoneOffset.UTC);
        return t.nextExecution(from).map(z -> z.toInstant().toEpochMilli()).orElseThrow(() -> MeshException.invalidInput(
                "cron '" + Texts.quote(expression, 80) + "' never matches after " + from));
    }

    private static Cron parse(String expression) {
        Checks.text("cron", expression, MAX_CHARS, false);
        String e = expression.strip();
        if (e.startsWith("@")) {
            String five = ALIASES.get(e.toLowerCase(Locale.ROOT));
            if (five == null) {
                throw MeshException.invalidInput("cron '" + Texts.quote(e, 80) + "' is not an alias; the aliases are "
                        + String.join(" ", ALIASES.keySet().stream().sorted().toList()));
            }
            e = five;
        }
        if (e.split("\\s+").length != 5) {
            throw MeshException.invalidInput("cron '" + Texts.quote(expression, 80) + "' has " + e.split("\\s+").length
                    + " fields; give 5 (minute hour day-of-month month day-of-week) or an alias such as @daily");
        }
        try {
            Cron c = PARSER.parse(e);
            c.validate();
            return c;
        } catch (IllegalArgumentException ex) {
            throw MeshException.invalidInput("cron '" + Texts.quote(expression, 80) + "' is not valid: " + Texts.oneLine(ex.getMessage(), 200));
        }
    }

    /**
     * Reads a time: ISO-8601 with an offset or zone ({@code 2026-12-02T09:00:00Z}, {@code ...+01:00}), naive ISO-8601
     * read as UTC ({@code 2026-12-02T09:00}), a date alone (midnight UTC), or epoch milliseconds.
     *
     * @param field the parameter's name, for the error
     * @return epoch ms
     * @throws MeshException (invalid input) naming the field and the value
     */
    public static long time(String field, String value) {
        Checks.text(field, value, 64, false);
        String v = value.strip();
        if (v.chars().allMatch(Character::isDigit) && v.length() <= 15) {
            return Long.parseLong(v);
        }
        try {
            return java.time.OffsetDateTime.parse(v).toInstant().toEpochMilli();
        } catch (DateTimeParseException ignored) {
            // not with an offset
        }
        try {
            return ZonedDateTime.parse(v).toInstant().toEpochMilli();
        } catch (DateTimeParseException ignored) {
            // not with a zone
        }
        try {
            return java.time.LocalDateTime.parse(v).toInstant(ZoneOffset.UTC).toEpochMilli();
        } catch (DateTimeParseException ignored) {
            // not naive date-time
        }
        try {
            return java.time.LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            throw MeshException.invalidInput(field + " '" + Texts.quote(value, 64) + "' is not an ISO-8601 time (e.g. 2026-12-02T09:00:00Z;"
                    + " without an offset it is UTC) nor epoch milliseconds");
        }
    }
}
