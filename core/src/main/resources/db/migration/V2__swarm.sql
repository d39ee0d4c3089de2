-- agentmesh schema v2: swarm claims (pi-messenger's swarm actions, seeds/001).
-- One row per claimed task of a spec; a completed claim keeps its row. The unique key makes a claim a
-- compare-and-set: of many claimants exactly one inserts.
CREATE TABLE swarm_claims (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    project      TEXT    NOT NULL,
    spec         TEXT    NOT NULL DEFAULT '',
    task_id      TEXT    NOT NULL,
    agent_id     INTEGER NOT NULL REFERENCES agents(id),
    claimed_at   INTEGER NOT NULL,
    completed_at INTEGER,
    result       TEXT,
    UNIQUE (project, spec, task_id)
);
CREATE INDEX swarm_claims_agent ON swarm_claims (agent_id);
