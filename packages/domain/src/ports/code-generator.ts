import { randomInt } from 'node:crypto';
import { ACTIVATION_CODE_DIGITS } from '../schemas.js';

/** Where the domain gets activation codes: 4 ASCII digits, "0042" included. */
export interface CodeGenerator {
  generate(): string;
}

/** Uniform over 0000..9999 from the CSPRNG. */
export const randomCodeGenerator: CodeGenerator = {
  generate: () =>
    randomInt(0, 10 ** ACTIVATION_CODE_DIGITS)
      .toString()
      .padStart(ACTIVATION_CODE_DIGITS, '0'),
};
