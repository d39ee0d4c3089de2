package dev.agentmesh.server.mcp;

import dev.agentmesh.MeshException;
import dev.agentmesh.Texts;
import dev.agentmesh.api.ApiResult;
import dev.agentmesh.api.LocalMeshApi;
import dev.agentmesh.api.MeshApi;
import dev.agentmesh.api.PiMessengerSchema;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.Map;
import java.util.function.BiFunction;

/**
 * The {@code pi_messenger} MCP tool, shared by {@code /mcp} of the supervisor and the stdio server of
 * {@code mesh mcp}: its descriptor and the mapping of an action's result to an MCP tool result.
 *
 * <p>A result carries the action's text as text content and its data as {@code structuredContent} (an array as
 * {@code {"items": [...]}}). A {@link MeshException} becomes an error result ({@code isError: true}) whose text is
 * the exception's one-line message; any other failure becomes the error result {@code internal error: ...} and is
 * logged with its stack trace. The input schema documents the parameters; the action checks the arguments itself
 * (so {@code "limit": "5"} is accepted and an unknown action is named in the error).
 */
public final class PiMessengerTool {
    private static final Logger LOG = LoggerFactory.getLogger(PiMessengerTool.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private PiMessengerTool() {
    }

    /**
     * @param mapper the SDK's JSON mapper
     * @param call   runs one action for the exchange's session with the call's arguments (a JSON object)
     * @return the tool specification to register on an MCP server
     */
    public static SyncToolSpecification specification(McpJsonMapper mapper,
                                                      BiFunction<McpSyncServerExchange, JsonNode, ApiResult> call) {
        Tool tool = Tool.builder(MeshApi.TOOL, mapper, PiMessengerSchema.inputSchema(MeshApi.ACTIONS))
                .description(PiMessengerSchema.DESCRIPTION)
                .build();
        return SyncToolSpecification.builder().tool(tool)
                .callHandler((exchange, request) -> result(() -> call.apply(exchange,
                        JSON.valueToTree(request.arguments() == null ? Map.of() : request.arguments()))))
                .build();
    }

    private static CallToolResult result(java.util.function.Supplier<ApiResult> action) {
        try {
            ApiResult r = action.get();
            return CallToolResult.builder().addTextContent(r.text()).structuredContent(structured(r))
                    .isError(false).build();
        } catch (MeshException e) {
            return error(Texts.firstLine(e.getMessage()));
        } catch (RuntimeException e) {
            LOG.warn("pi_messenger failed", e);
            return error("internal error: " + Texts.firstLine(String.valueOf(e.getMessage())) + " ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    /**
     * MCP's structuredContent is an object: an array result comes as {@code {"items": [...]}}. The unread notice of
     * the text goes along as {@code "notice"}, since some clients (Claude Code) show the model only the structured
     * content. {@link AgentTeamTool} maps its results the same way.
     */
    static Map<String, Object> structured(ApiResult r) {
        JsonNode data = r.data();
        tools.jackson.databind.node.ObjectNode obj = data.isObject() ? ((tools.jackson.databind.node.ObjectNode) data).deepCopy()
                : JSON.createObjectNode().set("items", data);
        // the notice is the last paragraph (bodies in the text above are escaped to one line each)
        int at = r.text().lastIndexOf("\n\n" + LocalMeshApi.NOTICE);
        if (at >= 0 && r.text().indexOf('\n', at + 2) < 0) {
            obj.put("notice", r.text().substring(at).strip());
        }
        return JSON.convertValue(obj, new TypeReference<Map<String, Object>>() { });
    }

    private static CallToolResult error(String text) {
        return CallToolResult.builder().addTextContent(text).isError(true).build();
    }
}
