import net from 'node:net';
import { SecretKeyring } from '@signup/domain';
import { mainThreadCpuSeconds } from '../rss.mjs';
import { waitForOutbox, withClient } from '../postgres.mjs';
import { round } from '../stats.mjs';
import { serviceVars, startRunServer } from './service-vars.mjs';

const MESSAGES = { full: 3000, quick: 500 };
const DRAIN_LIMIT_SECONDS = 120;

/**
 * A minimal SMTP server that answers every command at once and parses
 * nothing: fast enough that the dispatcher, not the sink, is the limit (the
 * testkit's sink parses every message with mailparser). Counts messages and
 * when each arrived.
 */
async function startFastSink() {
  const arrivals = [];
  const server = net.createServer({ noDelay: true }, (socket) => {
    socket.on('error', () => undefined);
    socket.write('220 bench ESMTP\r\n');
    let inData = false;
    let buffer = '';
    socket.on('data', (chunk) => {
      buffer += chunk.toString('latin1');
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end < 0) {
            buffer = buffer.slice(-4); // the end marker may straddle two chunks
            return;
          }
          buffer = buffer.slice(end + 5);
          inData = false;
          arrivals.push(performance.now());
          socket.write('250 OK\r\n');
          continue;
        }
        const eol = buffer.indexOf('\r\n');
        if (eol < 0) return;
        const verb = buffer.slice(0, 4).toUpperCase();
        buffer = buffer.slice(eol + 2);
        if (verb === 'EHLO') socket.write('250-bench\r\n250 8BITMIME\r\n');
        else if (verb === 'DATA') {
          inData = true;
          socket.write('354 go ahead\r\n');
        } else if (verb === 'QUIT') socket.end('221 bye\r\n');
        else socket.write('250 OK\r\n');
      }
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `smtp://127.0.0.1:${server.address().port}`,
    arrivals,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/**
 * The mail ceiling of one instance: `MESSAGES` due activation emails are
 * inserted with SQL in one transaction (their codes sealed with the server's
 * secret, as a registration seals them) while the server runs with its SMTP
 * pointed at a sink that answers at once; the outbox's backlog is read every
 * 250 ms until it is empty. Reports mails/s between the first and the last
 * arrival, the backlog over time, and the server's main-thread CPU per mail
 * (near 1 s per second: the dispatcher's event loop is the limit; well below
 * it: something waits).
 */
export async function mailCeiling({ opts, db, workDir, cpuProfDir }) {
  const sink = await startFastSink();
  const count = opts.quick ? MESSAGES.quick : MESSAGES.full;
  const vars = serviceVars(opts, { DATABASE_URL: db.url, SMTP_URL: sink.url });
  const server = await startRunServer({
    name: 'server-mail',
    vars,
    opts,
    workDir,
    cpuProfDir,
    probe: false,
  });
  try {
    const keyring = new SecretKeyring(vars.SIGNUP_SECRET);
    const sealed = Array.from({ length: count }, () => keyring.seal('1234'));
    const prefix = `ceiling-${Date.now()}`;
    const mainBefore = mainThreadCpuSeconds(server.pid);
    const inserted = performance.now();
    await withClient(db.url, async (c) => {
      await c.query('BEGIN');
      await c.query(
        `INSERT INTO users (id, email, password_hash, status, created_at, version)
         SELECT gen_random_uuid(), $1 || '-' || g || '@bench.test', 'x', 'pending', now(), 1
           FROM generate_series(1, $2) g`,
        [prefix, count],
      );
      await c.query(
        `INSERT INTO outbox (id, user_id, recipient, sealed_code, code_expires_at, created_at, due_at)
         SELECT gen_random_uuid(), u.id, u.email, ($2::text[])[row_number() OVER (ORDER BY u.email)],
                now() + interval '1 hour', now(), now()
           FROM users u WHERE u.email LIKE $1 || '-%'`,
        [prefix, sealed],
      );
      await c.query(`SELECT pg_notify('signup_outbox', '')`);
      await c.query('COMMIT');
    });
    const backlog = [];
    await waitForOutbox(db.url, {
      seconds: DRAIN_LIMIT_SECONDS,
      recipientPrefix: `${prefix}-`,
      onCount: (pending) =>
        backlog.push({ atMs: Math.round(performance.now() - inserted), pending }),
    });
    const main = mainThreadCpuSeconds(server.pid) - mainBefore;
    const { arrivals } = sink;
    const spanSeconds = arrivals.length > 1 ? (arrivals.at(-1) - arrivals[0]) / 1000 : null;
    const mailsPerSecond = spanSeconds ? round((arrivals.length - 1) / spanSeconds, 1) : null;
    const busy = spanSeconds ? round(main / spanSeconds, 2) : null;
    const every = Math.max(1, Math.ceil(backlog.length / 8));
    return {
      summary:
        `${mailsPerSecond} mails/s: ${arrivals.length} of ${count} delivered, main thread ${busy} busy; ` +
        `backlog ${backlog
          .filter((b, i) => i % every === 0 || i === backlog.length - 1)
          .map((b) => `${(b.atMs / 1000).toFixed(1)} s: ${b.pending}`)
          .join(', ')}`,
      messages: count,
      delivered: arrivals.length,
      mailsPerSecond,
      drainSeconds: round((backlog.at(-1).atMs ?? 0) / 1000, 2),
      mainThreadCpuMsPerMail: arrivals.length ? round((main * 1000) / arrivals.length, 3) : null,
      mainThreadBusy: busy,
      backlog,
    };
  } finally {
    await server.stop();
    await sink.close();
  }
}
