/** The API's own documentation, shown at the top of /docs. */
export const API_DESCRIPTION = `
Register with an email and a password, receive a 4-digit code by email, and activate the account
with that code and your credentials (HTTP Basic Auth) within 60 seconds (ACTIVATION_CODE_TTL_SECONDS).

**Common rules**

- JSON in and out. Every error is RFC 9457 problem details (\`application/problem+json\`) with a
  stable \`code\` beside \`type\`, \`title\`, \`status\`, \`detail\`; validation errors add
  \`errors: [{ path, message }]\`. \`type\` is a non-resolvable tag URI, \`tag:signup,2026:problem:<code>\`.
- Every response carries \`X-Request-Id\`: yours if it matches \`^[A-Za-z0-9._-]{1,128}$\`, otherwise a
  generated UUID. The server's log lines for the request carry the same id.
- Request headers over 16 KiB: 431 \`headers_too_large\` (with a fresh \`X-Request-Id\`; the
  connection is closed). Bodies over 16 KiB: 413 \`payload_too_large\`. A POST body that is not
  \`application/json\`:
  415 \`unsupported_media_type\`. Malformed JSON: 400 \`malformed_json\`. Well-formed JSON of the wrong
  shape (an array, \`null\`, a string, wrong member types) or values breaking the rules:
  422 \`validation_failed\`. Unknown members are ignored.
- Unknown path: 404 \`not_found\`. Known path, wrong method: 405 \`method_not_allowed\` with \`Allow\`;
  \`OPTIONS\` answers 204 with \`Allow\`.
- The POST endpoints together accept RATE_LIMIT_PER_MINUTE requests per client (an IPv4 address,
  an IPv6 /64) as a token bucket: a burst of up to that many, then one more every 60/N seconds
  (shared by all instances on PostgreSQL). Beyond, 429 \`rate_limited\` with \`Retry-After\`, the
  seconds until the next request is allowed. \`0\` turns the limit off. The limiter's store
  unreachable: 503 \`service_unavailable\` (it fails closed).
- Password hashing at capacity (more than MAX_PENDING_HASHES bcrypt jobs waiting): register, activate
  and activation-code answer 503 \`overloaded\` with \`Retry-After\` at once, without processing the
  request; an unknown email is shed exactly like a known one.
- Database unreachable: 503 \`service_unavailable\` with \`Retry-After\`. Anything unexpected:
  500 \`internal_error\`, never with a stack trace.
- API responses are sent with \`Cache-Control: no-store\`.

**Credentials** (activate, activation-code): missing or malformed \`Authorization\` header, unknown
email and wrong password all give the same 401 \`invalid_credentials\` with
\`WWW-Authenticate: Basic realm="signup", charset="UTF-8"\`, and cost about the same time. The password
may contain \`:\`; email and password are UTF-8. Headers over 1 KiB are refused the same way.
`.trim();
