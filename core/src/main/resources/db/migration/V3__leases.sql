-- agentmesh schema v3: heartbeat leases (issue 5, part 3).
-- lease_until is the epoch ms until which a connection of the agent (an MCP session, an event stream) keeps it
-- present; null when no connection ever held it, and the pid alone tells its liveness.
ALTER TABLE agents ADD COLUMN lease_until INTEGER;
