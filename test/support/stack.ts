import { randomBytes } from 'node:crypto';
import { TEST_SECRET } from '@signup/domain/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { basicAuth, send, type HttpResult } from './http-client.js';
import {
  capturedLines,
  killAllServers,
  startServer,
  startSmtpSink,
  type ServerProcess,
  type SmtpSink,
  type StartServerOptions,
} from '@signup/testkit';
import { describeWithPostgres } from '@signup/testkit/vitest';
import type pg from 'pg';
import { openPool } from './database.js';
import { SecretLedger } from './secrets.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';
import type http from 'node:http';

/** The figures each reliability file prints in one line at its end. */
export interface Figures {
  faultsSurvived: number;
  mailsSent: number;
  duplicates: number;
  requestsFuzzed: number;
  fivexxSeen: number;
}

/**
 * Per test file: a secret ledger, the figures, and an afterAll that kills
 * leftover servers, closes what was opened and prints the summary line.
 */
export function reliabilityFile(label: string) {
  const ledger = new SecretLedger();
  const figures: Figures = {
    faultsSurvived: 0,
    mailsSent: 0,
    duplicates: 0,
    requestsFuzzed: 0,
    fivexxSeen: 0,
  };
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    await killAllServers();
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    console.log(
      `[reliability] ${label}: faults survived ${figures.faultsSurvived}, mails sent ${figures.mailsSent}, ` +
        `duplicates ${figures.duplicates}, requests fuzzed ${figures.requestsFuzzed}, 5xx seen ${figures.fivexxSeen}, ` +
        `log lines checked ${capturedLines.length}`,
    );
  });
  return {
    ledger,
    figures,
    /** Runs at afterAll, last registered first. */
    defer(cleanup: () => unknown) {
      cleanups.push(async () => {
        await cleanup();
      });
    },
    /** The file's last test: no secret in any line any of its servers wrote. */
    itLeaksNoSecrets() {
      it('leaks no password, Authorization value or activation code into any log line', () => {
        expect(capturedLines.length).toBeGreaterThan(0);
        expect(ledger.leaks(capturedLines)).toEqual([]);
      });
    },
  };
}

/** The dependencies of the servers under test, each behind a proxy the test controls. */
export interface Stack {
  readonly smtp: SmtpSink;
  readonly smtpProxy: TcpProxy;
  readonly dbProxy: TcpProxy;
  /** The contract's variables for a server on this stack. */
  env(overrides?: Record<string, string | undefined>): Record<string, string | undefined>;
  close(): Promise<void>;
}

export async function startStack(databaseUrl: string, ledger: SecretLedger): Promise<Stack> {
  ledger.serverSecret(TEST_SECRET);
  const smtp = await startSmtpSink();
  smtp.onMessage((mail) => {
    if (mail.code) ledger.code(mail.code);
  });
  const smtpProxy = await startTcpProxy({ host: '127.0.0.1', port: smtp.port });
  const direct = new URL(databaseUrl);
  const dbProxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
  const proxied = new URL(databaseUrl);
  proxied.hostname = '127.0.0.1';
  proxied.port = String(dbProxy.port);
  return {
    smtp,
    smtpProxy,
    dbProxy,
    env: (overrides = {}) => ({
      DATABASE_URL: proxied.toString(),
      SIGNUP_SECRET: TEST_SECRET, // required with DATABASE_URL
      SMTP_URL: `smtp://127.0.0.1:${smtpProxy.port}`,
      MAIL_FROM: 'signup <no-reply@reliability.test>',
      BCRYPT_COST: '4',
      RATE_LIMIT_PER_MINUTE: '0',
      LOG_LEVEL: 'info',
      SHUTDOWN_TIMEOUT_SECONDS: '5',
      ...overrides,
    }),
    async close() {
      await smtpProxy.close();
      await dbProxy.close();
      await smtp.close();
    },
  };
}

export type ReliabilityFile = ReturnType<typeof reliabilityFile>;

/** What `describeOnStack` hands its body. */
export interface StackSuite {
  readonly file: ReliabilityFile;
  readonly databaseUrl: () => string;
  /** The stack, started by the describe's first beforeAll. */
  readonly stack: () => Stack;
  /** The server the describe was given (`server` option), started on the stack after it. */
  readonly server: () => ServerProcess;
  /** A pool straight to the test database, ended at afterAll. */
  readonly openDb: () => pg.Pool;
}

/** The server a `describeOnStack` starts once its stack is up. */
export interface ServerOnStack extends StartServerOptions {
  readonly name: string;
  /** Overrides of the stack's variables. */
  readonly env?: Record<string, string | undefined>;
}

/**
 * A reliability file's describe on PostgreSQL: its `reliabilityFile(label)`,
 * a stack started (and closed at afterAll) before the body's own beforeAll,
 * and, given `server`, one server on that stack.
 */
export function describeOnStack(
  title: string,
  label: string,
  body: (suite: StackSuite) => void,
  server?: ServerOnStack,
): void {
  describeWithPostgres(title, (databaseUrl) => {
    const file = reliabilityFile(label);
    let stack: Stack | undefined;
    let started: ServerProcess | undefined;
    beforeAll(async () => {
      const opened = await startStack(databaseUrl(), file.ledger);
      stack = opened;
      file.defer(() => opened.close());
      if (server) {
        const { env, ...options } = server;
        started = await startServer(opened.env(env), options);
      }
    });
    body({
      file,
      databaseUrl,
      stack: () => stack ?? fail('the stack is not started yet'),
      server: () => started ?? fail('no server started on this stack'),
      openDb: () => {
        const db = openPool(databaseUrl());
        file.defer(() => db.end());
        return db;
      },
    });
  });
}

function fail(message: string): never {
  throw new Error(message);
}

export interface Account {
  readonly email: string;
  readonly password: string;
}

let accountSerial = 0;

/** A fresh account with a distinctive password (recorded in the ledger as a secret). */
export function newAccount(ledger: SecretLedger, prefix = 'user'): Account {
  accountSerial += 1;
  const email = `${prefix}-${accountSerial}-${randomBytes(3).toString('hex')}@example.com`;
  const password = `pw-${randomBytes(9).toString('base64url')}`;
  ledger.password(password);
  ledger.authorization(basicAuth(email, password));
  return { email, password };
}

export function register(
  baseUrl: string,
  account: Account,
  options: { agent?: http.Agent; timeoutMs?: number; headers?: Record<string, string> } = {},
): Promise<HttpResult> {
  return send(baseUrl, {
    method: 'POST',
    path: '/api/v1/register',
    body: { email: account.email, password: account.password },
    agent: options.agent,
    timeoutMs: options.timeoutMs,
    headers: options.headers,
  });
}

export function activate(baseUrl: string, account: Account, code: string): Promise<HttpResult> {
  return send(baseUrl, {
    method: 'POST',
    path: '/api/v1/activate',
    headers: { authorization: basicAuth(account.email, account.password) },
    body: { code },
  });
}

/** Parsed Prometheus counter value for `name{labels}` (0 when absent). */
export function metricValue(
  metricsText: string,
  name: string,
  labels: Record<string, string> = {},
): number {
  let total = 0;
  for (const line of metricsText.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const match = /^([^{\s]+)(?:\{([^}]*)\})?\s+(\S+)/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1] ?? '', m[2] ?? '']),
    );
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) total += Number(match[3]);
  }
  return total;
}
