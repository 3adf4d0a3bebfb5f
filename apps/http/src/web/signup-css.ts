/**
 * The pages' stylesheet, served as /assets/signup.css (no inline style: the
 * pages' Content-Security-Policy allows only 'self'). Colours meet WCAG AA
 * contrast on white; focus is always visible.
 */
export const SIGNUP_CSS = String.raw`
:root {
  --text: #1b1f24;
  --muted: #4a5360;
  --line: #8a94a3;
  --accent: #1d4ed8;
  --accent-dark: #173ea5;
  --error: #b3141b;
  --ok: #0f6b32;
  --focus: #ffbf47;
  color-scheme: light;
}
*, *::before, *::after { box-sizing: border-box; }
html { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; line-height: 1.5; color: var(--text); background: #f3f5f8; }
body { margin: 0; }
a { color: var(--accent); }
a:hover { color: var(--accent-dark); }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; box-shadow: 0 0 0 5px var(--text); }
.masthead { background: var(--text); color: #fff; padding: 0.75rem 1rem; }
.masthead a { color: #fff; font-weight: 700; text-decoration: none; letter-spacing: 0.02em; }
.masthead a:hover { text-decoration: underline; }
main { max-width: 30rem; margin: 2rem auto; padding: 2rem 1.5rem; background: #fff; border-radius: 0.5rem; box-shadow: 0 1px 3px rgb(0 0 0 / 0.12); }
h1 { font-size: 1.75rem; line-height: 1.2; margin: 0 0 1rem; }
h2 { font-size: 1.125rem; margin: 0 0 0.5rem; }
p { margin: 0 0 1rem; }
.lead { color: var(--muted); }
.field { margin: 0 0 1.25rem; }
.field label { display: block; font-weight: 600; margin-bottom: 0.25rem; }
.hint { color: var(--muted); margin: 0 0 0.25rem; font-size: 0.95rem; }
.field input { display: block; width: 100%; font: inherit; padding: 0.5rem 0.625rem; border: 2px solid var(--line); border-radius: 0.25rem; background: #fff; color: var(--text); }
.field input:focus-visible { border-color: var(--text); }
.field input.code { width: 7ch; letter-spacing: 0.25em; font-variant-numeric: tabular-nums; font-size: 1.25rem; }
.field--error { border-left: 4px solid var(--error); padding-left: 0.75rem; }
.field--error input { border-color: var(--error); }
.field-error { color: var(--error); font-weight: 600; margin: 0 0 0.25rem; }
.error-summary { border: 4px solid var(--error); padding: 1rem; margin: 0 0 1.5rem; }
.error-summary ul { margin: 0; padding-left: 1.25rem; }
.error-summary a, .error-summary li { color: var(--error); font-weight: 600; }
.notice { border-left: 4px solid var(--ok); padding: 0.5rem 0.75rem; background: #eef7f1; }
.actions { display: flex; flex-wrap: wrap; gap: 0.75rem; align-items: center; margin: 1.5rem 0 1rem; }
button { font: inherit; font-weight: 600; padding: 0.6rem 1.1rem; border-radius: 0.25rem; border: 2px solid var(--accent); cursor: pointer; }
button.primary { background: var(--accent); color: #fff; }
button.primary:hover { background: var(--accent-dark); border-color: var(--accent-dark); }
button.secondary { background: #fff; color: var(--accent); }
button.secondary:hover { background: #eef2fd; }
.timer { color: var(--muted); }
.countdown { font-variant-numeric: tabular-nums; font-weight: 600; color: var(--text); }
.visually-hidden { position: absolute !important; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
.success { color: var(--ok); }
`;
