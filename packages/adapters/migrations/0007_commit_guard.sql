-- A repository commit that writes an account and its mailbox is one
-- statement of data-modifying CTEs (PgUserRepository.commit): no BEGIN and
-- COMMIT round trips. Each part is a version guard (an update at the version
-- it read, an insert that must not conflict); when one misses, the statement
-- must write nothing, so its result calls this with whether every part wrote,
-- and a miss raises: the statement, and with it every part, is rolled back.
-- SQLSTATE SU001 is ours: the repository reads it as "lost the race".

CREATE FUNCTION signup_commit_guard(every_part_wrote boolean) RETURNS boolean
  LANGUAGE plpgsql AS $$
BEGIN
  IF every_part_wrote IS NOT TRUE THEN
    RAISE EXCEPTION 'signup: a version guard missed; the commit lost its race'
      USING ERRCODE = 'SU001';
  END IF;
  RETURN true;
END
$$;
