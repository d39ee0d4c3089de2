-- agentmesh schema v8: the memory of persistent agents (issue 6, part 4; seed 000). One row per agents.done summary,
-- embedded for recall on the next assignment in the same workstream. The embedding is 384 float32 values,
-- little-endian (1,536 bytes), made by the embedder named in `embedder`; rows of another embedder are never compared.
CREATE TABLE agent_memory (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    project     TEXT    NOT NULL,
    workstream  TEXT    NOT NULL,
    agent       TEXT    NOT NULL,
    task        TEXT,
    summary     TEXT    NOT NULL,
    embedder    TEXT    NOT NULL,
    embedding   BLOB    NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX agent_memory_workstream ON agent_memory (project, workstream, created_at);
