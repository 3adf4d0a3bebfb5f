-- Accounts and their one live activation code.

CREATE TABLE users (
  id            uuid PRIMARY KEY,
  -- normalized by the domain (trimmed, lower-cased) before it gets here
  email         text NOT NULL,
  password_hash text NOT NULL,
  status        text NOT NULL CHECK (status IN ('pending', 'active')),
  created_at    timestamptz NOT NULL,
  activated_at  timestamptz,
  CONSTRAINT users_email_key UNIQUE (email),
  CONSTRAINT users_activated_when_active CHECK ((status = 'active') = (activated_at IS NOT NULL))
);

-- listing, newest first
CREATE INDEX users_created_at_idx ON users (created_at DESC, id DESC);

-- One row per pending account: the live code. A reissue rewrites the row
-- (new id), an activation deletes it, a purge deletes it with the account.
CREATE TABLE activation_codes (
  user_id    uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  id         uuid NOT NULL UNIQUE,
  -- sha256 hex of "userId:code" as the domain computes it; never the plain code
  digest     text NOT NULL CHECK (digest ~ '^[0-9a-f]{64}$'),
  issued_at  timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  attempts   integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  CHECK (expires_at > issued_at)
);

-- counting and purging expired pending registrations
CREATE INDEX activation_codes_expires_at_idx ON activation_codes (expires_at);
