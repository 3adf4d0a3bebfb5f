-- Proof of email control: a version on each account for compare-and-swap,
-- keyed code digests with their key id, codes sealed in the outbox, and one
-- record per mailbox (strikes, lockouts, mail budget, password failures).

-- Every write of an account is guarded by the version it was read at.
ALTER TABLE users ADD COLUMN version integer NOT NULL DEFAULT 1 CHECK (version > 0);
ALTER TABLE users ALTER COLUMN version DROP DEFAULT;

-- The digest is now HMAC-SHA-256 under SIGNUP_SECRET, and names its key.
-- Codes stored before this migration were unkeyed: they carry the key id
-- 'unkeyed', which no keyring holds, so they can only expire (60 s).
ALTER TABLE activation_codes ADD COLUMN key_id text NOT NULL DEFAULT 'unkeyed';
ALTER TABLE activation_codes ALTER COLUMN key_id DROP DEFAULT;

-- The outbox kept the plain code until sending; now it keeps it sealed
-- (AES-256-GCM, key derived from SIGNUP_SECRET). Unsent plain codes are
-- dropped and erased: they expire within a minute anyway.
UPDATE outbox
   SET dropped_at = now(), code = NULL, leased_until = NULL,
       last_error = 'dropped when codes became sealed (migration 0004)'
 WHERE sent_at IS NULL AND dropped_at IS NULL;
ALTER TABLE outbox DROP COLUMN code;
ALTER TABLE outbox ADD COLUMN sealed_code text;
ALTER TABLE outbox ADD CONSTRAINT outbox_sealed_code_unsettled
  CHECK (sealed_code IS NULL OR (sent_at IS NULL AND dropped_at IS NULL));

-- One row per mailbox (the address with any +tag removed), keyed by an HMAC
-- of it: the address itself is not stored here. It outlives the account, so
-- purge-expired never resets strikes; it is deleted after forget_at.
CREATE TABLE mailboxes (
  key               text PRIMARY KEY CHECK (key ~ '^[0-9a-f]{64}$'),
  key_id            text NOT NULL,
  strikes           integer NOT NULL CHECK (strikes >= 0),
  last_strike_at    timestamptz,
  lockouts          integer NOT NULL CHECK (lockouts >= 0),
  locked_until      timestamptz,
  mail_sent_at      timestamptz[] NOT NULL,
  password_failures timestamptz[] NOT NULL,
  version           integer NOT NULL CHECK (version > 0),
  forget_at         timestamptz NOT NULL
);

-- purge-expired forgets mailboxes with nothing left to remember
CREATE INDEX mailboxes_forget_at_idx ON mailboxes (forget_at);
