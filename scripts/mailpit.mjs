// `npm run mail`: run the embedded Mailpit in the foreground (for `next dev`, tests run by hand, benchmarks).
// Ports from MAILPIT_SMTP_PORT / MAILPIT_HTTP_PORT (default 1025 / 8025); MAILPIT_CHAOS=1 enables its chaos API.
// Messages in memory (MAILPIT_DATA=dir keeps them). Ctrl+C stops it.
import { startMailpit } from './lib/mailpit.mjs';

const mp = await startMailpit({
  smtpPort: Number(process.env.MAILPIT_SMTP_PORT || 1025),
  httpPort: Number(process.env.MAILPIT_HTTP_PORT || 8025),
  dataDir: process.env.MAILPIT_DATA || null,
  chaos: process.env.MAILPIT_CHAOS === '1',
});
console.log(`SMTP_URL=${mp.smtpUrl} MAILPIT_API=${mp.apiUrl}  (export both for next dev and the scripts; Ctrl+C to stop)`);
const stop = async () => {
  await mp.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
mp.child.on('exit', (code) => process.exit(code ?? 1));
