package dev.agentmesh.crew;

/** How a task reads as text, for agents and people: one line in lists, several lines in {@code task.show}. */
public final class TaskFormat {
    private TaskFormat() {
    }

    /** @return one line: id, status, verdict, assignee, title, dependencies */
    public static String line(Task t) {
        return String.format("%-10s %-11s %-13s %-14s %s%s", t.id(), t.status().wire(),
                t.verdict() == null ? "" : t.verdict().name(), t.assignee() == null ? "" : t.assignee(), dev.agentmesh.Texts.escape(t.title()),
                t.dependsOn().isEmpty() ? "" : "  (after " + String.join(", ", t.dependsOn()) + ")");
    }

    /** @return several lines with every field worth reading */
    public static String detail(Task t) {
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
            sb.append("\n  blocked: ").append(dev.agentmesh.Texts.escape(t.blockReason()));
        }
        return sb.toString();
    }
}
