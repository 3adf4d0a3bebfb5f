import fc from 'fast-check';
import { basicAuth } from './http-client.js';

/** One generated request. */
export interface FuzzRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: Buffer;
}

/** Header values Node's client can send: tab, printable ASCII, latin-1. */
const headerSafe = (value: string) => value.replace(/[^\t\x20-\x7e\x80-\xff]/g, '');

const UNICODE_EDGES = [
  '\u0000',
  '\ud800',
  '\udfff',
  '\ud83d',
  '\ude00',
  '\ud83d\ude00',
  '\u202e',
  '\u200b',
  '\u200d',
  '\ufeff',
  'e\u0301',
  '\u00e9',
  '\u2126',
  '\ufb00',
  '\u2028',
  '\u2029',
  '\ud835\udd18',
  '\u0130',
  '\u00df',
  '\uffff',
  '\u0085',
  '\r\n',
  '\t',
  '\u3000',
  '\u0663',
  '\uff11',
  'ǅ',
  '\u{10ffff}',
  '\\',
  '"',
  '%00',
  '%',
];
const SQL = [
  "'",
  "''",
  '"',
  ';',
  '--',
  '/*',
  "' OR '1'='1",
  "'; DROP TABLE users; --",
  '$1',
  '\\x00',
  '%_',
];
const PROTO_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  '__defineGetter__',
];

/** `arbitrary` once in `every` draws, null otherwise (fc.option's freq is the other way round). */
const sometimes = <T>(arbitrary: fc.Arbitrary<T>, every: number): fc.Arbitrary<T | null> =>
  fc.oneof({ weight: every - 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary });

const edge = fc.constantFrom(...UNICODE_EDGES);
const edgeString = fc
  .array(fc.oneof(edge, fc.string({ maxLength: 4 })), { maxLength: 12 })
  .map((a) => a.join(''));
const hugeString = fc
  .tuple(
    fc.integer({ min: 250, max: 20_000 }),
    fc.constantFrom('a', 'é', '\ud83d\ude00', '0', ' ', '\\'),
  )
  .map(([n, c]) => c.repeat(n));
const text = fc.oneof(
  { weight: 3, arbitrary: fc.string() },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 3, arbitrary: edgeString },
  { weight: 1, arbitrary: hugeString },
  { weight: 1, arbitrary: fc.constantFrom(...SQL) },
);
const emailish = fc.oneof(
  fc.emailAddress(),
  fc
    .tuple(edgeString, fc.constantFrom('@example.com', '@EXAMPLE.COM', '@', '@localhost', '@x', ''))
    .map(([a, b]) => a + b),
  fc.tuple(fc.emailAddress(), edge, fc.boolean()).map(([e, x, front]) => (front ? x + e : e + x)),
  fc.constantFrom(
    ' Mixed.Case@Example.COM ',
    'a@b',
    '@',
    '',
    ' ',
    `${'a'.repeat(250)}@x.com`,
    `${'a'.repeat(64)}@${'b'.repeat(189)}.com`,
  ),
);
const password = fc.oneof(
  fc.string({ minLength: 8, maxLength: 80 }),
  fc.string({ unit: 'binary', minLength: 6, maxLength: 30 }),
  fc.tuple(fc.string({ minLength: 8, maxLength: 20 }), edge).map(([a, b]) => a + b),
  fc.integer({ min: 60, max: 80 }).map((n) => 'é'.repeat(n / 2)),
);
const scalar = fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null));
const anyValue = fc.oneof(
  { weight: 4, arbitrary: text },
  { weight: 2, arbitrary: scalar },
  { weight: 1, arbitrary: fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 5 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
  { weight: 1, arbitrary: fc.dictionary(fc.constantFrom(...PROTO_KEYS, 'email', 'code'), scalar) },
);
const codeish = fc.oneof(
  fc.stringMatching(/^\d{4}$/),
  fc.stringMatching(/^\d{0,8}$/),
  fc.constantFrom(
    ' 1234',
    '1234 ',
    '12 34',
    '\uff11\uff12\uff13\uff14',
    '\u0661\u0662\u0663\u0664',
    '1e3',
    '0x1F',
    '-123',
    '12.3',
    '١٢٣٤',
  ),
  fc.integer({ min: -1, max: 99_999 }),
  anyValue,
);

/** A JSON text; keys may include __proto__ and constructor (written raw, as an attacker would). */
function objectText(fields: [string, unknown][]): string {
  return `{${fields.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v) ?? 'null'}`).join(',')}}`;
}

const field = (names: fc.Arbitrary<string>, values: fc.Arbitrary<unknown>) =>
  fc.tuple(names, values);
const registerBody = fc
  .tuple(
    fc.option(emailish, { freq: 6 }),
    fc.option(password, { freq: 6 }),
    fc.array(field(fc.constantFrom(...PROTO_KEYS, 'status', 'id', 'isAdmin', 'email'), anyValue), {
      maxLength: 2,
    }),
    sometimes(anyValue, 5),
  )
  .map(([email, pass, extra, override]) => {
    const fields: [string, unknown][] = [];
    if (email !== null) fields.push(['email', override ?? email]);
    if (pass !== null) fields.push(['password', pass]);
    return objectText([...fields, ...extra]);
  });
const activateBody = fc
  .tuple(
    fc.option(codeish, { freq: 8 }),
    fc.array(field(fc.constantFrom(...PROTO_KEYS, 'email', 'password'), anyValue), {
      maxLength: 2,
    }),
  )
  .map(([code, extra]) =>
    objectText([...(code === null ? [] : [['code', code] as [string, unknown]]), ...extra]),
  );
const deep = fc.oneof(
  fc.integer({ min: 10, max: 8000 }).map((n) => '['.repeat(n) + ']'.repeat(n)),
  fc.integer({ min: 10, max: 2600 }).map((n) => '{"a":'.repeat(n) + '1' + '}'.repeat(n)),
  fc
    .integer({ min: 10, max: 2000 })
    .map((n) => `{"email":${'['.repeat(n)}"x"${']'.repeat(n)},"password":"12345678"}`),
);
const sized = fc
  .integer({ min: 16 * 1024 - 40, max: 16 * 1024 + 40 })
  .map((n) => `{"email":"a@example.com","password":"${'x'.repeat(Math.max(0, n - 40))}"}`);
const malformed = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.constantFrom(
    '',
    'null',
    'true',
    '1',
    '"text"',
    '[]',
    '{}',
    '{',
    '{"email":',
    '{"email": NaN}',
    '{"a":1,}',
    "{'email':'a@b.co'}",
    '\ufeff{"email":"a@example.com","password":"12345678"}',
    '{"email":"a@example.com","email":"b@example.com","password":"12345678"}',
    '{"__proto__":{"email":"a@example.com","password":"12345678"}}',
    '{"email":"a@example.com","password":"12345678","__proto__":{"status":"active"}}',
    '{"constructor":{"prototype":{"polluted":true}}}',
    '{"__proto__":null}',
    '{"code":{"__proto__":{"length":4}}}',
    '{"email":"\\ud800@example.com","password":"\\udfff\\udfff\\udfff\\udfff"}',
    '{"password":"\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000","email":"z@example.com"}',
    '{"code":"\\u0000\\u0000\\u0000\\u0000"}',
    '1'.repeat(5000),
    '-'.repeat(100),
    '[' + '1,'.repeat(3000) + '1]',
  ),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  registerBody.map((t) => t.slice(0, Math.max(1, Math.floor(t.length / 2)))),
);

/** Valid addresses with odd but acceptable passwords: reach the database and the outbox. */
const validRegistration = fc
  .tuple(fc.stringMatching(/^[a-z0-9][a-z0-9._+-]{0,30}$/), fc.constantFrom('', ' ', 'X'), password)
  .map(([local, pad, pass]) =>
    JSON.stringify({
      email: `${pad}${local}${pad === 'X' ? '' : pad}@Fuzz.Example.com`,
      password: pass,
    }),
  );

const bodyText = fc.oneof(
  { weight: 5, arbitrary: registerBody },
  { weight: 2, arbitrary: validRegistration },
  { weight: 4, arbitrary: activateBody },
  { weight: 1, arbitrary: deep },
  { weight: 1, arbitrary: sized },
  { weight: 3, arbitrary: malformed },
);
const body: fc.Arbitrary<Buffer | undefined> = fc.oneof(
  { weight: 12, arbitrary: bodyText.map((t) => Buffer.from(t, 'utf8')) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 2000 }).map((b) => Buffer.from(b)) },
  {
    weight: 1,
    arbitrary: fc.constant(
      Buffer.from(
        `{"email":"\xff\xfe@example.com","password":"\xc3\x28\xa0\xa1xxxxxxx"}`,
        'latin1',
      ),
    ),
  },
  { weight: 1, arbitrary: fc.constant(undefined) },
);

const contentType = fc.oneof(
  { weight: 10, arbitrary: fc.constant('application/json') },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      'application/json; charset=utf-8',
      'APPLICATION/JSON',
      'application/json;charset=UTF-8',
      'application/json; charset=latin1',
      'application/json; charset=utf-16',
      'application/json; charset="bogus"',
      'application/problem+json',
      'application/vnd.api+json',
      'text/plain',
      'text/json',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=----x',
      'application/octet-stream',
      '',
      '*/*',
      'application/json; boundary=;;;',
      ';;;',
      'application/json, text/plain',
      'json',
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }).map(headerSafe) },
);

/** Authorization values: valid ones for `known` accounts, near misses, and junk. */
function authorization(known: readonly { email: string; password: string }[]) {
  const b64 = (s: string | Uint8Array) => Buffer.from(s).toString('base64');
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...known).map((a) => basicAuth(a.email, a.password)) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.constantFrom(...known), password)
        .map(([a, p]) => basicAuth(a.email, p)),
    },
    {
      weight: 2,
      arbitrary: fc.tuple(emailish, password).map(([e, p]) => `Basic ${b64(`${e}:${p}`)}`),
    },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 100 }).map((b) => `Basic ${b64(b)}`) },
    { weight: 1, arbitrary: fc.string({ maxLength: 80 }).map((s) => headerSafe(`Basic ${s}`)) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }).map(headerSafe) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        'Basic',
        'Basic ',
        'Basic  ',
        'basic dXNlcjpwYXNzd29yZA==',
        'BASIC dXNlcjpwYXNzd29yZA==',
        'Bearer abc.def.ghi',
        'Digest username="x"',
        'Basic =',
        'Basic ====',
        `Basic ${b64(':')}`,
        `Basic ${b64('a')}`,
        `Basic ${b64(':password1')}`,
        `Basic ${b64('a@example.com:')}`,
        'Basic dXNlcjpwYXNzd29yZA',
        'Basic !!!!',
        'Basic ****',
        `Basic ${'A'.repeat(8000)}`,
        `Basic ${b64(`a@example.com:${'x'.repeat(5000)}`)}`,
        'Basic\tdXNlcjpwYXNzd29yZA==',
        ' Basic dXNlcjpwYXNzd29yZA==',
        'Basic dXNlcjpwYXNzd29yZA== extra',
        'Basic \xff\xfe\xfd',
        `Basic ${b64(Buffer.from([0xff, 0x3a, 0xfe]))}`,
        `Basic ${b64('\u0000:\u0000')}`,
        `Basic ${b64("' OR '1'='1:' OR '1'='1")}`,
        'Basic Og',
        'Basic ,,,,',
        'Basic%20abc',
      ),
    },
  );
}

const requestId = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9._-]{1,40}$/),
  fc.string({ maxLength: 200 }).map(headerSafe),
  fc.constantFrom(
    'x'.repeat(129),
    "'; DROP TABLE users; --",
    '../../etc/passwd',
    '\xff\xfe',
    '${jndi:ldap://x}',
    '<script>',
  ),
);

const endpoints = ['/api/v1/register', '/api/v1/activate', '/api/v1/activation-code'];
const otherPaths = [
  '/api/v1/health',
  '/livez',
  '/readyz',
  '/metrics',
  '/openapi.json',
  '/docs',
  '/docs/',
  '/',
  '//',
  '/api',
  '/api/v1',
  '/api/v1/',
  '/api/v1/register/',
  '/API/V1/REGISTER',
  '/api/v1/register?email=a',
  '/api/v1/register?__proto__[x]=1',
  '/api/v1/register?a[b][c][d][e]=1',
  '/api/v1/register;x',
  '/%',
  '/%E0%A4%A',
  '/api/v1/%ZZ',
  '/..%2f..%2fetc%2fpasswd',
  '/api/v1/register%00',
  '/api/v1/activate/..',
  '/__proto__',
  '/constructor',
  '/api/v1/__proto__',
  `/${'a'.repeat(3000)}`,
  '/api/v1/activate?code=1234',
  '/docs/swagger-ui-init.js',
  '/docs/%2e%2e/%2e%2e/package.json',
];
const path = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom(...endpoints) },
  { weight: 3, arbitrary: fc.constantFrom(...otherPaths) },
  {
    weight: 1,
    arbitrary: fc.string({ maxLength: 30 }).map((s) => `/api/v1/${encodeURIComponent(s)}`),
  },
);
const method = fc.oneof(
  { weight: 12, arbitrary: fc.constant('POST') },
  { weight: 3, arbitrary: fc.constantFrom('GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD') },
  { weight: 1, arbitrary: fc.constantFrom('PROPFIND', 'TRACE', 'FOO', 'SEARCH', 'M-SEARCH') },
);
const encoding = fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'x-bogus', 'gzip, gzip');

/** Requests of every shape at every endpoint. */
export function badRequests(
  known: readonly { email: string; password: string }[],
): fc.Arbitrary<FuzzRequest> {
  return fc
    .record({
      method,
      path,
      body,
      contentType: fc.option(contentType, { freq: 12 }),
      authorization: fc.option(authorization(known), { freq: 3 }),
      requestId: fc.option(requestId, { freq: 3 }),
      encoding: sometimes(encoding, 20),
      forwardedFor: sometimes(
        fc.oneof(fc.ipV4(), fc.ipV6(), fc.string({ maxLength: 30 }).map(headerSafe)),
        6,
      ),
      accept: sometimes(
        fc.constantFrom('*/*', 'text/html', 'application/xml', 'application/json;q=0', ''),
        5,
      ),
    })
    .map((r) => {
      const headers: Record<string, string> = {};
      if (r.contentType !== null) headers['content-type'] = r.contentType;
      if (r.authorization !== null) headers.authorization = r.authorization;
      if (r.requestId !== null) headers['x-request-id'] = r.requestId;
      if (r.encoding !== null) headers['content-encoding'] = r.encoding;
      if (r.forwardedFor !== null) headers['x-forwarded-for'] = r.forwardedFor;
      if (r.accept !== null) headers.accept = r.accept;
      const withBody = r.method !== 'GET' && r.method !== 'HEAD';
      return { method: r.method, path: r.path, headers, body: withBody ? r.body : undefined };
    });
}

/** A short description of a request for failure messages. */
export function describeRequest(request: FuzzRequest): string {
  const body = request.body ? request.body.subarray(0, 160).toString('utf8') : '';
  return `${request.method} ${request.path.slice(0, 80)} ${JSON.stringify(request.headers).slice(0, 300)} ${JSON.stringify(body)}`;
}
