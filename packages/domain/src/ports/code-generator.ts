import { randomInt, randomUUID } from 'node:crypto';

/** Where the domain gets activation codes: 4 ASCII digits, "0042" included. */
export interface CodeGenerator {
  generate(): string;
}

/** Uniform over 0000..9999 from the CSPRNG. */
export const randomCodeGenerator: CodeGenerator = {
  generate: () => randomInt(0, 10_000).toString().padStart(4, '0'),
};

/** Where the domain gets identifiers (UUIDs). */
export interface IdGenerator {
  next(): string;
}

export const randomIdGenerator: IdGenerator = { next: () => randomUUID() };
