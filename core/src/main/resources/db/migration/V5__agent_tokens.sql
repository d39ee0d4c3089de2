-- agentmesh schema v5: agent tokens (issue 5, part 3). join hands the agent a random token and keeps only its
-- SHA-256 here; every later call made as that agent must carry the token.
ALTER TABLE agents ADD COLUMN token_hash TEXT;
