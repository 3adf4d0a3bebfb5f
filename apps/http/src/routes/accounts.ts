import { parseOrRefuse, type PasswordHasher, type SignupService } from '@signup/domain';
import type { RequestHandler } from 'express';
import type { z } from 'zod';
import { requireCredentials } from '../http/credentials.js';
import type { Metrics } from '../observability/metrics.js';
import { counted } from './counted.js';
import {
  ActivateRequest,
  type Activated,
  type CodeResent,
  type Registered,
  RegisterRequest,
} from '../openapi/schemas.js';

export interface AccountRouteDeps {
  readonly service: SignupService;
  readonly hasher: PasswordHasher;
  readonly metrics: Metrics;
}

/** POST /api/v1/register */
export function register({ service, metrics }: AccountRouteDeps): RequestHandler {
  return async (req, res) => {
    const { user, activationCodeExpiresAt } = await counted(metrics.registrations, 'created', () =>
      service.register.execute(parseOrRefuse(RegisterRequest, req.body)),
    );
    const body: z.input<typeof Registered> = {
      id: user.id,
      email: user.email,
      status: 'pending',
      createdAt: user.createdAt.toISOString(),
      activationCodeExpiresAt: activationCodeExpiresAt.toISOString(),
    };
    res.status(201).json(body);
  };
}

/** POST /api/v1/activate: Basic Auth + { code } */
export function activate({ service, hasher, metrics }: AccountRouteDeps): RequestHandler {
  return async (req, res) => {
    const user = await counted(metrics.activations, 'activated', async () => {
      const credentials = await requireCredentials(req, hasher);
      const { code } = parseOrRefuse(ActivateRequest, req.body);
      return service.activate.withCredentials({ ...credentials, code });
    });
    const body: z.input<typeof Activated> = {
      id: user.id,
      email: user.email,
      status: 'active',
      createdAt: user.createdAt.toISOString(),
      activatedAt: activatedAt(user.activatedAt).toISOString(),
    };
    res.status(200).json(body);
  };
}

function activatedAt(value: Date | null): Date {
  if (!value) throw new Error('an activated account has no activatedAt');
  return value;
}

/** POST /api/v1/activation-code: Basic Auth, no body (an empty one or any JSON is ignored) */
export function resend({ service, hasher, metrics }: AccountRouteDeps): RequestHandler {
  return async (req, res) => {
    const { activationCodeExpiresAt } = await counted(metrics.resends, 'issued', async () =>
      service.resend.withCredentials(await requireCredentials(req, hasher)),
    );
    const body: z.input<typeof CodeResent> = {
      activationCodeExpiresAt: activationCodeExpiresAt.toISOString(),
    };
    res.status(202).json(body);
  };
}
