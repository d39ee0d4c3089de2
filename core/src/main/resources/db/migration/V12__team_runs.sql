-- agentmesh schema v12: agent_team runs (issue 7, seeds/002), durable across supervisor restarts. A run's handle
-- r<number> is never reused in a project: team_counters keeps the last number even after cleanup.
CREATE TABLE team_counters (
    project  TEXT    NOT NULL PRIMARY KEY,
    last_run INTEGER NOT NULL
);

CREATE TABLE team_runs (
    project        TEXT    NOT NULL,
    run_id         TEXT    NOT NULL,
    number         INTEGER NOT NULL,
    owner          TEXT,              -- the agent that started it: its notices go there; null for none
    objective      TEXT    NOT NULL,
    status         TEXT    NOT NULL,  -- running, succeeded, failed, cancelled, timed_out
    plan           TEXT    NOT NULL,  -- the validated plan (TeamPlan as JSON)
    notices        TEXT    NOT NULL,  -- {"mode", "maxNotices", "minIntervalSeconds"}
    notices_sent   INTEGER NOT NULL DEFAULT 0,
    last_notice_at INTEGER,
    cwd            TEXT    NOT NULL,  -- the invocation cwd every step's cwd is relative to
    artifacts      TEXT    NOT NULL,  -- .mesh/team/<run_id>
    supervisor_pid INTEGER,           -- the supervisor that drives it
    diagnostic     TEXT,
    created_at     INTEGER NOT NULL,
    ended_at       INTEGER,
    expires_at     INTEGER,           -- terminal runs are dropped after it (limits.retentionSeconds)
    PRIMARY KEY (project, run_id)
);

CREATE TABLE team_steps (
    project       TEXT    NOT NULL,
    run_id        TEXT    NOT NULL,
    step_id       TEXT    NOT NULL,
    position      INTEGER NOT NULL,
    status        TEXT    NOT NULL,   -- pending, running, succeeded, failed, blocked, cancelled, timed_out
    runtime       TEXT    NOT NULL,
    model         TEXT,
    thinking      TEXT,
    tools         TEXT    NOT NULL,   -- effective tools, a JSON array
    cwd           TEXT    NOT NULL,
    pid           INTEGER,
    session_id    TEXT,
    started_at    INTEGER,
    ended_at      INTEGER,
    failure       TEXT,               -- why it did not succeed (assistant-final-empty, timeout, ...)
    final_chars   INTEGER,
    artifact      TEXT,               -- its artifact file
    input_tokens  INTEGER NOT NULL DEFAULT 0,
    output_tokens INTEGER NOT NULL DEFAULT 0,
    cost_usd      REAL    NOT NULL DEFAULT 0,
    tool_calls    INTEGER NOT NULL DEFAULT 0,
    last_activity TEXT,
    messages      INTEGER NOT NULL DEFAULT 0,
    message_chars INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (project, run_id, step_id)
);

CREATE TABLE team_events (
    project  TEXT    NOT NULL,
    run_id   TEXT    NOT NULL,
    seq      INTEGER NOT NULL,
    at       INTEGER NOT NULL,
    step_id  TEXT,
    kind     TEXT    NOT NULL,
    material INTEGER NOT NULL,        -- 1 for a state change a run_status wait wakes on
    text     TEXT    NOT NULL,
    PRIMARY KEY (project, run_id, seq)
);

CREATE TABLE team_messages (
    project  TEXT NOT NULL,
    run_id   TEXT NOT NULL,
    step_id  TEXT NOT NULL,
    msg_key  TEXT NOT NULL,
    receipt  TEXT NOT NULL,           -- the receipt given the first time, as JSON
    PRIMARY KEY (project, run_id, step_id, msg_key)
);
