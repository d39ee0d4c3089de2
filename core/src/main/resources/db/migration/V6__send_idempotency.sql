-- agentmesh schema v6: an optional idempotency key on send (issue 5, part 3). A sender that crashed, or whose
-- supervisor was killed before it answered, sends again with the same key and gets the first message back
-- instead of a second one. Keys are per sender in a project.
ALTER TABLE messages ADD COLUMN idempotency_key TEXT;
CREATE UNIQUE INDEX messages_idempotency ON messages (project, sender, idempotency_key) WHERE idempotency_key IS NOT NULL;
