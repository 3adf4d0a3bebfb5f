-- Sent and dropped messages are deleted after 7 days (the outbox
-- dispatcher's retention, PgOutbox.deleteSettledBefore): finding them by
-- when they settled, without reading the whole table.

CREATE INDEX outbox_settled_idx ON outbox (COALESCE(sent_at, dropped_at))
  WHERE sent_at IS NOT NULL OR dropped_at IS NOT NULL;
