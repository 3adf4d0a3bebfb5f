/** One email, ready for any transport. */
export interface RenderedEmail {
  readonly from: string;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

export const ACTIVATION_SUBJECT = 'Your activation code';

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/**
 * The activation email as the contract words it: subject `Your activation
 * code`, a text part with `Your activation code is 1234.` and the expiry in
 * ISO-8601 UTC, and an HTML part with the same content, escaped.
 */
export function renderActivationEmail(input: {
  from: string;
  to: string;
  code: string;
  codeExpiresAt: Date;
}): RenderedEmail {
  const expires = input.codeExpiresAt.toISOString();
  const text = [
    'Hello,',
    '',
    `Your activation code is ${input.code}.`,
    '',
    `It expires at ${expires} (UTC). Activate your account before then;`,
    'afterwards you can ask for a new code.',
    '',
    'If you did not register, you can ignore this email.',
    '',
  ].join('\n');
  const e = escapeHtml;
  const html = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${e(ACTIVATION_SUBJECT)}</title></head>
<body>
<p>Hello,</p>
<p>Your activation code is <strong>${e(input.code)}</strong>.</p>
<p>It expires at <time datetime="${e(expires)}">${e(expires)}</time> (UTC). Activate your account before then; afterwards you can ask for a new code.</p>
<p>If you did not register, you can ignore this email.</p>
</body>
</html>
`;
  return { from: input.from, to: input.to, subject: ACTIVATION_SUBJECT, text, html };
}
