import { emailField, errorSummary, messageOn, passwordField } from './form-fields.js';
import { html, type Html } from './html.js';
import { layout } from './layout.js';
import type { PageMessage } from './problem-messages.js';

export interface RegisterView {
  /** What was typed, shown again after a refusal (escaped like every value). */
  readonly email?: string;
  readonly messages?: readonly PageMessage[];
}

/** GET /: the registration form; after a refusal, the same form with its messages. */
export function registerPage({ email = '', messages = [] }: RegisterView = {}): Html {
  const codeLink = email ? `/activate?${new URLSearchParams({ email }).toString()}` : '/activate';
  return layout({
    title: 'Create your account',
    hasErrors: messages.length > 0,
    main: html`<h1>Create your account</h1>
      <p class="lead">
        Register with your email address and a password. We will email you a 4-digit code to
        activate the account.
      </p>
      ${errorSummary(messages)}
      <form method="post" action="/" novalidate>
        ${emailField(email, messageOn(messages, 'email'))}
        ${passwordField('new-password', messageOn(messages, 'password'), 'At least 8 characters.')}
        <div class="actions"><button type="submit" class="primary">Register</button></div>
      </form>
      <p>Already have a code? <a href="${codeLink}">Enter your activation code</a>.</p>`,
  });
}
