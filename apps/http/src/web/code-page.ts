import { formatTime, formatWait } from './durations.js';
import {
  codeField,
  emailField,
  errorSummary,
  errorText,
  messageOn,
  passwordField,
} from './form-fields.js';
import { attributes, html, type Html } from './html.js';
import { layout } from './layout.js';
import type { PageMessage } from './problem-messages.js';

export interface CodeView {
  /** The account's address, carried in a hidden field; absent: the page asks for it. */
  readonly email?: string | undefined;
  /** When the code the page is about expires, as the server said (display only). */
  readonly expiresAt?: Date | undefined;
  readonly codeSecondsLeft?: number | undefined;
  readonly cooldownSecondsLeft?: number | undefined;
  /** A new code was just sent. */
  readonly sent?: boolean;
  readonly messages?: readonly PageMessage[];
  readonly now: Date;
}

/**
 * A deadline told as "… in 25 seconds": the script counts `data-seconds-left`
 * down and puts `whenPassed` in its place at zero; without the script the
 * text stays as rendered, with the absolute time beside it where useful.
 */
function timer(id: string, secondsLeft: number, running: Html, whenPassed: string): Html {
  if (secondsLeft <= 0) return html`<p class="timer" id="${id}">${whenPassed}</p>`;
  return html`<p
    class="timer"
    ${attributes({
      id,
      'data-seconds-left': Math.ceil(secondsLeft),
      'data-when-passed': whenPassed,
    })}
  >
    ${running}
  </p>`;
}

const countdown = (seconds: number) => html`<span class="countdown">${formatWait(seconds)}</span>`;

/** GET /activate: the code form (code, password), Activate and Send a new code, with both deadlines. */
export function codePage(view: CodeView): Html {
  const {
    email,
    expiresAt,
    codeSecondsLeft,
    cooldownSecondsLeft,
    sent = false,
    messages = [],
    now,
  } = view;
  const resendError = messageOn(messages, 'resend');
  const expiry =
    expiresAt && codeSecondsLeft !== undefined
      ? timer(
          'code-timer',
          codeSecondsLeft,
          html`The code expires in ${countdown(codeSecondsLeft)}, at
            <time datetime="${expiresAt.toISOString()}" data-local
              >${formatTime(expiresAt, now)}</time
            >.`,
          'The code has expired: send a new code.',
        )
      : undefined;
  const cooldown =
    cooldownSecondsLeft !== undefined
      ? timer(
          'resend-timer',
          cooldownSecondsLeft,
          html`You can ask for a new code in ${countdown(cooldownSecondsLeft)}.`,
          'You can ask for a new code now.',
        )
      : undefined;
  const resendDescribedBy = [resendError && 'resend-error', cooldown && 'resend-timer']
    .filter(Boolean)
    .join(' ');

  return layout({
    title: 'Enter your activation code',
    hasErrors: messages.length > 0,
    main: html`<h1>Enter your activation code</h1>
${sent && email ? html`<p class="notice" role="status">We sent a new code to <strong>${email}</strong>.</p>` : undefined}
${
  email
    ? html`<p class="lead">
        We sent a 4-digit code to <strong>${email}</strong>. Enter it with the password you
        registered with.
      </p>`
    : html`<p class="lead">
        Enter the code from the activation email, with the address and password you registered with.
      </p>`
}
${expiry}
${errorSummary(messages)}
<form method="post" action="/activate" novalidate>
${email ? html`<input type="hidden" name="email" value="${email}" />` : emailField('', messageOn(messages, 'email'))}
${expiresAt ? html`<input type="hidden" name="expires" value="${expiresAt.toISOString()}" />` : undefined}
${codeField(messageOn(messages, 'code'))}
${passwordField('current-password', messageOn(messages, 'password'))}
<div class="actions">
<button type="submit" class="primary">Activate</button>
<button${attributes({
      type: 'submit',
      class: 'secondary',
      id: 'resend',
      formaction: '/activation-code',
      'aria-describedby': resendDescribedBy || undefined,
    })}>Send a new code</button>
</div>
${errorText('resend', resendError)}
${cooldown}
</form>
<p><a href="/">Register with another address</a></p>`,
  });
}
