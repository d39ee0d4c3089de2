-- agentmesh schema v15: the orchestrator's asks, durable jobs and schedules (issue 8, seeds/004), kept in the store so
-- they survive supervisor restarts. Ids are global (AUTOINCREMENT: never reused); every row carries its project.

CREATE TABLE asks (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    project     TEXT    NOT NULL,
    sender      TEXT    NOT NULL,   -- the asker's agent name
    recipient   TEXT    NOT NULL,   -- the peer that owes the ack
    brief       TEXT    NOT NULL,
    status      TEXT    NOT NULL,   -- open, acked
    reply       TEXT,               -- the ack's message; null for a bare ack (seen)
    reply_to    INTEGER,            -- an ask this one answers, or null
    circle      TEXT,
    group_id    INTEGER,            -- the ask_many group, or null
    job_id      INTEGER,            -- the job this ask dispatches, or null
    message_id  INTEGER NOT NULL,   -- the mesh message that carried it
    created_at  INTEGER NOT NULL,
    acked_at    INTEGER
);
CREATE INDEX asks_open ON asks (project, recipient, status);
CREATE INDEX asks_group ON asks (group_id);

CREATE TABLE ask_groups (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    project     TEXT    NOT NULL,
    sender      TEXT    NOT NULL,
    query       TEXT    NOT NULL,
    failed      TEXT    NOT NULL,   -- JSON array of {"peer", "error"}: peers no ask could be opened for
    created_at  INTEGER NOT NULL
);

CREATE TABLE jobs (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    project         TEXT    NOT NULL,
    owner           TEXT    NOT NULL,
    assignee        TEXT,
    title           TEXT    NOT NULL,
    kind            TEXT    NOT NULL,
    request         TEXT    NOT NULL,
    state           TEXT    NOT NULL,  -- queued dispatching delivered running awaiting_input blocked completed failed cancelled expired unavailable
    phase           TEXT,
    progress        INTEGER,           -- 0..100, or null
    result          TEXT,
    error           TEXT,
    artifacts       TEXT    NOT NULL DEFAULT '[]',  -- JSON array of strings
    attempts        INTEGER NOT NULL DEFAULT 0,     -- dispatch attempts made
    max_attempts    INTEGER NOT NULL,
    next_attempt_at INTEGER,           -- when a queued job is dispatched (due_at, or a retry's backoff)
    dead_lettered   INTEGER NOT NULL DEFAULT 0,
    ask_id          INTEGER,           -- the ask of the current dispatch
    dispatched_at   INTEGER,
    due_at          INTEGER,
    cron            TEXT,              -- a recurring template: each fire creates a job with parent_id set
    parent_id       INTEGER,
    deadline        INTEGER,           -- a job not terminal by then expires
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX jobs_due ON jobs (state, next_attempt_at);
CREATE INDEX jobs_project ON jobs (project, id);

CREATE TABLE schedules (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    project      TEXT    NOT NULL,
    owner        TEXT    NOT NULL,
    to_peer      TEXT    NOT NULL,
    text         TEXT    NOT NULL,
    kind         TEXT    NOT NULL,   -- notify, ask
    fire_at      INTEGER,            -- a one-shot's time
    cron         TEXT,               -- a recurring schedule's expression
    next_fire_at INTEGER,            -- the next fire or retry; null when not active
    attempts     INTEGER NOT NULL DEFAULT 0,  -- failed attempts of the current fire
    state        TEXT    NOT NULL,   -- active, done, dead_letter, deleted
    last_error   TEXT,
    fired_count  INTEGER NOT NULL DEFAULT 0,
    last_fired_at INTEGER,
    created_at   INTEGER NOT NULL
);
CREATE INDEX schedules_due ON schedules (state, next_fire_at);

-- The timeline (V13) indexes asks (rowid id * 4 + 1: the brief and, once acked, the reply) and jobs (id * 4 + 2: the
-- title, request, state, result and error), kept in step as they change.
CREATE TRIGGER timeline_ask_insert AFTER INSERT ON asks
BEGIN
    INSERT INTO timeline (rowid, body, actor, project, kind, ref, at)
    VALUES (new.id * 4 + 1, 'ask to ' || new.recipient || ': ' || new.brief, new.sender, new.project, 'ask', CAST(new.id AS TEXT), new.created_at);
END;

CREATE TRIGGER timeline_ask_update AFTER UPDATE OF status, reply ON asks
BEGIN
    UPDATE timeline SET body = 'ask to ' || new.recipient || ': ' || new.brief || COALESCE(' | reply: ' || new.reply, '')
    WHERE rowid = new.id * 4 + 1;
END;

CREATE TRIGGER timeline_ask_delete AFTER DELETE ON asks
BEGIN
    DELETE FROM timeline WHERE rowid = old.id * 4 + 1;
END;

CREATE TRIGGER timeline_job_insert AFTER INSERT ON jobs
BEGIN
    INSERT INTO timeline (rowid, body, actor, project, kind, ref, at)
    VALUES (new.id * 4 + 2, 'job ' || new.state || ' for ' || COALESCE(new.assignee, 'nobody') || ': ' || new.title || ' | ' || new.request,
            new.owner, new.project, 'job', CAST(new.id AS TEXT), new.created_at);
END;

CREATE TRIGGER timeline_job_update AFTER UPDATE OF state, result, error, assignee ON jobs
BEGIN
    UPDATE timeline SET body = 'job ' || new.state || ' for ' || COALESCE(new.assignee, 'nobody') || ': ' || new.title || ' | '
        || new.request || COALESCE(' | result: ' || new.result, '') || COALESCE(' | error: ' || new.error, '')
    WHERE rowid = new.id * 4 + 2;
END;

CREATE TRIGGER timeline_job_delete AFTER DELETE ON jobs
BEGIN
    DELETE FROM timeline WHERE rowid = old.id * 4 + 2;
END;

-- The files a crew task's workers edited (over all its attempts), kept so a task's own diff can be shown after the
-- crew run (the dashboard's per-task changes); the reviewer is shown the same set.
CREATE TABLE task_files (
    project TEXT NOT NULL,
    task_id TEXT NOT NULL,
    path    TEXT NOT NULL,
    PRIMARY KEY (project, task_id, path)
);
