-- Fixed-window rate limiting shared by every instance.

CREATE TABLE rate_limits (
  key          text PRIMARY KEY,
  window_start timestamptz NOT NULL,
  hits         integer NOT NULL CHECK (hits > 0)
);

-- pruning finished windows
CREATE INDEX rate_limits_window_start_idx ON rate_limits (window_start);
