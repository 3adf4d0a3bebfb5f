import { WEB_PAGE_PATHS } from '../../apps/http/src/web/pages.js';
import { expect, it } from 'vitest';
import {
  basicAuth,
  json,
  send,
  type HttpRequest,
  type HttpResult,
} from '../support/http-client.js';
import {
  exampleOf,
  resolver,
  validate,
  type Resolve,
  type Schema,
} from '../support/json-schema.js';
import { describeOnStack, newAccount, register, type Account } from '../support/stack.js';

interface MediaType {
  schema?: Schema;
  examples?: Record<string, unknown>;
}
interface Operation {
  operationId?: string;
  security?: Record<string, string[]>[];
  requestBody?: { content?: Record<string, MediaType> };
  responses: Record<
    string,
    { headers?: Record<string, unknown>; content?: Record<string, MediaType> }
  >;
}
type Document = { openapi: string; paths: Record<string, Record<string, Operation>> };

interface Case {
  readonly name: string;
  readonly request: HttpRequest;
}

const METHODS = ['get', 'post', 'put', 'delete', 'patch'];

/** Bodies derived from the documented request schema: the valid example, then one mutation per rule. */
function bodyCases(schema: Schema, resolve: Resolve, fresh: () => Account): Case[] {
  const resolved = schema.$ref ? resolve(schema.$ref) : schema;
  const valid = exampleOf(resolved, resolve) as Record<string, unknown>;
  const post = (
    name: string,
    body: HttpRequest['body'],
    headers: Record<string, string> = {},
  ): Case => ({
    name,
    request: {
      method: 'POST',
      path: '',
      body,
      headers: { 'content-type': 'application/json', ...headers },
    },
  });
  const freshValid = () => {
    const account = fresh();
    return {
      ...valid,
      ...('email' in valid ? { email: account.email } : {}),
      ...('password' in valid ? { password: account.password } : {}),
    };
  };
  const cases: Case[] = [post('documented example', valid), post('fresh valid body', freshValid())];
  for (const [key, property] of Object.entries(resolved.properties ?? {})) {
    const p = property.$ref ? resolve(property.$ref) : property;
    const without: Record<string, unknown> = { ...freshValid() };
    delete without[key];
    cases.push(post(`without ${key}`, without));
    for (const [label, value] of Object.entries({
      null: null,
      number: 12345,
      array: [],
      object: {},
      boolean: true,
    })) {
      cases.push(post(`${key} as ${label}`, { ...freshValid(), [key]: value }));
    }
    cases.push(
      post(`${key} too long`, { ...freshValid(), [key]: 'x'.repeat((p.maxLength ?? 300) + 1) }),
    );
    if (p.minLength)
      cases.push(post(`${key} too short`, { ...freshValid(), [key]: 'x'.repeat(p.minLength - 1) }));
    if (p.pattern) cases.push(post(`${key} against its pattern`, { ...freshValid(), [key]: 'zz' }));
    if (p.format === 'email')
      cases.push(post(`${key} not an email`, { ...freshValid(), [key]: 'not-an-email' }));
  }
  cases.push(
    post('extra property', { ...freshValid(), extra: 1 }),
    post('array body', []),
    post('null body', 'null'),
    post('string body', '"text"'),
    post('empty object', {}),
    post('malformed JSON', '{"a":'),
    post('text/plain', JSON.stringify(freshValid()), { 'content-type': 'text/plain' }),
    post('17 KiB body', { ...freshValid(), pad: 'x'.repeat(17 * 1024) }),
  );
  return cases;
}

describeOnStack(
  'The OpenAPI document and the server agree',
  'openapi-drift',
  ({ file, server }) => {
    it('answers every generated request with a documented status, media type, problem code and schema', async () => {
      const documentResult = await send(server().url, { path: '/openapi.json' });
      expect(documentResult.status).toBe(200);
      const document = json<Document>(documentResult);
      expect(document.openapi).toMatch(/^3\.1\./);
      const resolve = resolver(document);
      const drift: string[] = [];
      let requests = 0;

      const check = (where: string, op: Operation, result: HttpResult) => {
        requests += 1;
        if (result.status >= 500) file.figures.fivexxSeen += 1;
        const documented = op.responses[String(result.status)] ?? op.responses.default;
        if (!documented) {
          drift.push(`${where}: undocumented status ${result.status} ${result.text.slice(0, 150)}`);
          return;
        }
        if (result.status === 500) drift.push(`${where}: 500 ${result.text.slice(0, 150)}`);
        if (!result.headers['x-request-id']) drift.push(`${where}: no X-Request-Id`);
        for (const header of Object.keys(documented.headers ?? {})) {
          if (!result.headers[header.toLowerCase()])
            drift.push(`${where}: documented header ${header} missing on ${result.status}`);
        }
        const mediaType = String(result.headers['content-type'] ?? '')
          .split(';')[0]!
          .trim();
        const media = documented.content?.[mediaType];
        if (documented.content && !media) {
          drift.push(
            `${where}: ${result.status} came as ${mediaType}, documented ${Object.keys(documented.content).join(', ')}`,
          );
          return;
        }
        if (!media?.schema || !mediaType.endsWith('json')) return;
        const body: unknown = JSON.parse(result.text);
        for (const problem of validate(body, media.schema, resolve))
          drift.push(`${where}: ${result.status} body ${problem}`);
        const code = (body as { code?: unknown }).code;
        if (media.examples && typeof code === 'string' && !(code in media.examples)) {
          drift.push(
            `${where}: ${result.status} code ${code} not among the documented ${Object.keys(media.examples).join(', ')}`,
          );
        }
      };

      for (const [path, item] of Object.entries(document.paths)) {
        for (const [method, op] of Object.entries(item)) {
          if (!METHODS.includes(method)) continue;
          const where = (name: string) => `${method.toUpperCase()} ${path} (${name})`;
          const secured = (op.security ?? []).length > 0;
          let owner: Account | undefined;
          if (secured) {
            owner = newAccount(file.ledger, 'openapi');
            expect((await register(server().url, owner)).status).toBe(201);
          }
          const auth: Record<string, string> = owner
            ? { authorization: basicAuth(owner.email, owner.password) }
            : {};
          const schema = op.requestBody?.content?.['application/json']?.schema;
          const cases: Case[] =
            schema !== undefined
              ? bodyCases(schema, resolve, () => newAccount(file.ledger, 'openapi'))
              : [{ name: 'no body', request: { method: method.toUpperCase(), path } }];
          if (method === 'post' && schema === undefined) {
            cases.push({ name: 'empty JSON object', request: { method: 'POST', path, body: {} } });
            cases.push({
              name: 'malformed JSON',
              request: {
                method: 'POST',
                path,
                body: '{',
                headers: { 'content-type': 'application/json' },
              },
            });
          }
          for (const c of cases) {
            const request = { ...c.request, path, headers: { ...c.request.headers, ...auth } };
            check(where(c.name), op, await send(server().url, request));
          }
          if (secured && owner) {
            const body = schema !== undefined ? exampleOf(schema, resolve) : undefined;
            const credentials: Record<string, Record<string, string>> = {
              'no credentials': {},
              'wrong password': { authorization: basicAuth(owner.email, `${owner.password}x`) },
              'unknown email': {
                authorization: basicAuth(`nobody-${owner.email}`, owner.password),
              },
              'another scheme': { authorization: 'Bearer abc' },
              'bad base64': { authorization: 'Basic !!!' },
            };
            for (const [name, headers] of Object.entries(credentials)) {
              const result = await send(server().url, {
                method: 'POST',
                path,
                headers,
                body: body as object | undefined,
              });
              check(where(name), op, result);
              if (result.status !== 401)
                drift.push(`${where(name)}: ${result.status}, expected 401`);
            }
          }
        }
        // Methods the document does not list: 405 with an Allow header naming the documented ones.
        const documentedMethods = Object.keys(item).filter((m) => METHODS.includes(m));
        for (const method of METHODS.filter((m) => !documentedMethods.includes(m))) {
          const result = await send(server().url, { method: method.toUpperCase(), path });
          requests += 1;
          const allow = String(result.headers.allow ?? '').toLowerCase();
          if (result.status !== 405)
            drift.push(`${method.toUpperCase()} ${path}: ${result.status}, expected 405`);
          else if (!documentedMethods.every((m) => allow.includes(m))) {
            drift.push(
              `${method.toUpperCase()} ${path}: Allow "${allow}" does not list ${documentedMethods.join(', ')}`,
            );
          }
        }
      }
      // The web pages are left out of the document on purpose (the contract's "Web pages": HTML
      // for browsers, form posts): none may appear in it, and they must answer as pages, so
      // their absence above is a decision and not a route the document forgot.
      for (const path of WEB_PAGE_PATHS) {
        if (path in document.paths) drift.push(`${path}: a web page in the OpenAPI document`);
      }
      for (const path of ['/', '/activate', '/activated']) {
        const page = await send(server().url, { path });
        requests += 1;
        const type = String(page.headers['content-type'] ?? '');
        if (page.status !== 200 || !type.startsWith('text/html'))
          drift.push(`GET ${path} (web page): ${page.status} ${type}`);
      }
      const notFound = await send(server().url, { path: '/api/v1/not-documented' });
      requests += 1;
      if (notFound.status !== 404 || json(notFound).code !== 'not_found')
        drift.push(`unknown path: ${notFound.status}`);

      file.figures.requestsFuzzed += requests;
      console.log(
        `[reliability] openapi-drift: ${Object.keys(document.paths).length} paths, ${requests} requests from the document, ${drift.length} disagreements`,
      );
      expect(drift).toEqual([]);
      expect(requests).toBeGreaterThan(50);
    });

    file.itLeaksNoSecrets();
  },
  { name: 'openapi' },
);
