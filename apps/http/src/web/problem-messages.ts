import type { Problem } from '../http/problem.js';
import { formatTime, formatWait } from './durations.js';

/** The page controls a message can belong to: the three fields and the "Send a new code" button. */
export type Control = 'email' | 'password' | 'code' | 'resend';

export const FIELD_LABELS = {
  email: 'Email',
  password: 'Password',
  code: 'Activation code',
} as const;

/** One readable message; `control: null` is about the whole form (shown in the error summary only). */
export interface PageMessage {
  readonly control: Control | null;
  readonly text: string;
}

/** Which form the problem answers: the registration, an activation or a resend. */
export type Step = 'register' | 'activate' | 'resend';

const isControl = (path: string): path is keyof typeof FIELD_LABELS => path in FIELD_LABELS;

const wait = (problem: Problem) =>
  problem.retryAfterSeconds === undefined ? 'a moment' : formatWait(problem.retryAfterSeconds);

/**
 * The problem the API would answer (its status comes from the one refusal
 * table, problemForRefusal, through the error handler) told in words, on the
 * control it is about. This is wording only: no status is decided here.
 * Codes without wording of their own (HTTP-level problems, rate_limited, codes
 * added later) are told by their status.
 */
export function messagesFor(problem: Problem, step: Step, now: Date): PageMessage[] {
  // A refusal of a new code belongs to the button on the code page, to the address on the register page.
  const issuing: Control = step === 'register' ? 'email' : 'resend';
  switch (problem.code) {
    case 'validation_failed': {
      const errors = problem.errors?.length
        ? problem.errors
        : [{ path: '', message: problem.detail }];
      return errors.map(({ path, message }) =>
        isControl(path)
          ? { control: path, text: `${FIELD_LABELS[path]} ${message}` }
          : { control: null, text: message },
      );
    }
    case 'invalid_credentials':
      return [{ control: 'password', text: 'The email or password is not correct.' }];
    case 'email_taken':
      return [{ control: 'email', text: 'An active account already uses this email address.' }];
    case 'already_active':
      return [
        { control: null, text: 'This account is already active: there is nothing left to do.' },
      ];
    case 'resend_too_soon':
      return [
        {
          control: issuing,
          text: `A code was sent to this address moments ago. Use that code, or wait ${wait(problem)} for a new one.`,
        },
      ];
    case 'activation_locked': {
      const until = problem.lockedUntil ? new Date(problem.lockedUntil) : null;
      const when = until
        ? `${formatTime(until, now)} (in ${wait(problem)})`
        : `in ${wait(problem)}`;
      return [
        {
          control: issuing,
          text: `Too many wrong codes were entered for this address. No new code can be sent until ${when}.`,
        },
      ];
    }
    case 'mail_quota_exceeded':
      return [
        {
          control: issuing,
          text: `This mailbox has had all its activation emails for today. Try again in ${wait(problem)}.`,
        },
      ];
    case 'activation_code_invalid': {
      const left = problem.attemptsRemaining ?? 0;
      return [
        {
          control: 'code',
          text:
            left > 0
              ? `That code is not correct. ${left} attempt${left === 1 ? '' : 's'} left.`
              : 'That code is not correct, and it was the last attempt: send a new code.',
        },
      ];
    }
    case 'activation_code_exhausted':
      return [
        {
          control: 'code',
          text: 'This code had too many wrong tries and no longer works: send a new code.',
        },
      ];
    case 'activation_code_expired':
      return [{ control: 'code', text: 'This code has expired: send a new code.' }];
    case 'payload_too_large':
      return [{ control: null, text: 'The form is too large to send.' }];
    default:
      return [{ control: null, text: byStatus(problem) }];
  }
}

function byStatus(problem: Problem): string {
  if (problem.status === 503)
    return `The service is busy or briefly unavailable. Try again in ${wait(problem)}.`;
  if (problem.status === 429) return `Too many attempts. Wait ${wait(problem)}, then try again.`;
  if (problem.status >= 500) return 'Something went wrong on our side. Please try again later.';
  return 'The form could not be read. Please try again.';
}
