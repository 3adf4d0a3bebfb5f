import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';

export const PASSWORD = 'correct horse battery staple';
const WRONG_PASSWORD = 'not the right password';
const JSON_HEADERS = { 'content-type': 'application/json' };

/** The Authorization header value of HTTP Basic Auth. */
export const basic = (email, password) =>
  `Basic ${Buffer.from(`${email}:${password}`, 'utf8').toString('base64')}`;

/** Accounts this run registered: email -> { phase, createdAt (performance.now() at the 201) }. */
export class Accounts {
  constructor() {
    this.tag = `b${randomBytes(4).toString('hex')}`;
    this.created = new Map();
    this.next = 0;
  }

  newEmail(prefix = 'u') {
    return `${prefix}-${this.tag}-${this.next++}@bench.test`;
  }

  inPhase(phase) {
    return [...this.created].filter(([, a]) => a.phase === phase).map(([email]) => email);
  }

  /** autocannon requests: POST /register with a new email each time, recording each 201. */
  registerRequests(phase) {
    return [
      {
        method: 'POST',
        path: '/api/v1/register',
        headers: JSON_HEADERS,
        setupRequest: (req) => ({
          ...req,
          body: JSON.stringify({ email: this.newEmail(), password: PASSWORD }),
        }),
        onResponse: (status, body) => {
          if (status !== 201) return;
          const at = performance.now();
          try {
            this.created.set(JSON.parse(body).email, { phase, createdAt: at });
          } catch {
            // a 201 without a JSON body shows up as a missing account later
          }
        },
      },
    ];
  }
}

/**
 * autocannon requests: POST /activate, each with the Basic Auth and code that
 * `next()` gives ({ email, password, code }).
 */
function activationRequests(next) {
  return [
    {
      method: 'POST',
      path: '/api/v1/activate',
      headers: JSON_HEADERS,
      setupRequest: (req) => {
        const { email, password, code } = next();
        return {
          ...req,
          headers: { ...req.headers, authorization: basic(email, password) },
          body: JSON.stringify({ code }),
        };
      },
    },
  ];
}

/** POST /activate with Basic Auth, each of `list` ({ email, code }) exactly once, in order. */
export function activateRequests(list) {
  let i = 0;
  return activationRequests(() => ({
    ...list[Math.min(i++, list.length - 1)],
    password: PASSWORD,
  }));
}

/** POST /activate for emails that have no account (a new one each time). */
export function unknownEmailRequests(accounts) {
  return activationRequests(() => ({
    email: accounts.newEmail('nobody'),
    password: PASSWORD,
    code: '1234',
  }));
}

/** POST /activate for existing pending accounts with a wrong password, cycling through `emails`. */
export function wrongPasswordRequests(emails) {
  let i = 0;
  return activationRequests(() => ({
    email: emails[i++ % emails.length],
    password: WRONG_PASSWORD,
    code: '1234',
  }));
}
