import { HashingOverloadedError } from '@signup/adapters';
import { isRefusal } from '@signup/domain';
import type { Counter } from 'prom-client';
import { isUnavailable } from '../http/unavailable.js';

/**
 * Runs `work` and counts its outcome: `success`, the refusal code, `overloaded`
 * (shed: hashing at capacity), `unavailable` or `error`.
 */
export async function counted<T>(
  counter: Counter<'outcome'>,
  success: string,
  work: () => Promise<T>,
): Promise<T> {
  try {
    const result = await work();
    counter.inc({ outcome: success });
    return result;
  } catch (error) {
    const outcome = isRefusal(error)
      ? error.code
      : error instanceof HashingOverloadedError
        ? 'overloaded'
        : isUnavailable(error)
          ? 'unavailable'
          : 'error';
    counter.inc({ outcome });
    throw error;
  }
}
