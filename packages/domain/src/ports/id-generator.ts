import { randomUUID } from 'node:crypto';

/** Where the domain gets identifiers (UUIDs). */
export interface IdGenerator {
  next(): string;
}

export const randomIdGenerator: IdGenerator = { next: () => randomUUID() };
