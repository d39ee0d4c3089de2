-- agentmesh schema v4: a version of the leases, bumped by triggers on every change, so that a process can keep
-- an index of the leases in memory and know with one read whether it is current (issue 5, part 7: a reservation
-- check with 10,000 leases). A rename changes the holder shown, so it bumps the version too.
CREATE TABLE reservation_version (v INTEGER NOT NULL);
INSERT INTO reservation_version (v) VALUES (0);
CREATE TRIGGER reservations_inserted AFTER INSERT ON reservations BEGIN UPDATE reservation_version SET v = v + 1; END;
CREATE TRIGGER reservations_deleted AFTER DELETE ON reservations BEGIN UPDATE reservation_version SET v = v + 1; END;
CREATE TRIGGER reservations_updated AFTER UPDATE ON reservations BEGIN UPDATE reservation_version SET v = v + 1; END;
CREATE TRIGGER agents_renamed AFTER UPDATE OF name ON agents BEGIN UPDATE reservation_version SET v = v + 1; END;
