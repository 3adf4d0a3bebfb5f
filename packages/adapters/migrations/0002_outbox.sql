-- The transactional outbox: activation emails queued with their account.

CREATE TABLE outbox (
  id              uuid PRIMARY KEY,
  -- insertion order, for "the newest message of a user" when timestamps tie
  seq             bigint GENERATED ALWAYS AS IDENTITY,
  user_id         uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  recipient       text NOT NULL,
  -- the plain code, only until the message is sent or dropped
  code            text CHECK (code ~ '^[0-9]{4}$'),
  code_expires_at timestamptz NOT NULL,
  created_at      timestamptz NOT NULL,
  due_at          timestamptz NOT NULL,
  -- a claim is a lease: invisible to other dispatchers until then
  leased_until    timestamptz,
  attempts        integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  last_error      text,
  sent_at         timestamptz,
  dropped_at      timestamptz,
  CHECK (sent_at IS NULL OR dropped_at IS NULL),
  CHECK (code IS NULL OR (sent_at IS NULL AND dropped_at IS NULL))
);

-- claiming due messages (and counting pending ones): only the unsettled rows
CREATE INDEX outbox_due_idx ON outbox (due_at) WHERE sent_at IS NULL AND dropped_at IS NULL;
CREATE INDEX outbox_pending_created_idx ON outbox (created_at)
  WHERE sent_at IS NULL AND dropped_at IS NULL;
-- a user's messages: dropping older ones on reissue, the newest state, cascades
CREATE INDEX outbox_user_idx ON outbox (user_id, seq DESC);
