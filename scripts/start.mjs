// `npm start`: set up and run A-Cube Admin.
// Without MONGODB_URI: builds/starts the embedded FerretDB, loads demo data when the
// database is empty, builds the app and serves it on http://localhost:3000.
// With MONGODB_URI: uses that server; no demo data or demo accounts are ever created.
// Without SMTP_URL: builds/starts the embedded Mailpit (SMTP on :1025, its web inbox on :8025), so every
// message the app sends can be read in that inbox; with SMTP_URL: sends through that server.
import path from 'node:path';
import { ensureNodeModules, localSecret, mustRun, run, buildIsStale } from './lib/run.mjs';
import { ROOT, startFerretDB } from './lib/ferretdb.mjs';
import { startMailpit } from './lib/mailpit.mjs';

const port = Number(process.env.PORT || 3000);
const embedded = !process.env.MONGODB_URI;
let db = null;
let mail = null;
let shuttingDown = false;

async function shutdown(code) {
  if (shuttingDown) return;
  shuttingDown = true;
  if (mail) await mail.stop();
  if (db) await db.stop();
  process.exit(code);
}
process.on('SIGINT', () => shutdown(130));
process.on('SIGTERM', () => shutdown(143));

try {
  await ensureNodeModules();
  const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production' };
  if (embedded) {
    db = await startFerretDB({ port: Number(process.env.FERRETDB_PORT || 27017) });
    Object.assign(env, { MONGODB_URI: db.uri, MONGODB_DB: env.MONGODB_DB || 'acube', ACUBE_EMBEDDED: '1' });
  }
  if (!env.SMTP_URL) {
    mail = await startMailpit({
      smtpPort: Number(process.env.MAILPIT_SMTP_PORT || 1025),
      httpPort: Number(process.env.MAILPIT_HTTP_PORT || 8025),
      dataDir: path.join(ROOT, '.data', 'mailpit'),
      maxMessages: 5000,
    });
    Object.assign(env, { SMTP_URL: mail.smtpUrl, MAILPIT_API: mail.apiUrl });
  }
  env.MAIL_FROM ||= 'A-Cube <no-reply@acube.local>';
  env.NEXTAUTH_SECRET ||= localSecret();
  env.NEXTAUTH_URL ||= `http://localhost:${port}`;

  if (embedded) await mustRun('npx', ['tsx', 'scripts/seed.ts', '--if-empty', '--demo-admins'], { env });
  if (buildIsStale('.next')) await mustRun('npx', ['next', 'build'], { env });
  else console.log('[start] build is up to date');

  console.log(`\nA-Cube Admin: http://localhost:${port}`);
  if (embedded) {
    console.log('Sign in as superadmin@acube.local (or admin@, content@, moderator@, analyst@, viewer@) with password acube-demo.');
  } else {
    console.log('Sign in with an operator account (create the first with: npm run admin:create -- --email you@example.org --role super_admin).');
  }
  if (mail) console.log(`Every email the app sends lands in the embedded Mailpit inbox: ${mail.apiUrl} (nothing leaves this machine).`);
  else console.log(`Email is sent through SMTP_URL (${new URL(env.SMTP_URL).host}).`);
  console.log('Stop with Ctrl+C.\n');
  // Next.js's production server plus the fast tRPC path (scripts/serve.mjs); `npm run start:next` is plain `next start`.
  const code = await run('node', ['scripts/serve.mjs', '-p', String(port)], { env });
  await shutdown(code);
} catch (e) {
  console.error(`\n[start] ${e instanceof Error ? e.message : e}`);
  await shutdown(1);
}
