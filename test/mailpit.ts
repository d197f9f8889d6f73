/**
 * Reading the test Mailpit (started by scripts/test.mjs on its own ports; MAILPIT_API names it) through its
 * HTTP API: what the tests assert on is what a real SMTP server received. Each test file uses recipient
 * addresses of its own (a random domain) so files running side by side do not see each other's mail.
 */
export const MAILPIT_API = (process.env.MAILPIT_API ?? 'http://127.0.0.1:8026').replace(/\/+$/, '');

export interface MailpitSummary {
  ID: string;
  MessageID: string;
  Subject: string;
  To: { Address: string }[];
}

async function api<T>(path: string, init?: RequestInit): Promise<T> {
  const r = await fetch(`${MAILPIT_API}${path}`, init);
  if (!r.ok) throw new Error(`Mailpit ${path}: ${r.status} ${await r.text()}`);
  const text = await r.text();
  return (text ? JSON.parse(text) : null) as T;
}

/** Every message matching a Mailpit search (e.g. `to:"a@b.test"`), newest first, all pages. */
export async function searchMail(query: string): Promise<MailpitSummary[]> {
  const out: MailpitSummary[] = [];
  for (let start = 0; ; start += 1000) {
    const r = await api<{ messages: MailpitSummary[]; messages_count: number }>(`/api/v1/search?query=${encodeURIComponent(query)}&start=${start}&limit=1000`);
    out.push(...r.messages);
    if (r.messages.length < 1000) return out;
  }
}

export async function getMail(id: string) {
  return api<{ ID: string; MessageID: string; Subject: string; HTML: string; Text: string; To: { Address: string }[] }>(`/api/v1/message/${id}`);
}

export async function getHeaders(id: string): Promise<Record<string, string[]>> {
  return api(`/api/v1/message/${id}/headers`);
}

/** Makes Mailpit's SMTP server answer `code` to RCPT TO (probability %), or turns chaos off. */
export async function setChaos(recipient: { code: number; probability: number } | null) {
  await api('/api/v1/chaos', {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ Recipient: recipient ? { ErrorCode: recipient.code, Probability: recipient.probability } : { ErrorCode: 451, Probability: 0 } }),
  });
}

/** Waits until `query` matches at least `n` messages (Mailpit stores a message a moment after the SMTP reply). */
export async function waitForMail(query: string, n = 1, timeoutMs = 10_000): Promise<MailpitSummary[]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const got = await searchMail(query);
    if (got.length >= n || Date.now() > until) return got;
    await new Promise((r) => setTimeout(r, 100));
  }
}
