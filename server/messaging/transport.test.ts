import { afterEach, describe, expect, it } from 'vitest';
import { closeTransports, transporter } from './transport';

afterEach(() => closeTransports());

describe('SMTP transport', () => {
  it('is a pool with the configured limits, even though it is created from a URL', () => {
    // nodemailer reads only the URL of `{ url, pool, … }`: the "pool" was one connection per message
    const t = transporter('smtp://user:secret@127.0.0.1:2525/?tls.rejectUnauthorized=false') as unknown as {
      transporter: { name: string; options: Record<string, unknown> & { tls?: { rejectUnauthorized?: boolean } } };
    };
    expect(t.transporter.name).toBe('SMTP (pool)');
    expect(t.transporter.options).toMatchObject({ host: '127.0.0.1', port: 2525, pool: true, maxConnections: 8, maxMessages: 1000 });
    expect(t.transporter.options.auth).toMatchObject({ user: 'user', pass: 'secret' });
    expect(t.transporter.options.tls?.rejectUnauthorized).toBe(false);
    expect(t.transporter.options.socketTimeout).toBe(30_000);
  });
});
