import { escapeHtml } from '@signup/adapters';

/**
 * HTML built by tagged templates: every interpolated value is escaped unless
 * it is already `Html` (the output of another template). A page is therefore
 * safe by construction; nothing in `web/` concatenates markup by hand. The
 * escape is the adapters' one (the activation email's): element content and
 * quoted attribute values alike.
 */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

/** What a template may interpolate: `null`, `undefined` and `false` render as nothing. */
export type Interpolation =
  Html | string | number | null | undefined | false | readonly Interpolation[];

function render(value: Interpolation): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return (value as readonly Interpolation[]).map(render).join('');
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Interpolation[]): Html {
  let text = strings[0] ?? '';
  values.forEach((value, i) => {
    text += render(value) + (strings[i + 1] ?? '');
  });
  return new Html(text);
}

/**
 * Attributes from a record, each escaped: `undefined`/`false` leave the
 * attribute out, `true` writes it bare (`required`).
 */
export function attributes(values: Record<string, string | number | boolean | undefined>): Html {
  let text = '';
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined || value === false) continue;
    text += value === true ? ` ${name}` : ` ${name}="${escapeHtml(String(value))}"`;
  }
  return new Html(text);
}
