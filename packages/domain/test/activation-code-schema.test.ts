import { describe, expect, it } from 'vitest';
import { ACTIVATION_CODE_PATTERN, activationCodeSchema, activationSchema } from '../src/index.js';

describe('activationCodeSchema', () => {
  it.each(['0000', '0042', '1234', '9999'])('accepts %j as is', (code) => {
    expect(activationCodeSchema.parse(code)).toBe(code);
  });

  it.each([
    '',
    '123',
    '12345',
    '１２３４', // full-width digits
    '١٢٣٤', // Arabic-Indic digits
    ' 1234',
    '1234 ',
    '1234\n',
    '12a4',
    '-123',
    '+123',
    '12.4',
    '0x12',
  ])('refuses the string %j', (code) => {
    const result = activationCodeSchema.safeParse(code);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe('must be exactly 4 digits');
  });

  it.each([1234, 42, null, undefined, ['1234'], { code: '1234' }])(
    'refuses the non-string %j',
    (code) => {
      expect(activationCodeSchema.safeParse(code).error?.issues[0]?.message).toBe(
        'must be a string',
      );
    },
  );

  it('uses the exported pattern', () => {
    expect(ACTIVATION_CODE_PATTERN.source).toBe('^[0-9]{4}$');
  });

  it('validates the activation body', () => {
    expect(activationSchema.parse({ code: '0042' })).toEqual({ code: '0042' });
    expect(activationSchema.safeParse({ code: 42 }).success).toBe(false);
    expect(activationSchema.safeParse({}).success).toBe(false);
  });
});
