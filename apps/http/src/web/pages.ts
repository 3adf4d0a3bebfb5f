import {
  type ActivationPolicy,
  type Clock,
  normalizeEmail,
  parseOrRefuse,
  type SignupService,
} from '@signup/domain';
import express, { type Request, type RequestHandler, type Router } from 'express';
import type { Problem } from '../http/problem.js';
import { methodNotAllowed } from '../http/method-not-allowed.js';
import type { Metrics } from '../observability/metrics.js';
import { recordRoute } from '../observability/request-metrics.js';
import { RegisterRequest } from '../openapi/schemas.js';
import { counted } from '../routes/counted.js';
import { activatedPage } from './activated-page.js';
import { ASSETS, serveAsset } from './assets.js';
import { codePage, type CodeView } from './code-page.js';
import { formField, parseFormBody, requireFormBody } from './form-body.js';
import { noticePage } from './notice-page.js';
import { pageHeaders } from './page-headers.js';
import { answerProblemsWith, type ProblemPage } from './problem-pages.js';
import { messagesFor, type Step } from './problem-messages.js';
import { registerPage } from './register-page.js';
import { sameOriginOnly } from './same-origin.js';

export interface WebPagesDeps {
  readonly service: SignupService;
  readonly metrics: Metrics;
  readonly clock: Clock;
  readonly policy: ActivationPolicy;
  /**
   * What the JSON API's POST routes run before reading a body (no-store, the
   * per-IP rate limit), the very same handlers: the pages' form posts share
   * the API's limits and its per-IP budget.
   */
  readonly guards: readonly RequestHandler[];
}

/**
 * The browser pages' paths. Deliberately outside the OpenAPI document (the
 * contract: the pages answer in HTML and take forms; the document describes
 * /api/v1 and operations); test/reliability/openapi-drift.test.ts checks that.
 */
export const WEB_PAGE_PATHS = [
  '/',
  '/activate',
  '/activation-code',
  '/activated',
  ASSETS.css.path,
  ASSETS.js.path,
  ASSETS.icon.path,
] as const;

type Method = 'get' | 'post';

const sendPage = (res: express.Response, page: { text: string }, status = 200) => {
  res.status(status).type('html').send(page.text);
};

/** A problem on a page route outside its form (e.g. 405): told on a page of its own. */
const noticeForProblem: ProblemPage = (_req, problem) =>
  noticePage(problem.title, [problem.detail]);

/** The code page's address after a registration or a resend: the email and the code's expiry. */
function codePageUrl(email: string, expiresAt: Date, sent = false): string {
  const query = new URLSearchParams({ email, expires: expiresAt.toISOString() });
  if (sent) query.set('sent', '1');
  return `/activate?${query.toString()}`;
}

/**
 * The self-service pages: GET / (register), GET /activate (the code form),
 * GET /activated (success), and their form posts, which call the same use
 * cases as /api/v1 and answer a success with 303 (POST/redirect/GET) and a
 * refusal with the API's status and the form again, its messages on the
 * fields.
 */
export function webPages({ service, metrics, clock, policy, guards }: WebPagesDeps): Router {
  const router = express.Router();

  const route = (path: string, methods: Partial<Record<Method, RequestHandler[]>>) => {
    const chain = router
      .route(path)
      .all(recordRoute(path), pageHeaders, answerProblemsWith(noticeForProblem));
    for (const [method, handlers] of Object.entries(methods) as [Method, RequestHandler[]][]) {
      chain[method](...handlers);
    }
    chain.all(methodNotAllowed(Object.keys(methods).map((m) => m.toUpperCase())));
  };

  /** A form post: its problems as `page`, same-origin only, the form read, then the API's guards. */
  const formPost = (page: ProblemPage, handler: RequestHandler): RequestHandler[] => [
    answerProblemsWith(page),
    sameOriginOnly,
    requireFormBody,
    parseFormBody,
    ...guards,
    handler,
  ];

  /**
   * What the code page shows about the code: the address (when it is one),
   * the expiry the server gave (display only: an expiry beyond a fresh
   * code's lifetime is ignored) and, from it, the resend cooldown.
   */
  const codeState = (email: string, expires: string, now: Date): CodeView => {
    const address = normalizeEmail(email) ?? undefined;
    const at = new Date(expires);
    const ttlMs = policy.codeTtlSeconds * 1000;
    if (!expires || Number.isNaN(at.getTime()) || at.getTime() - now.getTime() > ttlMs)
      return { email: address, now };
    const secondsUntil = (ms: number) => Math.max(0, (ms - now.getTime()) / 1000);
    return {
      email: address,
      expiresAt: at,
      codeSecondsLeft: secondsUntil(at.getTime()),
      cooldownSecondsLeft: secondsUntil(at.getTime() - ttlMs + policy.resendCooldownSeconds * 1000),
      now,
    };
  };

  const codePageFor =
    (step: Step): ProblemPage =>
    (req: Request, problem: Problem) => {
      const now = clock.now();
      const state = codeState(formField(req, 'email'), formField(req, 'expires'), now);
      return codePage({
        ...state,
        ...(problem.code === 'resend_too_soon'
          ? { cooldownSecondsLeft: problem.retryAfterSeconds }
          : {}),
        messages: messagesFor(problem, step, now),
      });
    };

  const registerAgain: ProblemPage = (req, problem) =>
    registerPage({
      email: formField(req, 'email'),
      messages: messagesFor(problem, 'register', clock.now()),
    });

  const register: RequestHandler = async (req, res) => {
    const input = { email: formField(req, 'email'), password: formField(req, 'password') };
    const { user, activationCodeExpiresAt } = await counted(metrics.registrations, 'created', () =>
      service.register.execute(parseOrRefuse(RegisterRequest, input)),
    );
    res.redirect(303, codePageUrl(user.email, activationCodeExpiresAt));
  };

  const activate: RequestHandler = async (req, res) => {
    await counted(metrics.activations, 'activated', () =>
      service.activate.withCredentials({
        email: formField(req, 'email'),
        password: formField(req, 'password'),
        // What a form adds around a pasted code; the digits themselves follow the API's rule.
        code: formField(req, 'code').trim(),
      }),
    );
    res.redirect(303, '/activated');
  };

  const resend: RequestHandler = async (req, res) => {
    const email = formField(req, 'email');
    const { activationCodeExpiresAt } = await counted(metrics.resends, 'issued', () =>
      service.resend.withCredentials({ email, password: formField(req, 'password') }),
    );
    res.redirect(303, codePageUrl(normalizeEmail(email) ?? email, activationCodeExpiresAt, true));
  };

  route('/', {
    get: [(_req, res) => sendPage(res, registerPage())],
    post: formPost(registerAgain, register),
  });
  route('/activate', {
    get: [
      (req, res) => {
        const now = clock.now();
        const query = (name: string) => {
          const value = req.query[name];
          return typeof value === 'string' ? value : '';
        };
        const state = codeState(query('email'), query('expires'), now);
        sendPage(res, codePage({ ...state, sent: query('sent') === '1' }));
      },
    ],
    post: formPost(codePageFor('activate'), activate),
  });
  route('/activation-code', { post: formPost(codePageFor('resend'), resend) });
  route('/activated', { get: [(_req, res) => sendPage(res, activatedPage())] });

  for (const served of Object.values(ASSETS)) {
    router
      .route(served.path)
      .all(recordRoute(served.path))
      .get(serveAsset(served))
      .all(methodNotAllowed(['GET']));
  }
  return router;
}
