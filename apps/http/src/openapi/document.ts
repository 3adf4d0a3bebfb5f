import {
  OpenAPIRegistry,
  OpenApiGeneratorV31,
  type ResponseConfig,
} from '@asteasolutions/zod-to-openapi';
import type { z } from 'zod';
import {
  COMMON_POST_PROBLEMS,
  problemResponse,
  REQUEST_ID_HEADER_SPEC,
  RETRY_AFTER,
  TOO_MANY,
  UNAUTHORIZED,
} from './problem-responses.js';
import {
  Activated,
  ActivateRequest,
  CodeResent,
  Health,
  Liveness,
  Readiness,
  Registered,
  RegisterRequest,
} from './schemas.js';
import { API_DESCRIPTION } from './description.js';

const json = (schema: z.ZodType, description: string): ResponseConfig => ({
  description,
  headers: REQUEST_ID_HEADER_SPEC,
  content: { 'application/json': { schema } },
});

function registerPaths(registry: OpenAPIRegistry, basicAuth: string): void {
  registry.registerPath({
    method: 'post',
    path: '/api/v1/register',
    operationId: 'register',
    tags: ['accounts'],
    summary: 'Register an email and password; emails a 4-digit activation code',
    description:
      'Creates a pending account and emails its code. Registering an email that is still pending ' +
      'replaces the registration with a fresh one (new id, createdAt, password and code; the old ' +
      'code stops working), so the answer looks exactly like a first registration. A new code is ' +
      'refused like a resend: within the cooldown, during a lockout, over the mailbox budget. ' +
      "Re-registering never resets the address's strikes.",
    request: {
      body: { required: true, content: { 'application/json': { schema: RegisterRequest } } },
    },
    responses: {
      '201': json(Registered, 'Registered (pending); the activation email is on its way'),
      '400': problemResponse('The body is not valid JSON', ['malformed_json']),
      '409': problemResponse('An active account already uses this email', ['email_taken']),
      '422': problemResponse('The body does not match RegisterRequest', ['validation_failed']),
      '429': TOO_MANY([
        'resend_too_soon',
        'activation_locked',
        'mail_quota_exceeded',
        'rate_limited',
      ]),
      ...COMMON_POST_PROBLEMS,
    },
  });

  registry.registerPath({
    method: 'post',
    path: '/api/v1/activate',
    operationId: 'activate',
    tags: ['accounts'],
    summary: 'Activate an account with its code (HTTP Basic Auth: email and password)',
    description:
      'The code must be used within ACTIVATION_CODE_TTL_SECONDS of being issued. Each wrong code ' +
      'counts on the code and as a strike of the address (its mailbox, +tag removed): the code ' +
      "burns after ACTIVATION_MAX_ATTEMPTS wrong codes, or when the address's strikes reach a " +
      'multiple of ACTIVATION_MAX_ATTEMPTS, and each burned code locks the address (no new code) ' +
      'for ACTIVATION_LOCKOUT_SECONDS x 2^(n-1). Strikes are cleared by an activation. The body is ' +
      'validated before the credentials are checked.',
    security: [{ [basicAuth]: [] }],
    request: {
      body: { required: true, content: { 'application/json': { schema: ActivateRequest } } },
    },
    responses: {
      '200': json(Activated, 'Activated'),
      '400': problemResponse(
        'Wrong code (attemptsRemaining says how many are left), or malformed JSON',
        ['activation_code_invalid', 'malformed_json'],
      ),
      '401': UNAUTHORIZED,
      '409': problemResponse('The account is already active', ['already_active']),
      '410': problemResponse(
        'The code is burned (too many wrong codes) or expired: request a new one',
        ['activation_code_exhausted', 'activation_code_expired'],
      ),
      '422': problemResponse('The body does not match ActivateRequest', ['validation_failed']),
      '429': TOO_MANY(['rate_limited']),
      ...COMMON_POST_PROBLEMS,
    },
  });

  registry.registerPath({
    method: 'post',
    path: '/api/v1/activation-code',
    operationId: 'resendActivationCode',
    tags: ['accounts'],
    summary: 'Email a new activation code (HTTP Basic Auth: email and password)',
    description:
      'Takes no body (an empty body or any JSON object is accepted and ignored). The previous code ' +
      'stops working; the new code gets its own ACTIVATION_MAX_ATTEMPTS, but the address keeps its ' +
      'strikes.',
    security: [{ [basicAuth]: [] }],
    responses: {
      '202': json(CodeResent, 'A new code was issued and is on its way'),
      '400': problemResponse('A body was sent and is not valid JSON', ['malformed_json']),
      '401': UNAUTHORIZED,
      '409': problemResponse('The account is already active', ['already_active']),
      '429': TOO_MANY([
        'resend_too_soon',
        'activation_locked',
        'mail_quota_exceeded',
        'rate_limited',
      ]),
      ...COMMON_POST_PROBLEMS,
    },
  });

  registry.registerPath({
    method: 'get',
    path: '/api/v1/health',
    operationId: 'health',
    tags: ['operations'],
    summary: 'Health of the service and its dependencies',
    responses: {
      '200': json(Health, 'ok or degraded'),
      '503': json(Health, 'down: the database does not answer'),
    },
  });

  registry.registerPath({
    method: 'get',
    path: '/livez',
    operationId: 'livez',
    tags: ['operations'],
    summary: 'Liveness: 200 while the process runs',
    responses: { '200': json(Liveness, 'alive') },
  });

  registry.registerPath({
    method: 'get',
    path: '/readyz',
    operationId: 'readyz',
    tags: ['operations'],
    summary: 'Readiness: the database answers and every migration is applied',
    responses: {
      '200': json(Readiness, 'ready to serve'),
      '503': problemResponse(
        'Not ready: database down, migrations pending, or shutting down',
        ['service_unavailable'],
        RETRY_AFTER,
      ),
    },
  });

  registry.registerPath({
    method: 'get',
    path: '/metrics',
    operationId: 'metrics',
    tags: ['operations'],
    summary: 'Prometheus metrics (text exposition format)',
    responses: {
      '200': {
        description: 'Metrics',
        content: { 'text/plain': { schema: { type: 'string' } } },
      },
    },
  });

  registry.registerPath({
    method: 'get',
    path: '/openapi.json',
    operationId: 'openapi',
    tags: ['operations'],
    summary: 'This document',
    responses: {
      '200': {
        description: 'OpenAPI 3.1',
        content: { 'application/json': { schema: { type: 'object' } } },
      },
    },
  });
}

/** The OpenAPI 3.1 document, generated from the zod schemas the routes validate with. */
export function buildOpenApiDocument(
  version: string,
): ReturnType<OpenApiGeneratorV31['generateDocument']> {
  const registry = new OpenAPIRegistry();
  const basicAuth = registry.registerComponent('securitySchemes', 'basicAuth', {
    type: 'http',
    scheme: 'basic',
    description: 'The account email as user-id and its password; UTF-8 (RFC 7617 charset="UTF-8").',
  });
  registerPaths(registry, basicAuth.name);
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: { title: 'signup', version, description: API_DESCRIPTION },
    servers: [{ url: '/' }],
    tags: [
      { name: 'accounts', description: 'Registration and activation' },
      { name: 'operations', description: 'Health, probes, metrics, documentation' },
    ],
  });
}
