import { afterEach, describe, expect, it } from 'vitest';
import { closeTransports, smtpConnections, transporter } from './transport';

afterEach(() => closeTransports());

describe('SMTP transport', () => {
  it('is a pool with the configured limits, even though it is created from a URL', () => {
    // nodemailer reads only the URL of `{ url, pool, … }`: the "pool" was one connection per message
    const t = transporter('smtp://user:secret@127.0.0.1:2525/?tls.rejectUnauthorized=false') as unknown as {
      transporter: { name: string; options: Record<string, unknown> & { tls?: { rejectUnauthorized?: boolean } } };
    };
    expect(t.transporter.name).toBe('SMTP (pool)');
    expect(t.transporter.options).toMatchObject({ host: '127.0.0.1', port: 2525, pool: true, maxConnections: smtpConnections(), maxMessages: 1000 });
    expect(t.transporter.options.auth).toMatchObject({ user: 'user', pass: 'secret' });
    expect(t.transporter.options.tls?.rejectUnauthorized).toBe(false);
    expect(t.transporter.options.socketTimeout).toBe(30_000);
  });

  it('opens 8 connections to a provider, 32 to the embedded Mailpit, SMTP_MAX_CONNECTIONS when set', () => {
    const saved = { api: process.env.MAILPIT_API, max: process.env.SMTP_MAX_CONNECTIONS };
    try {
      delete process.env.SMTP_MAX_CONNECTIONS;
      delete process.env.MAILPIT_API;
      expect(smtpConnections()).toBe(8);
      process.env.MAILPIT_API = 'http://127.0.0.1:8026';
      expect(smtpConnections()).toBe(32);
      process.env.SMTP_MAX_CONNECTIONS = '5';
      expect(smtpConnections()).toBe(5);
    } finally {
      for (const [k, v] of [
        ['MAILPIT_API', saved.api],
        ['SMTP_MAX_CONNECTIONS', saved.max],
      ] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });
});
