-- agentmesh schema v10: the session a spawned agent belongs to (seed 003's registry "session": delete session NAME
-- removes every agent of it). Null for agents spawned before v10: they belong to no named session.
ALTER TABLE spawned_agents ADD COLUMN session TEXT;
