package dev.agentmesh.model;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The OpenAI Responses wire format ({@code POST /v1/responses}, as Codex 0.169.0 speaks it with
 * {@code wire_api = "responses"}): reads a request into a {@link ChatRequest} and writes one scripted answer as a
 * {@code response} object or as the SSE events {@code response.created}, {@code response.output_item.added},
 * {@code response.output_text.delta}, {@code response.output_item.done}, {@code response.completed}.
 *
 * <p>Tools offered inside a {@code namespace} tool (how Codex offers MCP tools: namespace {@code mcp__SERVER})
 * are named {@code NAMESPACE__TOOL} for the script (e.g. {@code mcp__mesh__pi_messenger}, {@code mcp__mesh__agent_team}); a scripted call of such
 * a name is sent as {@code {"name": TOOL, "namespace": NAMESPACE}} (reference/agent-cli-protocols.md, Codex).
 *
 * @param id         the response id, {@code resp_N}
 * @param model      the model id the client asked for, echoed back
 * @param namespaces the namespaces the request offers tools in
 */
record ResponsesApi(String id, String model, List<String> namespaces) implements ScriptedModelServer.EventWire {

    /**
     * Reads a request body. The "real" user message is the last {@code input} item of type {@code message} and
     * role {@code user} whose text is not context Codex adds ({@code <environment_context>},
     * {@code <user_instructions>}, ...) nor a notice of the mesh steered into a running turn (text starting
     * {@code [mesh] } right after a tool's output, e.g. an edit agentmesh refused, an {@code agent_team} notice) that
     * no rule answers (a steered message a rule answers is a change of plan: the prompt); the function calls and
     * assistant messages after it count the step.
     *
     * @throws IllegalArgumentException with a message for the client when the body is not an object or
     *                                  {@code input} is not an array
     */
    static ChatRequest request(JsonNode body, int bodyChars) {
        return request(body, bodyChars, text -> false);
    }

    /** As {@link #request(JsonNode, int)}, a steered {@code [mesh]} message the script {@code answered} being a prompt. */
    static ChatRequest request(JsonNode body, int bodyChars, java.util.function.Predicate<String> answered) {
        if (body == null || !body.isObject()) {
            throw new IllegalArgumentException("the request body must be a JSON object with 'input'");
        }
        JsonNode input = body.get("input");
        if (input != null && input.isString()) {
            return new ChatRequest(model(body), stream(body), tools(body), input.stringValue(), 0, bodyChars);
        }
        if (input == null || !input.isArray()) {
            throw new IllegalArgumentException("'input' must be a string or an array of input items");
        }
        int lastUser = -1;
        boolean afterTool = false; // after a tool's output, or after mesh notices that followed one
        for (int i = 0; i < input.size(); i++) {
            JsonNode item = input.get(i);
            String type = item.path("type").asString("");
            if ("user".equals(item.path("role").asString(null)) && !type.equals("function_call_output")) {
                String text = text(item.get("content")).strip();
                boolean midTurnNotice = text.startsWith("[mesh] ") && afterTool && !answered.test(text);
                if (!text.isEmpty() && !text.startsWith("<") && !midTurnNotice) {
                    lastUser = i;
                    afterTool = false;
                }
            } else {
                afterTool = type.equals("function_call_output") || type.equals("custom_tool_call_output")
                        || type.equals("local_shell_call_output");
            }
        }
        int step = 0;
        for (int i = lastUser + 1; i < input.size(); i++) {
            JsonNode item = input.get(i);
            String type = item.path("type").asString("");
            if (type.equals("function_call") || type.equals("custom_tool_call") || type.equals("local_shell_call")
                    || (type.equals("message") && "assistant".equals(item.path("role").asString(null)))) {
                step++;
            }
        }
        String prompt = lastUser < 0 ? "" : text(input.get(lastUser).get("content"));
        return new ChatRequest(model(body), stream(body), tools(body), prompt, step, bodyChars);
    }

    /** @return the namespaces of the request's {@code namespace} tools */
    static List<String> namespaces(JsonNode body) {
        List<String> out = new ArrayList<>();
        if (body != null && body.get("tools") instanceof ArrayNode tools) {
            for (JsonNode t : tools) {
                if ("namespace".equals(t.path("type").asString(null))) {
                    out.add(t.path("name").asString(""));
                }
            }
        }
        return out;
    }

    private static List<String> tools(JsonNode body) {
        List<String> out = new ArrayList<>();
        if (body.get("tools") instanceof ArrayNode tools) {
            for (JsonNode t : tools) {
                if ("namespace".equals(t.path("type").asString(null)) && t.get("tools") instanceof ArrayNode inner) {
                    for (JsonNode member : inner) {
                        out.add(t.path("name").asString("") + "__" + member.path("name").asString(""));
                    }
                } else {
                    out.add(t.path("name").asString(t.path("type").asString("")));
                }
            }
        }
        return List.copyOf(out);
    }

    private static String model(JsonNode body) {
        String model = body.path("model").asString("");
        return model.isEmpty() ? ScriptedModelServer.MODEL_ID : model;
    }

    private static boolean stream(JsonNode body) {
        return body.path("stream").asBoolean(false);
    }

    /** An item's text: a string, or its text parts ({@code input_text}, {@code output_text}, {@code text}) one per line. */
    private static String text(JsonNode content) {
        return ChatRequest.text(content, p -> p.has("text"));
    }

    /** The answer as its one output item. */
    ObjectNode item(Script.Answer answer, String callId) {
        ObjectNode item = Completions.JSON.createObjectNode();
        switch (answer) {
            case Script.Text t -> {
                item.put("type", "message").put("id", "msg_" + id).put("role", "assistant").put("status", "completed");
                item.putArray("content").addObject().put("type", "output_text").put("text", t.text()).putArray("annotations");
            }
            case Script.ToolCall c -> {
                item.put("type", "function_call").put("id", "fc_" + callId).put("call_id", callId);
                String name = c.tool();
                for (String ns : namespaces) {
                    if (name.startsWith(ns + "__")) {
                        item.put("namespace", ns);
                        name = name.substring(ns.length() + 2);
                        break;
                    }
                }
                item.put("name", name).put("arguments", c.arguments()).put("status", "completed");
            }
        }
        return item;
    }

    /** The answer as one {@code response} object. */
    @Override
    public ObjectNode answer(Script.Answer answer, String callId, int promptTokens) {
        ObjectNode root = header("completed");
        root.putArray("output").add(item(answer, callId));
        usage(root, promptTokens, answer);
        return root;
    }

    /** The answer as SSE events, in order: each entry is the event name and its data. */
    @Override
    public List<Map.Entry<String, ObjectNode>> events(Script.Answer answer, String callId, int promptTokens) {
        List<Map.Entry<String, ObjectNode>> events = new ArrayList<>();
        ObjectNode created = Completions.JSON.createObjectNode().put("type", "response.created");
        ObjectNode started = header("in_progress");
        started.putArray("output");
        created.set("response", started);
        events.add(Map.entry("response.created", created));
        ObjectNode done = item(answer, callId);
        ObjectNode added = Completions.JSON.createObjectNode().put("type", "response.output_item.added").put("output_index", 0);
        ObjectNode partial = done.deepCopy().put("status", "in_progress");
        if (answer instanceof Script.Text) {
            ((ObjectNode) partial.get("content").get(0)).put("text", "");
        }
        added.set("item", partial);
        events.add(Map.entry("response.output_item.added", added));
        if (answer instanceof Script.Text t) {
            for (String piece : Completions.pieces(t.text())) {
                events.add(Map.entry("response.output_text.delta", Completions.JSON.createObjectNode()
                        .put("type", "response.output_text.delta").put("item_id", done.path("id").asString())
                        .put("output_index", 0).put("content_index", 0).put("delta", piece)));
            }
        }
        ObjectNode itemDone = Completions.JSON.createObjectNode().put("type", "response.output_item.done").put("output_index", 0);
        itemDone.set("item", done);
        events.add(Map.entry("response.output_item.done", itemDone));
        ObjectNode completed = Completions.JSON.createObjectNode().put("type", "response.completed");
        ObjectNode finished = header("completed");
        finished.putArray("output").add(done);
        usage(finished, promptTokens, answer);
        completed.set("response", finished);
        events.add(Map.entry("response.completed", completed));
        return events;
    }

    private ObjectNode header(String status) {
        return Completions.JSON.createObjectNode().put("id", id).put("object", "response")
                .put("created_at", System.currentTimeMillis() / 1000).put("status", status).put("model", model);
    }

    private static void usage(ObjectNode root, int promptTokens, Script.Answer answer) {
        int output = Completions.outputTokens(answer);
        ObjectNode usage = root.putObject("usage").put("input_tokens", promptTokens).put("output_tokens", output)
                .put("total_tokens", promptTokens + output);
        usage.putObject("input_tokens_details").put("cached_tokens", 0);
        usage.putObject("output_tokens_details").put("reasoning_tokens", 0);
    }
}
