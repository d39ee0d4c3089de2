package dev.agentmesh.api;

import dev.agentmesh.runtime.ToolDescriptor;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * The MCP description and JSON input schema of the {@code pi_messenger} tool. The schema documents the parameters
 * for the model; the tool itself checks them and explains what is wrong, so the schema stays permissive where the
 * tool is ({@code to} and {@code paths} take a string or an array of strings). One source for the MCP tool and
 * the pi extension.
 */
public final class PiMessengerSchema {
    /** The tool's description, one paragraph. */
    public static final String DESCRIPTION = "Coordinate with the other AI coding agents working in this repository "
            + "(pi-messenger actions). Join the mesh first (action \"join\", optional name), then message other "
            + "agents (send, broadcast, inbox), see who is here and what they do (list, whois, status, feed, "
            + "set_status), reserve files before editing them so no two agents change the same file (reserve, "
            + "release), and work through the crew's task list (task.ready, task.start, task.done, task.block). "
            + "Results are short texts; an unknown name, a reserved file or a bad parameter gives an error result "
            + "saying what to do.";

    private PiMessengerSchema() {
    }

    /** @return the {@code pi_messenger} tool with every action of {@link MeshApi#ACTIONS}, for a runtime to register */
    public static ToolDescriptor descriptor() {
        return new ToolDescriptor(MeshApi.TOOL, DESCRIPTION, inputSchema(MeshApi.ACTIONS));
    }

    /**
     * @param actions the action names the tool accepts, in documentation order
     * @return a JSON Schema (draft 2020-12 subset) of an object with a required {@code action} among
     *         {@code actions} and the optional parameters the actions read
     */
    public static String inputSchema(List<String> actions) {
        JsonMapper json = JsonMapper.builder().build();
        ObjectNode schema = json.createObjectNode().put("type", "object");
        ObjectNode props = schema.putObject("properties");
        ObjectNode action = props.putObject("action").put("type", "string")
                .put("description", "What to do: one of " + String.join(", ", actions) + ".");
        ArrayNode names = action.putArray("enum");
        actions.forEach(names::add);
        string(props, "name", "join: the name to take (default: MESH_AGENT or a generated name); rename: the new "
                + "name; whois: the agent to describe; spawn: the new agent's name (required); agents.*: the spawned agent.");
        stringOrList(props, "to", "send: the recipient agent name(s), as a name, a comma-separated list or an array.");
        string(props, "message", "send, broadcast: the message text; set_status: the status (absent clears it).");
        props.putObject("replyTo").put("type", "integer").put("description", "send: id of the message this answers.");
        string(props, "idempotencyKey", "send: a key of your own for this message (1..200 characters); sending again "
                + "with the same key returns the first message instead of a second, so a retry after a crash is safe.");
        stringOrList(props, "paths", "reserve, release, reservations.check: files or globs, relative to the working directory "
                + "(release without paths releases all of yours).");
        string(props, "reason", "reserve: why you need the files; task.block: why the task is blocked.");
        props.putObject("ttl").put("type", "integer").put("minimum", 1)
                .put("description", "reserve: lease time in seconds (default: until released, or until you leave).");
        ObjectNode mode = string(props, "mode", "reserve: exclusive (default) or shared.");
        mode.putArray("enum").add("exclusive").add("shared");
        string(props, "id", "task.show, task.start, task.done, task.block, task.unblock, task.reset: the task id.");
        string(props, "summary", "task.done, agents.done: what was done.");
        ObjectNode runtime = string(props, "runtime", "spawn: the agent CLI to run it on (default pi).");
        dev.agentmesh.runtime.AgentRuntime.KNOWN.forEach(runtime.putArray("enum")::add);
        string(props, "model", "spawn: provider/model[:thinking], e.g. anthropic/claude-sonnet-4:high (default: the runtime's).");
        ObjectNode thinking = string(props, "thinking", "spawn: thinking level, overriding the model's.");
        dev.agentmesh.runtime.ModelRef.THINKING_LEVELS.forEach(thinking.putArray("enum")::add);
        string(props, "profile", "spawn: a profile from .mesh/agents/NAME.md, ~/.mesh/agents or the bundled ones (runtime, model, thinking, tools, prompt).");
        string(props, "prompt", "spawn: added to the agent's system prompt.");
        string(props, "task", "agents.assign, agents.resume: the work to do (a new turn when the agent is idle, else queued).");
        string(props, "workstream", "agents.assign: a tag grouping related assignments (e.g. backtester); recall of earlier "
                + "agents.done summaries stays within it; agents.memory.reset: the workstream to forget (default all).");
        string(props, "project", "data.*: a label for this project's corpus (default: the project folder's name).");
        ObjectNode runType = string(props, "runType", "data.session: what this session is: production (training-eligible "
                + "within the allow-list), smoke, research or debug (kept apart from training data).");
        runType.putArray("enum").add("production").add("smoke").add("research").add("debug");
        string(props, "session", "spawn: the registry session the agent belongs to (default: the project folder's name); "
                + "agents.delete: delete every agent of this session; agents.export: the session to write.");
        string(props, "out", "agents.export: the subagents.json to write, inside .mesh/ (default .mesh/subagents.json); data.export: the JSONL file to write, inside .mesh/ (default .mesh/data/exports/PROJECT.jsonl).");
        props.putObject("days").put("type", "integer").put("minimum", 0)
                .put("description", "data.retention: keep this many days (default the policy's, 90).");
        string(props, "taskId", "claim, unclaim, complete: the swarm task id, as the spec names it.");
        string(props, "spec", "swarm, claim, unclaim, complete: the spec file the task belongs to (optional).");
        string(props, "result", "complete: what was done.");
        bool(props, "cascade", "task.reset: also reset the tasks that depend on it.");
        props.putObject("limit").put("type", "integer").put("minimum", 1).put("maximum", 1000)
                .put("description", "feed: latest events to show (default 20); inbox: most messages to read (default 50); "
                        + "agents.logs: last transcript lines (default 200).");
        bool(props, "peek", "inbox: leave the messages unread.");
        props.putObject("tokens").put("type", "integer").put("minimum", 0)
                .put("description", "agents.budget: the token limit (input plus output) of the agent (name) or the project (no name); null removes it.");
        props.putObject("usd").put("type", "number").put("minimum", 0)
                .put("description", "agents.budget: the dollar limit, where the runtime reports cost (Claude Code).");
        bool(props, "autoKillOnDone", "spawn: stop the agent once it reports agents.done.");
        stringOrList(props, "ids", "inbox.ack: ids of the messages taken from the event stream.");
        bool(props, "all", "list: include agents who left; data.export: also conversations not eligible for training.");
        string(props, "circle", "join: the circle to be in (default none: the whole project); list: the circle to show (default "
                + "yours, \"*\" for every circle); set_circle, claim_orchestrator_role, orchestrator_status: see those tools.");
        schema.putArray("required").add("action");
        return json.writeValueAsString(schema);
    }

    private static ObjectNode string(ObjectNode props, String name, String description) {
        return props.putObject(name).put("type", "string").put("description", description);
    }

    private static void bool(ObjectNode props, String name, String description) {
        props.putObject(name).put("type", "boolean").put("description", description);
    }

    private static void stringOrList(ObjectNode props, String name, String description) {
        ObjectNode p = props.putObject(name).put("description", description);
        ArrayNode any = p.putArray("anyOf");
        any.addObject().put("type", "string");
        any.addObject().put("type", "array").putObject("items").put("type", "string");
    }
}
