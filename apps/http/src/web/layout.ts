import { ASSETS } from './assets.js';
import { html, type Html } from './html.js';

export interface PageShell {
  /** The step's own title; "Error: " is put in front when the page shows errors. */
  readonly title: string;
  readonly hasErrors?: boolean;
  readonly main: Html;
}

/** The document around every page: language, title per step, the app's own CSS and JS, landmarks. */
export function layout({ title, hasErrors = false, main }: PageShell): Html {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${hasErrors ? 'Error: ' : ''}${title} – signup</title>
        <link rel="stylesheet" href="${ASSETS.css.url}" />
        <link rel="icon" type="image/svg+xml" href="${ASSETS.icon.url}" />
        <script src="${ASSETS.js.url}" defer></script>
      </head>
      <body>
        <header class="masthead"><a href="/">signup</a></header>
        <main id="main">
          ${main}
          <div id="announcer" class="visually-hidden" role="status"></div>
        </main>
      </body>
    </html> `;
}
