-- agentmesh schema v13: the orchestrator's review queue and timeline search (issue 8, seeds/004).

-- Every mark_reviewed: who reviewed which git ref at which commit, and when. The newest row of (project, reviewer,
-- ref) is the review in force; older rows are the history. ref is a branch name (feature/x), a pull-request ref
-- (refs/pull/12/head) or a full commit id. in_default is 1 when sha was already in the default branch at the review
-- (so a later merge is not news); ref_present is 0 for a review recorded after the ref was gone (a closure seen).
CREATE TABLE ref_reviews (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    project     TEXT    NOT NULL,
    reviewer    TEXT    NOT NULL,
    ref         TEXT    NOT NULL,
    sha         TEXT    NOT NULL,
    in_default  INTEGER NOT NULL,
    ref_present INTEGER NOT NULL,
    reviewed_at INTEGER NOT NULL
);
CREATE INDEX ref_reviews_latest ON ref_reviews (project, reviewer, ref, id);

-- Refs a peer touched, recorded explicitly (ReviewQueue.touch: a job's artifact that is a git ref); branches a peer
-- authored and the branch it joined on are found from git and the agents table instead.
CREATE TABLE review_touches (
    project    TEXT    NOT NULL,
    peer       TEXT    NOT NULL,
    ref        TEXT    NOT NULL,
    touched_at INTEGER NOT NULL,
    PRIMARY KEY (project, peer, ref)
);

-- Full-text search over messages, asks, jobs and the feed (timeline_search). kind is message, ask, job or feed; ref is
-- the row's id as text; at is epoch ms. Triggers keep it in step with the tables it indexes (V15 adds asks and jobs).
-- A row's rowid is its source row's id * 4 + the kind's number (message 0, ask 1, job 2, feed 3), so an update or
-- a delete (retention) finds it by rowid instead of scanning the index.
CREATE VIRTUAL TABLE timeline USING fts5(body, actor, project UNINDEXED, kind UNINDEXED, ref UNINDEXED, at UNINDEXED, tokenize = 'unicode61 remove_diacritics 2');

CREATE TRIGGER timeline_message_insert AFTER INSERT ON messages
BEGIN
    INSERT INTO timeline (rowid, body, actor, project, kind, ref, at)
    VALUES (new.id * 4, new.body, new.sender, new.project, 'message', CAST(new.id AS TEXT), new.created_at);
END;

CREATE TRIGGER timeline_message_update AFTER UPDATE OF body, sender ON messages
BEGIN
    UPDATE timeline SET body = new.body, actor = new.sender WHERE rowid = old.id * 4;
END;

CREATE TRIGGER timeline_message_delete AFTER DELETE ON messages
BEGIN
    DELETE FROM timeline WHERE rowid = old.id * 4;
END;

-- A feed event's text is its kind, target and detail ("reserve src/a.js: refactor"). The feed's message and
-- broadcast events are left out: the message itself is indexed, and its feed event holds only a preview of it.
CREATE TRIGGER timeline_feed_insert AFTER INSERT ON feed WHEN new.kind NOT IN ('message', 'broadcast')
BEGIN
    INSERT INTO timeline (rowid, body, actor, project, kind, ref, at)
    VALUES (new.id * 4 + 3, new.kind || COALESCE(' ' || new.target, '') || COALESCE(': ' || new.detail, ''), new.actor, new.project,
            'feed', CAST(new.id AS TEXT), new.at);
END;

CREATE TRIGGER timeline_feed_delete AFTER DELETE ON feed WHEN old.kind NOT IN ('message', 'broadcast')
BEGIN
    DELETE FROM timeline WHERE rowid = old.id * 4 + 3;
END;

INSERT INTO timeline (rowid, body, actor, project, kind, ref, at)
SELECT id * 4, body, sender, project, 'message', CAST(id AS TEXT), created_at FROM messages ORDER BY id;

INSERT INTO timeline (rowid, body, actor, project, kind, ref, at)
SELECT id * 4 + 3, kind || COALESCE(' ' || target, '') || COALESCE(': ' || detail, ''), actor, project, 'feed', CAST(id AS TEXT), at
FROM feed WHERE kind NOT IN ('message', 'broadcast') ORDER BY id;
