package dev.agentmesh.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;

/** {@code mesh task ...}: the crew's task actions (task.list, task.show, ... of seeds/001). */
@Command(name = "task", description = "Crew tasks: list, show, ready, start, done, block, unblock, reset.")
final class TaskCommand {

    private int act(String action, String as, boolean json, String id, String key, String value) {
        var args = Cli.args(action);
        if (id != null) {
            args.put("id", id);
        }
        if (key != null) {
            args.put(key, value);
        }
        return Cli.action(as, json, Cli.out(), args);
    }

    @Command(mixinStandardHelpOptions = true, name = "list", description = "List all tasks.")
    int list(@Mixin Options.Json json) {
        return act("task.list", null, json.json, null, null, null);
    }

    @Command(mixinStandardHelpOptions = true, name = "ready", description = "List tasks ready to work (todo, dependencies done).")
    int ready(@Mixin Options.Json json) {
        return act("task.ready", null, json.json, null, null, null);
    }

    @Command(mixinStandardHelpOptions = true, name = "show", description = "Show a task.")
    int show(@Parameters(paramLabel = "ID") String id, @Mixin Options.Json json) {
        return act("task.show", null, json.json, id, null, null);
    }

    @Command(mixinStandardHelpOptions = true, name = "start", description = "Start (claim) a ready task.")
    int start(@Parameters(paramLabel = "ID") String id, @Mixin Options.As as, @Mixin Options.Json json) {
        return act("task.start", as.as, json.json, id, null, null);
    }

    @Command(mixinStandardHelpOptions = true, name = "done", description = "Complete your task with a summary.")
    int done(@Parameters(paramLabel = "ID") String id,
             @Option(names = "--summary", paramLabel = "TEXT") String summary, @Mixin Options.As as, @Mixin Options.Json json) {
        return act("task.done", as.as, json.json, id, "summary", summary);
    }

    @Command(mixinStandardHelpOptions = true, name = "block", description = "Block a task with a reason.")
    int block(@Parameters(paramLabel = "ID") String id, @Option(names = "--reason", required = true, paramLabel = "TEXT") String reason,
              @Mixin Options.As as, @Mixin Options.Json json) {
        return act("task.block", as.as, json.json, id, "reason", reason);
    }

    @Command(mixinStandardHelpOptions = true, name = "unblock", description = "Unblock tasks (back to todo).")
    int unblock(@Parameters(paramLabel = "ID", arity = "1..*", description = "The task ids, e.g. task-1 task-2.") List<String> ids,
                @Mixin Options.As as, @Mixin Options.Json json) {
        int code = 0;
        for (String id : ids) {
            code = Math.max(code, act("task.unblock", as.as, json.json, id, null, null));
        }
        return code;
    }

    @Command(mixinStandardHelpOptions = true, name = "reset", description = "Reset a task to todo; --cascade also resets the tasks depending on it.")
    int reset(@Parameters(paramLabel = "ID") String id, @Option(names = "--cascade") boolean cascade,
              @Mixin Options.As as, @Mixin Options.Json json) {
        var args = Cli.args("task.reset").put("id", id).put("cascade", cascade);
        return Cli.action(as.as, json.json, Cli.out(), args);
    }
}
