-- agentmesh schema v11: token and dollar usage of spawned agents, and their budgets (issue 6, part 7). One row per
-- agent; the row of agent '' is the project's own (its totals and its budget). A budget of null is no limit.
CREATE TABLE agent_usage (
    project        TEXT    NOT NULL,
    agent          TEXT    NOT NULL,
    input_tokens   INTEGER NOT NULL DEFAULT 0,
    output_tokens  INTEGER NOT NULL DEFAULT 0,
    cost_usd       REAL    NOT NULL DEFAULT 0,
    budget_tokens  INTEGER,
    budget_usd     REAL,
    updated_at     INTEGER NOT NULL,
    PRIMARY KEY (project, agent)
);
