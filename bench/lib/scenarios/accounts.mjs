import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';

export const PASSWORD = 'correct horse battery staple';
const WRONG_PASSWORD = 'not the right password';
const JSON_HEADERS = { 'content-type': 'application/json' };

const basic = (email, password) =>
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

/** POST /activate with Basic Auth, each of `list` ({ email, code }) exactly once, in order. */
export function activateRequests(list) {
  let i = 0;
  return [
    {
      method: 'POST',
      path: '/api/v1/activate',
      headers: JSON_HEADERS,
      setupRequest: (req) => {
        const a = list[Math.min(i++, list.length - 1)];
        return {
          ...req,
          headers: { ...req.headers, authorization: basic(a.email, PASSWORD) },
          body: JSON.stringify({ code: a.code }),
        };
      },
    },
  ];
}

/** POST /activate for emails that have no account (a new one each time). */
export function unknownEmailRequests(accounts) {
  return [
    {
      method: 'POST',
      path: '/api/v1/activate',
      headers: JSON_HEADERS,
      setupRequest: (req) => ({
        ...req,
        headers: { ...req.headers, authorization: basic(accounts.newEmail('nobody'), PASSWORD) },
        body: JSON.stringify({ code: '1234' }),
      }),
    },
  ];
}

/** POST /activate for existing pending accounts with a wrong password, cycling through `emails`. */
export function wrongPasswordRequests(emails) {
  let i = 0;
  return [
    {
      method: 'POST',
      path: '/api/v1/activate',
      headers: JSON_HEADERS,
      setupRequest: (req) => ({
        ...req,
        headers: {
          ...req.headers,
          authorization: basic(emails[i++ % emails.length], WRONG_PASSWORD),
        },
        body: JSON.stringify({ code: '1234' }),
      }),
    },
  ];
}
