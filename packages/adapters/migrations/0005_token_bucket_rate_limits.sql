-- Rate limiting becomes a token bucket per key (see SqlRateLimiter): the
-- fixed windows of 0003 let a client spend its limit at the end of one
-- window and again at the start of the next. The counters are transient (a
-- minute's worth), so the old table is replaced, not converted.

DROP TABLE rate_limits;

CREATE TABLE rate_limits (
  key        text PRIMARY KEY,
  -- tokens left as of updated_at; refilled continuously up to the limit
  tokens     double precision NOT NULL CHECK (tokens >= 0),
  updated_at timestamptz NOT NULL
);

-- pruning buckets that are full again (idle for a whole window)
CREATE INDEX rate_limits_updated_at_idx ON rate_limits (updated_at);
