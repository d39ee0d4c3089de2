-- agentmesh schema v7: the registry of persistent named agents (issue 6, parts 2 and 3; seeds 000 and 003). One row
-- per name and project, kept after the agent stops so it can be resumed with the same runtime session and model.
CREATE TABLE spawned_agents (
    project     TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    runtime     TEXT    NOT NULL,
    model       TEXT,
    profile     TEXT,
    session_id  TEXT,
    status      TEXT    NOT NULL,
    workstream  TEXT,
    task        TEXT,
    summary     TEXT,
    pid         INTEGER,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (project, name)
);
