-- agentmesh schema v9: the data policy and training corpus (issue 6, part 5; seed 000, "Data Policy + Training
-- Corpus"). Times are epoch milliseconds. Every text column holds text already redacted (dev.agentmesh.corpus.Redactor);
-- which columns are filled follows the conversation's category: production_work keeps the system prompt, the
-- messages and the summary; smoke_test and ops_debug the summary only; off_topic no text at all.

-- The run type declared for a session (data.session). session_key '' is the project's current run type, used by a
-- conversation that names no session of its own.
CREATE TABLE corpus_sessions (
    project      TEXT    NOT NULL,
    session_key  TEXT    NOT NULL,
    run_type     TEXT    NOT NULL,
    category     TEXT    NOT NULL,
    declared_at  INTEGER NOT NULL,
    PRIMARY KEY (project, session_key)
);

-- One captured conversation: an agent's transcript from begin to end. messages counts every message captured,
-- stored or not; chars counts the characters stored for it (system prompt, bodies, arguments, summary).
CREATE TABLE corpus_conversations (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    project              TEXT    NOT NULL,
    session_key          TEXT    NOT NULL,
    agent                TEXT    NOT NULL,
    runtime              TEXT    NOT NULL,
    model                TEXT,
    run_type             TEXT    NOT NULL,
    category             TEXT    NOT NULL,
    system_prompt        TEXT,
    summary              TEXT,
    messages             INTEGER NOT NULL DEFAULT 0,
    chars                INTEGER NOT NULL DEFAULT 0,
    bytes                INTEGER NOT NULL DEFAULT 0,
    truncated            INTEGER NOT NULL DEFAULT 0,
    input_tokens         INTEGER NOT NULL DEFAULT 0,
    output_tokens        INTEGER NOT NULL DEFAULT 0,
    cost_usd             REAL    NOT NULL DEFAULT 0,
    last_assistant_hash  INTEGER,
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL,
    ended_at             INTEGER
);
CREATE INDEX corpus_conversations_project ON corpus_conversations (project, category, created_at);
CREATE INDEX corpus_conversations_updated ON corpus_conversations (project, updated_at);

-- The messages of a production_work conversation, in order. role is user, assistant, tool_call (an assistant's
-- call: call_id, tool, arguments as a JSON text) or tool (a call's result: call_id, content).
CREATE TABLE corpus_messages (
    conversation  INTEGER NOT NULL REFERENCES corpus_conversations (id) ON DELETE CASCADE,
    seq           INTEGER NOT NULL,
    role          TEXT    NOT NULL,
    content       TEXT,
    call_id       TEXT,
    tool          TEXT,
    arguments     TEXT,
    answered      INTEGER NOT NULL DEFAULT 0,
    at            INTEGER NOT NULL,
    PRIMARY KEY (conversation, seq)
);
