-- agentmesh schema v1: presence, messages, reservations, feed, crew tasks.
-- Times are epoch milliseconds. Every row carries its project (the git root) so one store serves many projects.

CREATE TABLE agents (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    project        TEXT    NOT NULL,
    name           TEXT    NOT NULL,
    pid            INTEGER,
    host           TEXT,
    cwd            TEXT,
    runtime        TEXT,
    model          TEXT,
    branch         TEXT,
    status_message TEXT,
    joined_at      INTEGER NOT NULL,
    last_seen      INTEGER NOT NULL,
    left_at        INTEGER,
    UNIQUE (project, name)
);

CREATE TABLE messages (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    project     TEXT    NOT NULL,
    sender      TEXT    NOT NULL,
    body        TEXT    NOT NULL,
    reply_to    INTEGER,
    broadcast   INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL
);

CREATE TABLE deliveries (
    message_id   INTEGER NOT NULL REFERENCES messages (id),
    recipient_id INTEGER NOT NULL REFERENCES agents (id),
    delivered_at INTEGER,
    PRIMARY KEY (message_id, recipient_id)
);
CREATE INDEX deliveries_pending ON deliveries (recipient_id, delivered_at, message_id);

CREATE TABLE reservations (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    project     TEXT    NOT NULL,
    agent_id    INTEGER NOT NULL REFERENCES agents (id),
    pattern     TEXT    NOT NULL,
    exclusive   INTEGER NOT NULL DEFAULT 1,
    reason      TEXT,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER
);
CREATE INDEX reservations_project ON reservations (project);

CREATE TABLE feed (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    project    TEXT    NOT NULL,
    at         INTEGER NOT NULL,
    actor      TEXT,
    kind       TEXT    NOT NULL,
    target     TEXT,
    detail     TEXT
);
CREATE INDEX feed_project ON feed (project, id);

CREATE TABLE tasks (
    project       TEXT    NOT NULL,
    id            TEXT    NOT NULL,
    title         TEXT    NOT NULL,
    description   TEXT    NOT NULL DEFAULT '',
    status        TEXT    NOT NULL,
    assignee      TEXT,
    attempts      INTEGER NOT NULL DEFAULT 0,
    reviews       INTEGER NOT NULL DEFAULT 0,
    verdict       TEXT,
    feedback      TEXT,
    summary       TEXT,
    block_reason  TEXT,
    wave          INTEGER,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    PRIMARY KEY (project, id)
);

CREATE TABLE task_deps (
    project     TEXT NOT NULL,
    task_id     TEXT NOT NULL,
    depends_on  TEXT NOT NULL,
    PRIMARY KEY (project, task_id, depends_on)
);

CREATE TABLE reviews (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    project     TEXT    NOT NULL,
    task_id     TEXT    NOT NULL,
    reviewer    TEXT    NOT NULL,
    verdict     TEXT    NOT NULL,
    feedback    TEXT,
    at          INTEGER NOT NULL
);

CREATE TABLE crew_runs (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    project      TEXT    NOT NULL,
    prd          TEXT,
    status       TEXT    NOT NULL,
    pid          INTEGER,
    host         TEXT,
    started_at   INTEGER NOT NULL,
    ended_at     INTEGER,
    planning_ms  INTEGER NOT NULL DEFAULT 0,
    work_ms      INTEGER NOT NULL DEFAULT 0,
    review_ms    INTEGER NOT NULL DEFAULT 0,
    waves        INTEGER NOT NULL DEFAULT 0
);
