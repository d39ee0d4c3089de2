package dev.agentmesh.tool;

import dev.agentmesh.crew.Task;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/** Text shapes shared by the tool and the CLI: clock times and task lines. */
public final class Formats {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    private Formats() {
    }

    /** @return {@code HH:mm:ss} in the local zone for epoch ms {@code at} */
    public static String clock(long at) {
        return CLOCK.format(Instant.ofEpochMilli(at));
    }

    /** @return the first line of {@code text}, "" for null: error messages are shown one line long */
    public static String firstLine(String text) {
        return text == null ? "" : text.lines().findFirst().orElse("");
    }

    /** @return {@code text} on one line (runs of white space become one space), cut to {@code max} characters with "..." */
    public static String oneLine(String text, int max) {
        String one = text.strip().replaceAll("\\s+", " ");
        return one.length() <= max ? one : one.substring(0, max - 3) + "...";
    }

    /** @return one line: id, status, verdict, assignee, title, dependencies */
    public static String taskLine(Task t) {
        return String.format("%-10s %-11s %-13s %-14s %s%s", t.id(), t.status().wire(),
                t.verdict() == null ? "" : t.verdict().name(), t.assignee() == null ? "" : t.assignee(), t.title(),
                t.dependsOn().isEmpty() ? "" : "  (after " + String.join(", ", t.dependsOn()) + ")");
    }

    /** @return several lines with every field worth reading */
    public static String taskDetail(Task t) {
        StringBuilder sb = new StringBuilder();
        sb.append(t.id()).append(": ").append(t.title()).append("\n  status ").append(t.status().wire())
                .append(t.assignee() == null ? "" : ", assignee " + t.assignee())
                .append(", attempts ").append(t.attempts()).append(", reviews ").append(t.reviews())
                .append(t.wave() == null ? "" : ", wave " + t.wave());
        if (!t.dependsOn().isEmpty()) {
            sb.append("\n  depends on ").append(String.join(", ", t.dependsOn()));
        }
        if (!t.description().isBlank()) {
            sb.append("\n  ").append(t.description().strip().replace("\n", "\n  "));
        }
        if (t.summary() != null) {
            sb.append("\n  summary: ").append(t.summary());
        }
        if (t.verdict() != null) {
            sb.append("\n  verdict: ").append(t.verdict());
        }
        if (t.feedback() != null && !t.feedback().isBlank()) {
            sb.append("\n  feedback: ").append(t.feedback().strip().replace("\n", "\n    "));
        }
        if (t.blockReason() != null) {
            sb.append("\n  blocked: ").append(t.blockReason());
        }
        return sb.toString();
    }
}
