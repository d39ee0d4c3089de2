-- agentmesh schema v14 (issue 8, seeds/004): circles, descriptions with a TTL, and orchestrator roles.
-- An agent belongs to at most one circle; null means none, i.e. the whole project (the behaviour before v14).
ALTER TABLE agents ADD COLUMN circle TEXT;
-- What the agent says it is working on (set_description), shown while description_expires_at (epoch ms) is ahead.
ALTER TABLE agents ADD COLUMN description TEXT;
ALTER TABLE agents ADD COLUMN description_expires_at INTEGER;

-- Who orchestrates (or observes) a circle. Metadata, not access control (seeds/004). A row ends when its agent
-- leaves or is reaped (deleted in the leave's transaction) and is ignored while its agent is in another circle.
CREATE TABLE orchestrator_roles (
    project    TEXT    NOT NULL,
    circle     TEXT    NOT NULL,  -- '' for the whole project
    agent_id   INTEGER NOT NULL REFERENCES agents (id),
    role       TEXT    NOT NULL CHECK (role IN ('orchestrator', 'observer')),
    claimed_at INTEGER NOT NULL,  -- epoch ms of the claim (kept when the holder claims again)
    renewed_at INTEGER NOT NULL,  -- epoch ms of the holder's last claim: a heartbeat
    PRIMARY KEY (project, circle, agent_id)
);
-- at most one orchestrator per circle: the claim's compare-and-set cannot make two
CREATE UNIQUE INDEX orchestrator_roles_one_orchestrator ON orchestrator_roles (project, circle) WHERE role = 'orchestrator';
CREATE INDEX orchestrator_roles_agent ON orchestrator_roles (agent_id);
