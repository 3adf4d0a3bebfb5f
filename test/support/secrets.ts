import type { LogLine } from '@signup/testkit';

/**
 * The secrets a test file handed to its servers: passwords, Authorization
 * header values (and their base64), activation codes (read from the mails),
 * the server secret (SIGNUP_SECRET).
 * Every server runs with SMTP_URL, so the console mailer is off and a code in
 * any log line is a leak.
 */
export class SecretLedger {
  readonly passwords = new Set<string>();
  readonly authorizations = new Set<string>();
  readonly codes = new Set<string>();
  readonly serverSecrets = new Set<string>();

  password(password: string): void {
    // Only distinctive values: a fuzzed "a" would match innocent text.
    if (password.length >= 10) this.passwords.add(password);
  }

  authorization(headerValue: string): void {
    this.authorizations.add(headerValue);
    const token = headerValue.replace(/^\S+\s+/, '');
    if (token.length >= 12) this.authorizations.add(token);
  }

  code(code: string): void {
    this.codes.add(code);
  }

  /** SIGNUP_SECRET (or a previous one): it keys every stored code, and is never logged. */
  serverSecret(secret: string): void {
    this.serverSecrets.add(secret);
  }

  /** One description per leak found in `lines` (empty when none). */
  leaks(lines: readonly LogLine[]): string[] {
    const found: string[] = [];
    for (const line of lines) {
      for (const password of this.passwords) {
        if (line.text.includes(password)) found.push(`password ${password} in ${describe(line)}`);
      }
      for (const value of this.authorizations) {
        if (line.text.includes(value))
          found.push(`Authorization value ${value} in ${describe(line)}`);
      }
      for (const secret of this.serverSecrets) {
        if (line.text.includes(secret)) found.push(`SIGNUP_SECRET in ${describe(line)}`);
      }
      for (const code of codesIn(line.text)) {
        if (this.codes.has(code)) found.push(`activation code ${code} in ${describe(line)}`);
      }
    }
    return found;
  }
}

function describe(line: LogLine): string {
  return `${line.server} ${line.stream}: ${line.text.slice(0, 400)}`;
}

const QUOTED = /(?<![\w])["'](\d{4})\\?["']/g;
const AFTER_WORD_CODE = /code[^0-9\n",]{0,30}?(?<!\d)(\d{4})(?![\d\-:])/gi;

/** Keys whose values are numbers written as strings (HTTP headers): never a code. */
const NUMERIC_KEYS = /(length|port|retry-after|ratelimit|remaining|reset|pid|age)$/i;

/**
 * 4-digit values that look like a code in a log line: a string that is only
 * the code, a quoted "1234" inside a string (a dumped body), or digits shortly
 * after the word "code" ("Your activation code is 1234."). JSON lines are
 * walked value by value, so plain numbers (latencies, ports), numeric header
 * values (content-length), dates and UUID groups do not count; other lines
 * are scanned as text.
 */
export function codesIn(text: string): Set<string> {
  const codes = new Set<string>();
  const scan = (value: string) => {
    if (/^\s*\d{4}\s*$/.test(value)) codes.add(value.trim());
    for (const match of value.matchAll(QUOTED)) if (match[1]) codes.add(match[1]);
    for (const match of value.matchAll(AFTER_WORD_CODE)) if (match[1]) codes.add(match[1]);
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    scan(text);
    return codes;
  }
  walkStrings(parsed, '', scan);
  return codes;
}

function walkStrings(value: unknown, key: string, visit: (s: string) => void, depth = 0): void {
  if (depth > 50) return;
  if (typeof value === 'string') {
    if (!NUMERIC_KEYS.test(key)) visit(value);
  } else if (Array.isArray(value)) {
    for (const item of value) walkStrings(item, key, visit, depth + 1);
  } else if (value !== null && typeof value === 'object') {
    for (const [name, item] of Object.entries(value)) {
      visit(name);
      walkStrings(item, name, visit, depth + 1);
    }
  }
}
