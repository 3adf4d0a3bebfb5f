import { isRefusal } from '@signup/domain';
import type { Counter } from 'prom-client';
import { isUnavailable } from '../http/unavailable.js';

/** Runs `work` and counts its outcome: `success`, the refusal code, `unavailable` or `error`. */
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
    const outcome = isRefusal(error) ? error.code : isUnavailable(error) ? 'unavailable' : 'error';
    counter.inc({ outcome });
    throw error;
  }
}
