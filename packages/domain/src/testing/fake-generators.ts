import type { CodeGenerator } from '../ports/code-generator.js';
import type { IdGenerator } from '../ports/id-generator.js';

/** Hands out the given codes in order, then repeats the last one. */
export class SequenceCodeGenerator implements CodeGenerator {
  private index = 0;
  constructor(private readonly codes: readonly string[] = ['1234']) {
    if (codes.length === 0) throw new RangeError('at least one code');
  }
  generate(): string {
    const code = this.codes[Math.min(this.index, this.codes.length - 1)] as string;
    this.index += 1;
    return code;
  }
}

export function fixedCodeGenerator(code: string): CodeGenerator {
  return { generate: () => code };
}

/** Deterministic UUID-shaped ids: 00000000-0000-4000-8000-000000000001, ... */
export class SequentialIdGenerator implements IdGenerator {
  private counter = 0;
  next(): string {
    this.counter += 1;
    return `00000000-0000-4000-8000-${this.counter.toString(16).padStart(12, '0')}`;
  }
}
