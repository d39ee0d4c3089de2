package dev.agentmesh.cli;

/** Rules of the scripted model server that crew tests share (each under a {@code rules:} line). */
final class CrewScripts {
    private CrewScripts() {
    }

    /** The planner answers with one task, task-1: write hello.txt. */
    static final String ONE_TASK_PLAN = """
              - match: "[crew planner]"
                steps:
                  - text: |
                      ```tasks-json
                      [{"id": "task-1", "title": "Write the greeting", "description": "hello.txt says hello", "dependsOn": []}]
                      ```
            """;

    /** task-1's worker reserves hello.txt, then runs {@code sleep 120}: it is still working when a test stops it. */
    static final String SLOW_WORKER = """
              - match: "[crew worker] task-1:"
                steps:
                  - tool: pi_messenger
                    args: {action: reserve, paths: [hello.txt], reason: greeting}
                  - tool: bash
                    args: {command: "sleep 120"}
                  - text: never reached
            """;

    /** task-1's worker writes hello.txt and calls task.done; its reviewer ships it. */
    static final String HELLO_WORKER = """
              - match: "[crew worker] task-1:"
                steps:
                  - tool: write
                    args: {path: hello.txt, content: "hello\\n"}
                  - tool: pi_messenger
                    args: {action: task.done, id: task-1, summary: "wrote hello"}
                  - text: done
              - match: "[crew reviewer] task-1:"
                steps:
                  - text: "VERDICT: SHIP"
            """;
}
