import { html, type Html } from './html.js';
import { layout } from './layout.js';

/** GET /activated: where a successful activation lands (POST/redirect/GET). */
export function activatedPage(): Html {
  return layout({
    title: 'Account activated',
    main: html`<h1 class="success">Your account is active</h1>
      <p>
        Your email address is confirmed and your account is now active. There is nothing more to do.
      </p>
      <p><a href="/">Register another address</a></p>`,
  });
}
