package dev.agentmesh.crew;

import java.util.List;

/**
 * The prompts of the crew roles. Each starts with a tag line ({@code [crew planner]}, {@code [crew worker] ID:},
 * {@code [crew reviewer] ID:}) that says the role and task; scripted model rules key on it.
 */
final class CrewPrompts {
    /** Longest excerpt of the PRD or a diff put in a prompt, in characters. */
    static final int MAX_EXCERPT = 40_000;

    private CrewPrompts() {
    }

    static String plannerSystem() {
        return """
                You are the crew planner of agentmesh. You read a PRD and the code, and split the work into tasks that \
                worker agents can do in parallel. Foundation work has no dependencies; features that do not touch the \
                same files go in separate chains; a task depends only on tasks whose results it needs.""";
    }

    static String planner(String prdName, String prd, List<String> files) {
        return "[crew planner] Plan the PRD " + prdName + " into tasks.\n\n"
                + "## PRD (" + prdName + ")\n" + excerpt(prd) + "\n\n"
                + "## Files in the repository\n" + String.join("\n", files.subList(0, Math.min(300, files.size())))
                + (files.size() > 300 ? "\n... and " + (files.size() - 300) + " more" : "") + "\n\n"
                + """
                ## Answer
                Read what you need, then answer with the plan as one fenced block:
                ```tasks-json
                [{"id": "task-1", "title": "...", "description": "what to do, which files", "dependsOn": []}]
                ```
                Ids are task-1, task-2, ...; dependsOn lists ids of the same plan. No cycles.""";
    }

    static String workerSystem(String name) {
        return "You are " + name + ", a crew worker of agentmesh. Other agents work in the same repository at the "
                + "same time: reserve the files you edit with the pi_messenger tool before editing them, stay within "
                + "your task, and report it done with pi_messenger action task.done.";
    }

    static String worker(Task t, String name) {
        StringBuilder sb = new StringBuilder();
        sb.append("[crew worker] ").append(t.id()).append(": ").append(t.title()).append("\n\n");
        sb.append("You are ").append(name).append(". Your task is ").append(t.id()).append(" (attempt ")
                .append(t.attempts()).append(").\n\n## ").append(t.id()).append(": ").append(t.title()).append('\n');
        if (!t.description().isBlank()) {
            sb.append(t.description().strip()).append('\n');
        }
        if (t.feedback() != null && !t.feedback().isBlank()) {
            sb.append("\n## Feedback from the last review or attempt\n").append(excerpt(t.feedback())).append('\n');
        }
        sb.append("""

                ## Protocol
                1. pi_messenger {"action": "join"} (you are registered already; this confirms it).
                2. Reserve the files you will edit: pi_messenger {"action": "reserve", "paths": [...], "reason": "%1$s"}.
                   If a reservation is refused, another agent holds the file: message them or wait; do not edit it.
                3. Do the task and run the project's tests.
                4. Report: pi_messenger {"action": "task.done", "id": "%1$s", "summary": "what you changed"}.
                5. Release your files: pi_messenger {"action": "release"}.
                """.formatted(t.id()));
        return sb.toString();
    }

    static String reviewerSystem(String name) {
        return "You are " + name + ", a crew reviewer of agentmesh. You check one task's work in the repository and "
                + "give a verdict: SHIP (done well), NEEDS_WORK (fixable; say what to fix) or MAJOR_RETHINK (wrong approach).";
    }

    static String reviewer(Task t, String diff) {
        return "[crew reviewer] " + t.id() + ": " + t.title() + "\n\n"
                + "Review task " + t.id() + " (review " + (t.reviews() + 1) + "), done by " + t.assignee() + ".\n\n## Task\n" + t.title() + "\n"
                + (t.description().isBlank() ? "" : t.description().strip() + "\n")
                + "\n## Worker's summary\n" + (t.summary() == null ? "(none)" : t.summary()) + "\n\n"
                + "## Changes in the working tree\n" + excerpt(diff) + "\n\n"
                + "## Answer\nCheck the work (read the files, run the tests), then answer with a first line "
                + "`VERDICT: SHIP`, `VERDICT: NEEDS_WORK` or `VERDICT: MAJOR_RETHINK`, followed by your feedback.";
    }

    private static String excerpt(String s) {
        return s.length() <= MAX_EXCERPT ? s : s.substring(0, MAX_EXCERPT) + "\n... (" + (s.length() - MAX_EXCERPT) + " more characters)";
    }
}
