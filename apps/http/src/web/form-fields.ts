import { attributes, html, type Html } from './html.js';
import { FIELD_LABELS, type Control, type PageMessage } from './problem-messages.js';

type Field = keyof typeof FIELD_LABELS;

/** The messages on one control, joined. */
export function messageOn(messages: readonly PageMessage[], control: Control): string | undefined {
  const texts = messages.filter((m) => m.control === control).map((m) => m.text);
  return texts.length ? texts.join(' ') : undefined;
}

const describedBy = (...ids: (string | false | undefined)[]) =>
  ids.filter(Boolean).join(' ') || undefined;

/** The error text of a control, linked to it by aria-describedby (`<id>-error`). */
export function errorText(id: string, error: string | undefined): Html | undefined {
  return error
    ? html`<p class="field-error" id="${id}-error">
        <span class="visually-hidden">Error:</span> ${error}
      </p>`
    : undefined;
}

interface FieldOptions {
  readonly name: Field;
  readonly type: 'email' | 'password' | 'text';
  readonly autocomplete: string;
  /** Never for a password: the type below has no way to echo one. */
  readonly value?: string;
  readonly error?: string | undefined;
  readonly hint?: string;
  readonly input?: Record<string, string | number | boolean | undefined>;
}

/**
 * A labelled input; its hint and error are tied to it (aria-describedby), an
 * error also marks it aria-invalid. The id is the field's name, so the error
 * summary links to it.
 */
function field({ name, type, autocomplete, value, error, hint, input = {} }: FieldOptions): Html {
  const id = name;
  return html`<div class="${error ? 'field field--error' : 'field'}">
<label for="${id}">${FIELD_LABELS[name]}</label>
${hint ? html`<p class="hint" id="${id}-hint">${hint}</p>` : undefined}
${errorText(id, error)}
<input${attributes({
    id,
    name,
    type,
    autocomplete,
    value,
    spellcheck: type === 'password' ? undefined : 'false',
    'aria-describedby': describedBy(hint && `${id}-hint`, error && `${id}-error`),
    'aria-invalid': error ? 'true' : undefined,
    ...input,
  })}>
</div>`;
}

export const emailField = (value: string, error?: string): Html =>
  field({ name: 'email', type: 'email', autocomplete: 'email', value, error });

/** A password field: always empty, whatever was typed before. */
export const passwordField = (
  autocomplete: 'new-password' | 'current-password',
  error?: string,
  hint?: string,
): Html =>
  field({ name: 'password', type: 'password', autocomplete, error, ...(hint ? { hint } : {}) });

export const codeField = (error?: string): Html =>
  field({
    name: 'code',
    type: 'text',
    autocomplete: 'one-time-code',
    error,
    hint: 'The 4 digits from the email.',
    input: { inputmode: 'numeric', pattern: '[0-9]{4}', maxlength: 4, class: 'code' },
  });

/**
 * The list of what went wrong, first in the form and focused on load
 * (autofocus without JavaScript, the script again with it), each field
 * message linking to its control.
 */
export function errorSummary(messages: readonly PageMessage[]): Html | undefined {
  if (messages.length === 0) return undefined;
  return html`<div class="error-summary" id="error-summary" tabindex="-1" autofocus>
    <div role="alert">
      <h2>There is a problem</h2>
      <ul>
        ${messages.map((m) =>
          m.control
            ? html`<li><a href="#${m.control}">${m.text}</a></li> `
            : html`<li>${m.text}</li> `,
        )}
      </ul>
    </div>
  </div>`;
}
