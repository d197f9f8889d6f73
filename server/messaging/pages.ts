/** The small public HTML pages behind signed links (no session, no app chrome, no scripts). */
import { OPTIONAL_CATEGORIES } from './model';
import type { PreferenceView } from './preferences';

const LABELS: Record<(typeof OPTIONAL_CATEGORIES)[number], string> = {
  notifications: 'Notifications (event changes, reminders)',
  news: 'News and updates',
  reengagement: 'Suggestions when you have been away',
};

export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function page(title: string, body: string, status = 200): Response {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${esc(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;color:#111827;line-height:1.5}
fieldset{border:1px solid #d1d5db;border-radius:.5rem;padding:1rem}label{display:block;margin:.5rem 0}
button{font:inherit;padding:.5rem 1rem;border-radius:.375rem;border:1px solid #1d4ed8;background:#1d4ed8;color:#fff;cursor:pointer}
.note{color:#4b5563;font-size:.9rem}.ok{background:#ecfdf5;border:1px solid #059669;padding:.5rem 1rem;border-radius:.375rem}</style></head>
<body><main><h1>${esc(title)}</h1>${body}</main></body></html>`;
  return new Response(html, {
    status,
    headers: {
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store, private',
      'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
      'Referrer-Policy': 'no-referrer',
    },
  });
}

export function preferencesPage(view: PreferenceView, action: string, opts: { saved?: boolean; unsubscribe?: string | null }): Response {
  const boxes = OPTIONAL_CATEGORIES.map((c) => {
    const on = opts.unsubscribe === c ? false : view.categories[c];
    return `<label><input type="checkbox" name="${c}" value="on"${on ? ' checked' : ''}> ${esc(LABELS[c])}</label>`;
  }).join('');
  const unsub =
    opts.unsubscribe && (OPTIONAL_CATEGORIES as readonly string[]).includes(opts.unsubscribe)
      ? `<p>Untick what you no longer want and save. The box for the email you came from is already unticked.</p>`
      : '';
  return page(
    'Email preferences',
    `${opts.saved ? '<p class="ok" role="status">Saved. Thank you.</p>' : ''}
<p>Preferences for <b>${esc(view.address)}</b>.</p>${unsub}
<form method="post" action="${esc(action)}"><input type="hidden" name="_form" value="1"><fieldset><legend>Send me</legend>
<label><input type="checkbox" checked disabled> Account and booking emails (always sent)</label>${boxes}</fieldset>
<p><button type="submit">Save preferences</button></p></form>
${view.suppressed ? '<p class="note">Mail to this address bounced before; we do not send to it.</p>' : ''}
<p class="note">Your choices are recorded with the date so we can show what you agreed to.</p>`,
  );
}
