package dev.agentmesh.corpus;

/**
 * One captured conversation as the corpus keeps it, without its messages. Every text field was redacted before it was
 * stored; which are filled follows {@link Category#storage()}.
 *
 * @param id           the conversation id {@link Corpus#begin} returned
 * @param project      the project key
 * @param session      the session it was begun in, "" for the project's session
 * @param agent        the agent's name
 * @param runtime      the runtime ({@code pi}, {@code claude}, {@code codex}, ...)
 * @param model        {@code provider/model[:thinking]}, or null when the runtime's default was used
 * @param runType      the run type in force when it began
 * @param category     the category of that run type under the policy of the time
 * @param systemPrompt the system prompt for {@code production_work}, else null
 * @param summary      the end summary for {@code production_work}, {@code smoke_test} and {@code ops_debug}, else null
 * @param messages     messages captured (stored or not, as the category says)
 * @param bytes        UTF-8 bytes of text stored for it (system prompt, bodies, arguments, summary)
 * @param truncated    whether a message or the conversation was cut at a limit of {@link Corpus}
 * @param inputTokens  input tokens reported by the runtime, summed
 * @param outputTokens output tokens reported by the runtime, summed
 * @param costUsd      dollars reported by the runtime, summed (0 when it reports none)
 * @param createdAt    epoch ms of {@link Corpus#begin}
 * @param updatedAt    epoch ms of the last capture; retention counts from it
 * @param endedAt      epoch ms of {@link Corpus#end}, or null while it runs
 */
public record Conversation(long id, String project, String session, String agent, String runtime, String model,
                           RunType runType, Category category, String systemPrompt, String summary, long messages,
                           long bytes, boolean truncated, long inputTokens, long outputTokens, double costUsd,
                           long createdAt, long updatedAt, Long endedAt) {
}
