package dev.agentmesh.corpus;

import dev.agentmesh.MeshException;
import dev.agentmesh.corpus.internal.Bounds;
import dev.agentmesh.corpus.internal.ChatLines;
import dev.agentmesh.corpus.internal.ConversationTable;
import dev.agentmesh.corpus.internal.Keys;
import dev.agentmesh.corpus.internal.MessageTable;
import dev.agentmesh.corpus.internal.SessionTable;
import dev.agentmesh.runtime.AgentEvent;
import dev.agentmesh.store.Store;
import dev.agentmesh.store.StoreTx;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

import java.io.IOException;
import java.io.Writer;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The training corpus of one project (seed 000, "Data Policy + Training Corpus"; issue 6, part 5): sessions declare
 * their run type ({@code data.session}), agents' conversations are captured from the runtime's events under the
 * {@link DataPolicy}, and the corpus is counted ({@code data.stats}), exported as JSONL ({@code data.export}) and
 * pruned ({@code data.retention}).
 *
 * <p>Every text passes through the {@link Redactor} before it is stored, and is then kept as its conversation's
 * {@link Category#storage()} says: {@code production_work} keeps the system prompt, every message and the summary;
 * {@code smoke_test} and {@code ops_debug} the summary only (messages are counted, their bodies dropped);
 * {@code off_topic} no text at all. A conversation's category is fixed when it begins.
 *
 * <p>Sizes are bounded: a message over {@value #MAX_MESSAGE_CHARS} characters, a system prompt over
 * {@value #MAX_SYSTEM_PROMPT_CHARS} or a summary over {@value #MAX_SUMMARY_CHARS} is cut and ends with
 * {@code [TRUNCATED: n characters cut]}; past {@value #MAX_CONVERSATION_CHARS} characters or
 * {@value #MAX_MESSAGES} messages a conversation keeps counting what it captures but stores only a marker (or
 * nothing); the conversation is flagged {@link Conversation#truncated()}. Oversize text is never an error.
 *
 * <p>Thread-safe: each call is one store transaction; captures of one conversation from several threads are stored
 * in the order their transactions commit.
 */
public final class Corpus {
    /** Longest message body (user, assistant or tool text; tool call arguments), in characters, after redaction. */
    public static final int MAX_MESSAGE_CHARS = 64 * 1024;
    /** Longest system prompt, in characters, after redaction. */
    public static final int MAX_SYSTEM_PROMPT_CHARS = 64 * 1024;
    /** Longest end summary, in characters, after redaction (as {@code agents.done}'s summary limit). */
    public static final int MAX_SUMMARY_CHARS = 16 * 1024;
    /** Most characters stored for one conversation (system prompt, bodies, arguments); past it, messages are markers. */
    public static final int MAX_CONVERSATION_CHARS = 4 * 1024 * 1024;
    /** Most messages stored for one conversation; later ones are counted only. */
    public static final int MAX_MESSAGES = 10_000;
    /** Longest tool call arguments parsed as JSON to redact them field by field, in characters; longer ones are cut as text. */
    public static final int MAX_ARGUMENTS_PARSED_CHARS = 4 * 1024 * 1024;
    /**
     * The run type of a conversation when neither its session nor the project declared one. Production, as seed 000
     * implies: its smoke test declares {@code smoke} "so it doesn't pollute production training corpus" and declares
     * {@code production} again after. Nothing is training-eligible unless the project is in the allow-list.
     */
    public static final RunType DEFAULT_RUN_TYPE = RunType.PRODUCTION;

    static final String PROJECT_SESSION = "";
    private static final String CONVERSATION_FULL = "[TRUNCATED: the conversation reached its limit of "
            + MAX_CONVERSATION_CHARS + " characters]";

    private final Store store;
    private final String project;
    private final DataPolicy policy;
    private final LongSupplier clock;

    /**
     * @param store   the store
     * @param project the project key (its absolute root path)
     * @param policy  the data policy, e.g. {@link DataPolicy#defaults()} with the project's allow-list
     * @throws MeshException (invalid input) for a blank project key, one over 4096 characters or holding a control character
     */
    public Corpus(Store store, String project, DataPolicy policy) {
        this(store, project, policy, System::currentTimeMillis);
    }

    /** As {@link #Corpus(Store, String, DataPolicy)}, with {@code clock} giving the time in epoch ms. */
    public Corpus(Store store, String project, DataPolicy policy, LongSupplier clock) {
        this.store = store;
        this.project = Keys.check("project", project, Keys.MAX_PROJECT_CHARS);
        this.policy = policy;
        this.clock = clock;
    }

    /** @return the policy this corpus applies */
    public DataPolicy policy() {
        return policy;
    }

    /**
     * Declares the project's run type ({@code data.session project runType}, seed 000): conversations begun later
     * without a session of their own take it.
     *
     * @param runType {@code production}, {@code smoke}, {@code research} or {@code debug}
     * @return the category those conversations fall in
     * @throws MeshException (invalid input) for any other run type
     */
    public Category session(String runType) {
        return declare(PROJECT_SESSION, RunType.parse(runType));
    }

    /**
     * Declares the run type of one session (a spawned agent's runtime session, a crew run): conversations begun in it
     * take it, whatever the project's run type.
     *
     * @param sessionKey the session, one line of at most 256 characters and not a run type's name
     * @return the category its conversations fall in
     * @throws MeshException (invalid input) for a bad session key or an unknown run type
     */
    public Category session(String sessionKey, String runType) {
        String key = Keys.check("session", sessionKey, Keys.MAX_NAME_CHARS);
        if (RunType.isName(key)) {
            throw MeshException.invalidInput("session '" + key + "' is a run type's name; name the session otherwise");
        }
        return declare(key, RunType.parse(runType));
    }

    private Category declare(String key, RunType runType) {
        Category category = policy.categoryOf(runType);
        store.write(tx -> {
            SessionTable.of(tx).declare(project, key, runType, category.wire(), clock.getAsLong());
            return null;
        });
        return category;
    }

    /**
     * @param sessionKey a session, or null for the project's own
     * @return its declared run type; for an undeclared session the project's; {@link #DEFAULT_RUN_TYPE} if neither
     */
    public RunType runType(String sessionKey) {
        return store.read(tx -> resolve(tx, sessionKey == null ? PROJECT_SESSION : sessionKey));
    }

    private RunType resolve(StoreTx tx, String key) {
        SessionTable sessions = SessionTable.of(tx);
        return sessions.runType(project, key).or(() -> sessions.runType(project, PROJECT_SESSION)).orElse(DEFAULT_RUN_TYPE);
    }

    /**
     * Begins capturing a conversation.
     *
     * @param agent        the agent's name (at most 256 characters, one line)
     * @param runtime      the runtime, e.g. {@code pi}, {@code claude}, {@code codex}
     * @param model        {@code provider/model[:thinking]}, or null for the runtime's default
     * @param session      a run type's name ({@code production}, {@code smoke}, {@code research}, {@code debug}) to
     *                     give it directly; a session key to take that session's run type (the project's if that
     *                     session was never declared); or null for the project's run type
     * @param systemPrompt the system prompt, or null; stored for {@code production_work} only
     * @return the conversation's id, for the capture calls
     * @throws MeshException (invalid input) for a blank or control-character name, or one over 256 characters
     */
    public long begin(String agent, String runtime, String model, String session, String systemPrompt) {
        String a = Redactor.redact(Keys.check("agent", agent, Keys.MAX_NAME_CHARS));
        String r = Redactor.redact(Keys.check("runtime", runtime, Keys.MAX_NAME_CHARS));
        String m = Redactor.redact(Keys.checkOptional("model", model, Keys.MAX_NAME_CHARS));
        String key = session == null || RunType.isName(session) ? PROJECT_SESSION : Keys.check("session", session, Keys.MAX_NAME_CHARS);
        Bounds.Fitted prompt = systemPrompt == null ? null : Bounds.fit(systemPrompt, MAX_SYSTEM_PROMPT_CHARS, Redactor::redact);
        return store.write(tx -> {
            RunType runType = session != null && RunType.isName(session) ? RunType.parse(session) : resolve(tx, key);
            Category category = policy.categoryOf(runType);
            boolean full = category.storage() == Category.Storage.FULL;
            String kept = full && prompt != null ? prompt.text() : null;
            return ConversationTable.of(tx).insert(project, key, a, r, m, runType, category, kept,
                    kept == null ? 0 : kept.length(), Bounds.utf8(kept), kept != null && prompt.truncated(), clock.getAsLong());
        });
    }

    /** Captures a user message (a prompt, a steer, a follow-up, an assignment). @throws MeshException (invalid input) for an unknown id */
    public void user(long id, String text) {
        append(id, MessageTable.USER, text, null, null, null, false);
    }

    /** Captures an assistant text (a complete message). @throws MeshException (invalid input) for an unknown id */
    public void assistant(long id, String text) {
        append(id, MessageTable.ASSISTANT, text, null, null, null, false);
    }

    /**
     * Captures a tool call of the assistant.
     *
     * @param callId        the runtime's id of the call; blank to have one made ({@code call_<conversation>_<n>})
     * @param tool          the tool's name as the runtime calls it
     * @param argumentsJson the arguments, a JSON text (redacted field by field), or null for {@code {}}; text that is
     *                      not JSON is kept as {@code {"text": ...}} and arguments over {@value #MAX_MESSAGE_CHARS}
     *                      characters as {@code {"truncated": ...}}, so the export's {@code arguments} are always JSON
     * @return the call id used
     * @throws MeshException (invalid input) for an unknown id, or a tool or call id that is blank where needed, has a
     *                       control character or is over 256 characters
     */
    public String toolCall(long id, String callId, String tool, String argumentsJson) {
        String name = Keys.check("tool", tool, Keys.MAX_NAME_CHARS);
        String given = callId == null || callId.isEmpty() ? null : Keys.check("call id", callId, Keys.MAX_NAME_CHARS);
        Bounds.Fitted args = arguments(argumentsJson);
        return append(id, MessageTable.TOOL_CALL, null, given, Redactor.redact(name), args, false);
    }

    /**
     * Captures a tool call's result.
     *
     * @param callId the call's id as {@link #toolCall} was given or returned; blank for the latest call with no result
     * @param text   the result
     * @throws MeshException (invalid input) for an unknown id or a bad call id
     */
    public void toolResult(long id, String callId, String text) {
        toolResult(id, callId, null, text);
    }

    private void toolResult(long id, String callId, String tool, String text) {
        String given = callId == null || callId.isEmpty() ? null : Keys.check("call id", callId, Keys.MAX_NAME_CHARS);
        append(id, MessageTable.TOOL, text, given, tool, null, false);
    }

    /**
     * Ends a conversation with its summary (the agent's {@code agents.done} summary, a turn's final text). Ending again
     * replaces the summary; captures after the end are still taken.
     *
     * @param summary the summary, or null; stored for {@code production_work}, {@code smoke_test} and {@code ops_debug}
     * @throws MeshException (invalid input) for an unknown id
     */
    public void end(long id, String summary) {
        Bounds.Fitted s = summary == null ? null : Bounds.fit(summary, MAX_SUMMARY_CHARS, Redactor::redact);
        store.write(tx -> {
            Conversation c = conversation(tx, id);
            String kept = s == null || c.category().storage() == Category.Storage.METADATA ? null : s.text();
            long chars = (kept == null ? 0 : kept.length()) - (c.summary() == null ? 0 : c.summary().length());
            long bytes = Bounds.utf8(kept) - Bounds.utf8(c.summary());
            ConversationTable.of(tx).end(id, kept, chars, bytes, kept != null && s.truncated(), clock.getAsLong());
            return null;
        });
    }

    /**
     * Captures one runtime event, so the wiring is one call per event (a call or tool name a runtime gives that is not
     * a valid name is replaced, never an error): {@link AgentEvent.Text} is an assistant text;
     * {@link AgentEvent.ToolCallStarted} a tool call with {@code {"path": ...}} as its arguments (or {@code {}});
     * {@link AgentEvent.ToolCallEnded} its result, {@code ok} or {@code error} (the events carry no output);
     * {@link AgentEvent.TurnEnded} its final text as an assistant text unless it repeats the last one;
     * {@link AgentEvent.Usage} adds tokens and cost. Turn starts, errors and state changes store nothing: the prompt
     * that starts a turn is captured with {@link #user}.
     *
     * @throws MeshException (invalid input) for an unknown id
     */
    public void record(long id, AgentEvent event) {
        switch (event) {
            case AgentEvent.Text t -> assistant(id, t.text());
            case AgentEvent.ToolCallStarted t -> toolCall(id, Keys.orElse(t.callId(), ""), Keys.orElse(t.tool(), "unknown"),
                    t.path() == null ? "{}" : Redactor.write(JsonNodeFactory.instance.objectNode().put("path", t.path())));
            case AgentEvent.ToolCallEnded t -> toolResult(id, Keys.orElse(t.callId(), ""), Keys.orElse(t.tool(), "unknown"),
                    t.error() ? "error" : "ok");
            case AgentEvent.TurnEnded t -> {
                if (t.finalText() != null && !t.finalText().isBlank()) {
                    append(id, MessageTable.ASSISTANT, t.finalText(), null, null, null, true);
                }
            }
            case AgentEvent.Usage u -> store.write(tx -> {
                conversation(tx, id);
                ConversationTable.of(tx).usage(id, Math.max(0, u.inputTokens()), Math.max(0, u.outputTokens()),
                        u.costUsd() > 0 && Double.isFinite(u.costUsd()) ? u.costUsd() : 0, clock.getAsLong());
                return null;
            });
            case AgentEvent.TurnStarted _, AgentEvent.Error _, AgentEvent.StateChanged _ -> {
            }
        }
    }

    /**
     * @param unlessRepeat true to drop an assistant text that repeats the last one (a turn's final text after the same
     *                     {@link AgentEvent.Text})
     * @return the call id, for a tool call or result; else null
     */
    private String append(long id, String role, String raw, String callId, String tool, Bounds.Fitted args, boolean unlessRepeat) {
        Bounds.Fitted body = raw == null ? null : Bounds.fit(raw, MAX_MESSAGE_CHARS, Redactor::redact);
        boolean chat = MessageTable.USER.equals(role) || MessageTable.ASSISTANT.equals(role);
        Long hash = MessageTable.ASSISTANT.equals(role) && body != null ? (long) body.text().hashCode() : null;
        return store.write(tx -> {
            Conversation c = conversation(tx, id);
            ConversationTable conversations = ConversationTable.of(tx);
            long now = clock.getAsLong();
            if (chat && (body == null || body.text().isEmpty())) {
                return null; // nothing said
            }
            if (unlessRepeat && hash != null && hash.equals(conversations.lastAssistantHash(id))) {
                return null;
            }
            MessageTable messages = MessageTable.of(tx);
            String call = callId;
            if (MessageTable.TOOL_CALL.equals(role) && call == null) {
                call = "call_" + id + "_" + (c.messages() + 1);
            } else if (MessageTable.TOOL.equals(role) && call == null && c.category().storage() == Category.Storage.FULL) {
                call = messages.openCall(id, tool).orElse("call_unknown");
            }
            if (c.category().storage() != Category.Storage.FULL || c.messages() >= MAX_MESSAGES) {
                conversations.count(id, 1, 0, 0, c.messages() >= MAX_MESSAGES, hash, now);
                return call;
            }
            String text = body == null ? null : body.text();
            String arguments = args == null ? null : args.text();
            boolean truncated = (body != null && body.truncated()) || (args != null && args.truncated());
            long size = (text == null ? 0 : text.length()) + (arguments == null ? 0 : arguments.length());
            if (size > MAX_CONVERSATION_CHARS - conversations.chars(id)) {
                text = text == null ? null : CONVERSATION_FULL;
                arguments = arguments == null ? null : "{}";
                truncated = true;
            }
            messages.append(id, role, text, call, tool, arguments, now);
            if (MessageTable.TOOL.equals(role)) {
                messages.answer(id, call);
            }
            long chars = (text == null ? 0 : text.length()) + (arguments == null ? 0 : arguments.length());
            conversations.count(id, 1, chars, Bounds.utf8(text) + Bounds.utf8(arguments), truncated, hash, now);
            return call;
        });
    }

    /** @return the arguments as they will be stored: redacted JSON, cut inside a JSON wrapper when too long */
    private static Bounds.Fitted arguments(String raw) {
        if (raw == null || raw.isBlank()) {
            return new Bounds.Fitted("{}", false);
        }
        JsonNode tree = raw.length() <= MAX_ARGUMENTS_PARSED_CHARS ? Redactor.parse(raw) : null;
        if (tree != null) {
            String json = Redactor.write(Redactor.redactTree(tree));
            if (json.length() <= MAX_MESSAGE_CHARS) {
                return new Bounds.Fitted(json, false);
            }
            return wrapped("truncated", Bounds.fit(json, MAX_MESSAGE_CHARS - 64, t -> t));
        }
        Bounds.Fitted text = Bounds.fit(raw, MAX_MESSAGE_CHARS - 64, Redactor::redact);
        return wrapped(raw.length() > MAX_ARGUMENTS_PARSED_CHARS || text.truncated() ? "truncated" : "text", text);
    }

    private static Bounds.Fitted wrapped(String field, Bounds.Fitted inner) {
        String json = Redactor.write(JsonNodeFactory.instance.objectNode().put(field, inner.text()));
        return new Bounds.Fitted(json.length() <= MAX_MESSAGE_CHARS ? json : "{\"" + field + "\":\"\"}", inner.truncated()
                || field.equals("truncated"));
    }

    /** @return conversation {@code id} of this project, with no messages */
    public Optional<Conversation> conversation(long id) {
        return store.read(tx -> ConversationTable.of(tx).get(project, id));
    }

    private Conversation conversation(StoreTx tx, long id) {
        return ConversationTable.of(tx).get(project, id).orElseThrow(() -> MeshException.invalidInput(
                "no conversation " + id + " in this project's corpus; begin one first (it may have been deleted by retention)"));
    }

    /** @return the counts of this project's corpus (see {@link CorpusStats}) */
    public CorpusStats stats() {
        return stats(project);
    }

    /**
     * @param project a project key, or null for every project of the store
     * @return the counts of that corpus, eligibility judged by this corpus's policy
     */
    public CorpusStats stats(String project) {
        Keys.checkOptional("project", project, Keys.MAX_PROJECT_CHARS);
        return store.read(tx -> {
            Map<Category, long[]> sums = new EnumMap<>(Category.class);
            for (Category c : Category.values()) {
                sums.put(c, new long[5]);
            }
            long conversations = 0, messages = 0, bytes = 0, eligible = 0, eligibleMessages = 0;
            Long oldest = null, newest = null;
            for (ConversationTable.Group g : ConversationTable.of(tx).groups(project)) {
                boolean ok = policy.trainingEligible(g.project(), g.category());
                long[] s = sums.get(g.category());
                s[0] += g.sessions();
                s[1] += g.conversations();
                s[2] += g.messages();
                s[3] += g.bytes();
                s[4] += ok ? g.conversations() : 0;
                conversations += g.conversations();
                messages += g.messages();
                bytes += g.bytes();
                eligible += ok ? g.conversations() : 0;
                eligibleMessages += ok ? g.messages() : 0;
                oldest = oldest == null ? g.oldest() : Math.min(oldest, g.oldest());
                newest = newest == null ? g.newest() : Math.max(newest, g.newest());
            }
            Map<Category, CorpusStats.PerCategory> per = new EnumMap<>(Category.class);
            sums.forEach((c, s) -> per.put(c, new CorpusStats.PerCategory(s[0], s[1], s[2], s[3], s[4])));
            RunType current = project == null ? null : SessionTable.of(tx).runType(project, PROJECT_SESSION).orElse(DEFAULT_RUN_TYPE);
            return new CorpusStats(project, current, conversations, messages, bytes, eligible, eligibleMessages, oldest,
                    newest, java.util.Collections.unmodifiableMap(per));
        });
    }

    /**
     * Writes conversations as JSONL ({@code data.export}, seed 000), one per line, oldest first:
     * {@code {"messages":[{"role":"system","content":...},{"role":"user","content":...},{"role":"assistant",
     * "content":...,"tool_calls":[{"id":...,"type":"function","function":{"name":...,"arguments":"<json>"}}]},
     * {"role":"tool","tool_call_id":...,"content":...}],"metadata":{"project","agent","runtime","model","category",
     * "run_type","created" (ISO-8601 UTC),"conversation","session","training_eligible","truncated",
     * "captured_messages","input_tokens","output_tokens","cost_usd","summary"?}}}. A conversation that kept no messages
     * has an empty {@code messages} list. Conversations are read a few at a time, so the corpus need not fit in memory.
     *
     * @param out    where to write (UTF-8 is the caller's choice of writer); not closed
     * @param filter which conversations, e.g. {@link ExportFilter#eligible}
     * @return what was written
     * @throws MeshException (unexpected state) when {@code out} fails; the lines written before stay written
     */
    public ExportResult export(Writer out, ExportFilter filter) {
        List<ConversationTable.Head> listed = store.read(tx -> ConversationTable.of(tx).list(filter.project(), filter.since()));
        long lines = 0, chat = 0, excluded = 0;
        for (ConversationTable.Head head : listed) {
            if (!filter.categories().isEmpty() && !filter.categories().contains(head.category())) {
                continue;
            }
            boolean eligible = policy.trainingEligible(head.project(), head.category());
            if (filter.eligibleOnly() && !eligible) {
                excluded++;
                continue;
            }
            Map.Entry<String, Integer> line = store.read(tx -> ConversationTable.of(tx).get(head.id())
                    .map(c -> ChatLines.line(c, MessageTable.of(tx).list(c.id()), eligible)).orElse(null));
            if (line == null) {
                continue; // deleted by retention since it was listed
            }
            try {
                out.write(line.getKey());
                out.write('\n');
            } catch (IOException e) {
                throw MeshException.unexpectedState("cannot write the export after " + lines + " conversations: " + e.getMessage(), e);
            }
            lines++;
            chat += line.getValue();
        }
        try {
            out.flush();
        } catch (IOException e) {
            throw MeshException.unexpectedState("cannot write the export: " + e.getMessage(), e);
        }
        return new ExportResult(lines, chat, excluded);
    }

    /** @return {@link #retention(int)} with the policy's {@link DataPolicy#retentionDays()} */
    public RetentionResult retention() {
        return retention(policy.retentionDays());
    }

    /**
     * Deletes this project's conversations last active more than {@code days} days ago, with their messages
     * ({@code data.retention}, seed 000). Session declarations are kept. SQLite reuses the freed pages; the deleted
     * text stays in the file until they are (or until a {@code VACUUM}).
     *
     * @param days 0 to {@value DataPolicy#MAX_RETENTION_DAYS}; 0 deletes every conversation not active at this moment
     * @return what was deleted
     * @throws MeshException (invalid input) for a negative or too large number of days
     */
    public RetentionResult retention(int days) {
        DataPolicy.checkRetentionDays(days);
        long cutoff = clock.getAsLong() - days * 86_400_000L;
        return store.write(tx -> {
            List<Long> ids = ConversationTable.of(tx).idleSince(project, cutoff);
            int messages = 0;
            int conversations = 0;
            for (int from = 0; from < ids.size(); from += 500) {
                List<Long> batch = ids.subList(from, Math.min(ids.size(), from + 500));
                messages += MessageTable.of(tx).delete(batch);
                conversations += ConversationTable.of(tx).delete(batch);
            }
            return new RetentionResult(days, cutoff, conversations, messages);
        });
    }
}
