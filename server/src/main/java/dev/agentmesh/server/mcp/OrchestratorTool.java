package dev.agentmesh.server.mcp;

import dev.agentmesh.MeshException;
import dev.agentmesh.Texts;
import dev.agentmesh.api.ApiResult;
import dev.agentmesh.api.OrchestratorTools;
import dev.agentmesh.api.ToolSpec;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The orchestrator tools ({@link OrchestratorTools#ALL}: {@code ask}, {@code ack}, {@code wait_on_ack}, ...,
 * seeds/004) as MCP tools, shared by {@code /mcp} of the supervisor and the stdio server of {@code mesh mcp}. A tool's
 * name is its API action: the arguments go to the API unchanged with {@code action} set to the name (an
 * {@code action} among the arguments is replaced). Results as {@link AgentTeamTool}'s: the text as text content and
 * first in the structured content (Claude Code and Codex show the model only that), then the data's fields. A failure
 * is an error result ({@code isError: true}) whose text is its one-line message; a failure that is not a
 * {@link MeshException} is {@code internal error: ...} and is logged. Stateless and thread-safe.
 */
public final class OrchestratorTool {
    private static final Logger LOG = LoggerFactory.getLogger(OrchestratorTool.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private OrchestratorTool() {
    }

    /**
     * @param mapper the SDK's JSON mapper
     * @param call   runs one API action for the exchange's session
     * @return one tool specification per orchestrator tool, in documentation order
     */
    public static List<SyncToolSpecification> specifications(McpJsonMapper mapper, BiFunction<McpSyncServerExchange, JsonNode, ApiResult> call) {
        return OrchestratorTools.ALL.stream().map(t -> specification(mapper, t, call)).toList();
    }

    private static SyncToolSpecification specification(McpJsonMapper mapper, ToolSpec t, BiFunction<McpSyncServerExchange, JsonNode, ApiResult> call) {
        Tool tool = Tool.builder(t.name(), mapper, t.inputSchema().toString()).description(t.description()).build();
        return SyncToolSpecification.builder().tool(tool)
                .callHandler((exchange, request) -> result(t.name(), JSON.valueToTree(request.arguments() == null ? Map.of()
                        : request.arguments()), args -> call.apply(exchange, args)))
                .build();
    }

    /** @return {@code args} with {@code action} set to the tool's name */
    public static ObjectNode apiArgs(String name, JsonNode args) {
        ObjectNode out = args != null && args.isObject() ? ((ObjectNode) args).deepCopy() : JSON.createObjectNode();
        out.put("action", name);
        return out;
    }

    static CallToolResult result(String name, JsonNode args, java.util.function.Function<ObjectNode, ApiResult> call) {
        try {
            ApiResult r = call.apply(apiArgs(name, args));
            Map<String, Object> structured = new java.util.LinkedHashMap<>();
            structured.put("text", r.text());
            structured.putAll(PiMessengerTool.structured(r));
            return CallToolResult.builder().addTextContent(r.text()).structuredContent(structured).isError(false).build();
        } catch (MeshException e) {
            return CallToolResult.builder().addTextContent(Texts.firstLine(e.getMessage())).isError(true).build();
        } catch (RuntimeException e) {
            LOG.warn("{} failed", name, e);
            return CallToolResult.builder().addTextContent("internal error: " + Texts.firstLine(String.valueOf(e.getMessage()))
                    + " (" + e.getClass().getSimpleName() + ")").isError(true).build();
        }
    }
}
