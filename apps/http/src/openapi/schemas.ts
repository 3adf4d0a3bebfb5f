import {
  activationSchema,
  EMAIL_MAX_LENGTH,
  emailSchema,
  registrationSchema,
} from '@signup/domain';
import { z } from 'zod';
import { PROBLEM_CODES } from '../http/problem.js';

/*
 * The request schemas ARE the domain's validation schemas (same rules, with
 * documentation attached); the routes validate with these very objects.
 */

export const RegisterRequest = registrationSchema
  .extend({
    // The same rules; the email schema normalizes through a pipe (IDN to ASCII), whose
    // generated document would show only its input side, so its shape is stated here.
    email: emailSchema.meta({ type: 'string', format: 'email', maxLength: EMAIL_MAX_LENGTH }),
  })
  .meta({
    id: 'RegisterRequest',
    description:
      'email: trimmed and lower-cased, at most 254 characters, a valid address; an ' +
      'internationalized domain is converted to its ASCII form (bücher.de -> xn--bcher-kva.de); ' +
      'a non-ASCII local part is refused (it would need SMTPUTF8). ' +
      'password: normalized to Unicode NFC, then at least 8 characters and at most 72 bytes of UTF-8 ' +
      '(refused beyond, never truncated); no NUL character. Unknown members are ignored.',
    example: { email: 'ada@example.com', password: 'correct horse battery' },
  });

export const ActivateRequest = activationSchema.meta({
  id: 'ActivateRequest',
  description: 'The 4-digit code from the activation email, as a string ("0042" is valid).',
  example: { code: '0042' },
});

const isoDate = z.iso.datetime({ offset: true }).meta({ example: '2026-01-01T12:00:00.000Z' });
const uuid = z.uuid().meta({ example: '3f0c1c52-5d5c-4f55-9c4b-1b2f1f7a9a10' });
const email = z.string().meta({ description: 'The normalized email', example: 'ada@example.com' });

export const Registered = z
  .object({
    id: uuid,
    email,
    status: z.literal('pending'),
    createdAt: isoDate,
    activationCodeExpiresAt: isoDate,
  })
  .meta({ id: 'Registered', description: 'A pending account; the code was emailed.' });

export const Activated = z
  .object({
    id: uuid,
    email,
    status: z.literal('active'),
    createdAt: isoDate,
    activatedAt: isoDate,
  })
  .meta({ id: 'Activated', description: 'The account is active.' });

export const CodeResent = z.object({ activationCodeExpiresAt: isoDate }).meta({
  id: 'CodeResent',
  description: 'A new code was emailed; the previous one stopped working.',
});

export const ProblemDetails = z
  .object({
    type: z.string().meta({
      description:
        'A stable, non-resolvable URI naming the problem type: tag:signup,2026:problem:<code>',
      example: 'tag:signup,2026:problem:validation_failed',
    }),
    title: z.string().meta({ description: 'Short summary of the problem type' }),
    status: z.number().int().meta({ description: 'The HTTP status code' }),
    detail: z.string().meta({ description: 'Human-readable explanation of this occurrence' }),
    code: z.enum(PROBLEM_CODES).meta({ description: 'Stable machine-readable code' }),
    errors: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .optional()
      .meta({
        description:
          'validation_failed only: one entry per offending field ("" for the body itself)',
      }),
    attemptsRemaining: z.number().int().min(0).optional().meta({
      description: 'activation_code_invalid only: wrong codes left before the code is burned',
    }),
    retryAfterSeconds: z
      .number()
      .int()
      .min(0)
      .optional()
      .meta({ description: 'With 429 and 503: the same value as the Retry-After header' }),
    lockedUntil: z.iso.datetime().optional().meta({
      description:
        'activation_locked only: when the address may get a new code again (ISO-8601, UTC)',
    }),
  })
  .meta({ id: 'ProblemDetails', description: 'RFC 9457 problem details with a stable `code`' });

export const Health = z
  .object({
    status: z.enum(['ok', 'degraded', 'down']),
    version: z.string(),
    uptimeSeconds: z.number().int().min(0),
    checks: z.object({
      database: z.object({
        status: z.enum(['up', 'down']),
        latencyMs: z
          .number()
          .nullable()
          .meta({ description: 'Round trip of SELECT 1; null when down' }),
      }),
      smtp: z.object({
        status: z
          .enum(['up', 'down', 'disabled'])
          .meta({ description: 'disabled: no SMTP_URL, emails go to the log (console transport)' }),
      }),
      outbox: z.object({
        pending: z
          .number()
          .int()
          .min(0)
          .nullable()
          .meta({ description: 'null when the database is down' }),
        oldestPendingSeconds: z.number().int().min(0).nullable(),
      }),
    }),
  })
  .meta({
    id: 'Health',
    description:
      'ok: everything up (or SMTP disabled). degraded: SMTP down or the outbox unreadable; registrations ' +
      'still work and mail waits in the outbox. down (503): the database is down. Every check is ' +
      'time-boxed to 1 s; the SMTP status is the last probe, refreshed in the background every 5 s.',
  });

export const Liveness = z.object({ status: z.literal('ok') }).meta({ id: 'Liveness' });
export const Readiness = z.object({ status: z.literal('ready') }).meta({ id: 'Readiness' });
