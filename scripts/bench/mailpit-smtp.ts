/**
 * Mailpit alone: how fast the embedded Mailpit accepts our messages, and what it costs in CPU, for a given
 * set of Mailpit options and SMTP connections (issue 15: which share of the campaign's CPU is Mailpit's).
 * The message is a real one: the first message of the database's `messages` (run scripts/bench/messaging.ts
 * first), composed by the outbox (composeMail), sent N times with a fresh Message-ID and recipient.
 *
 * Usage: MONGODB_URI=… npx tsx scripts/bench/mailpit-smtp.ts [--db acube_bench_msg] [--n 3000] [--conns 8]
 *        [--smtp-port 1251] [--http-port 8251] [--nodelay] [-- <extra Mailpit args>]
 * --nodelay: TCP_NODELAY on the client sockets (it made no difference: 8 connections 125 vs 131 msg/s).
 */
import './no-server-only';
import net from 'node:net';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { MongoClient } from 'mongodb';
import nodemailer from 'nodemailer';
// @ts-expect-error -- plain ESM helper without types
import { startMailpit } from '../lib/mailpit.mjs';
import { cpuSeconds } from './proc-cpu';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    db: { type: 'string', default: 'acube_bench_msg' },
    n: { type: 'string', default: '3000' },
    conns: { type: 'string', default: '8' },
    'smtp-port': { type: 'string', default: '1251' },
    'http-port': { type: 'string', default: '8251' },
    nodelay: { type: 'boolean', default: false },
  },
});

async function main() {
  process.env.NEXTAUTH_SECRET ||= 'bench-secret-not-for-production-0123456789';
  const { composeMail } = await import('../../server/messaging/outbox');
  const { buildRaw } = await import('../../server/messaging/mime');
  const client = new MongoClient(process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017');
  const db = client.db(values.db);
  const m = await db.collection('messages').findOne({});
  if (!m) throw new Error(`no message in ${values.db}.messages: run scripts/bench/messaging.ts first`);
  const mail = await composeMail(db, m as never);
  await client.close();
  const mp = await startMailpit({ smtpPort: Number(values['smtp-port']), httpPort: Number(values['http-port']), extraArgs: positionals });
  const N = Number(values.n);
  const t = nodemailer.createTransport({
    host: '127.0.0.1',
    port: Number(values['smtp-port']),
    pool: true,
    maxConnections: Number(values.conns),
    maxMessages: Infinity,
    // TCP_NODELAY on the client socket (Node's default is Nagle on)
    ...(values.nodelay
      ? { getSocket: (_o: unknown, cb: (e: Error | null, s: { socket: net.Socket }) => void) => cb(null, { socket: new net.Socket().setNoDelay(true) }) }
      : {}),
  } as Parameters<typeof nodemailer.createTransport>[0]);
  const raws = Array.from({ length: N }, (_, i) => buildRaw({ ...mail, to: `r${i}@d${i % 50}.blast.test`, messageId: `${i}.${Date.now()}@blast.test` }));
  console.log(
    `message ${raws[0]!.raw.length} bytes; Mailpit ${positionals.join(' ') || '(defaults)'}; ${values.conns} connections${values.nodelay ? ' (TCP_NODELAY)' : ''}; load ${os.loadavg()[0]!.toFixed(1)}`,
  );
  // warm-up
  await Promise.all(raws.slice(0, 50).map((r) => t.sendMail(r)));
  const c0 = cpuSeconds(mp.child.pid);
  const a0 = cpuSeconds(process.pid);
  const t0 = performance.now();
  let i = 50;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (i < N) await t.sendMail(raws[i++]!);
    }),
  );
  const s = (performance.now() - t0) / 1000;
  const n = N - 50;
  console.log(
    `${n} messages in ${s.toFixed(1)} s = ${(n / s).toFixed(0)} msg/s; CPU per message Mailpit ${(((cpuSeconds(mp.child.pid) - c0) * 1000) / n).toFixed(2)} ms, sender ${(((cpuSeconds(process.pid) - a0) * 1000) / n).toFixed(2)} ms; load ${os.loadavg()[0]!.toFixed(1)}`,
  );
  t.close();
  await mp.stop();
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
