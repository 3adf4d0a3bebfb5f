import { html, type Html } from './html.js';
import { layout } from './layout.js';

/**
 * A page with no form: a heading and sentences, and the way back to the start.
 * For what a page route answers outside its form (a cross-site post, a
 * method the path does not take).
 */
export function noticePage(heading: string, sentences: readonly string[]): Html {
  return layout({
    title: heading,
    main: html`<h1>${heading}</h1>
      ${sentences.map((s) => html`<p>${s}</p> `)}
      <p><a href="/">Go to the registration page</a></p>`,
  });
}
