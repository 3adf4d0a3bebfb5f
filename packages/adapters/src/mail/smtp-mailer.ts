import {
  InfrastructureUnavailableError,
  systemClock,
  type ActivationEmail,
  type Clock,
} from '@signup/domain';
import { Socket } from 'node:net';
import nodemailer, { type Transporter } from 'nodemailer';
import { resolveHostname } from 'nodemailer/lib/shared/index.js';
import SMTPPool from 'nodemailer/lib/smtp-pool/index.js';
import { silentLogger, type Logger } from '../logger.js';
import type { Mailer, SmtpStatus } from './mailer.js';
import { maskEmailsIn } from './mask-email.js';
import { composeMime, mimeSender, type MimeSender } from './mime.js';
import { renderActivationEmail } from './render-activation-email.js';

export interface SmtpTimeouts {
  /** TCP connect; default 5000. */
  readonly connection?: number;
  /** Waiting for the server's greeting; default 5000. */
  readonly greeting?: number;
  /** Inactivity on an open connection; default 5000. */
  readonly socket?: number;
  /** The health probe; default 1000. */
  readonly probe?: number;
  /**
   * How long a probe result is fresh; default 5000. A stale result is still
   * answered at once while a new probe runs in the background.
   */
  readonly probeCache?: number;
}

export interface SmtpMailerOptions {
  /** smtp://user:pass@host:port or smtps://… */
  readonly url: string;
  readonly from: string;
  readonly logger?: Logger;
  readonly timeoutsMs?: SmtpTimeouts;
  /** Ages the cached probe result and dates each message; the system clock by default. */
  readonly clock?: Clock;
}

/**
 * The pool's TCP connections, opened here so they can send at once
 * (TCP_NODELAY): nodemailer ends a message with a write of its own right
 * after the body's, and with Nagle's algorithm on that write waited for the
 * server's delayed ACK, about 40 ms per message. One instance delivered
 * 50 mails a second to a local SMTP server that answers at once; 400 with
 * this. The host is resolved as nodemailer resolves it (DNS without libuv's
 * thread pool, where bcrypt runs). The socket is handed over while it
 * connects, and every failure (DNS, refused, reset) arrives as its 'error':
 * nodemailer handles it, and bounds the wait, as on a socket of its own
 * (a failure passed to the callback instead left the pool's queued messages
 * unsettled). nodemailer does the rest, TLS included (smtps: it wraps this
 * connection).
 */
function noDelaySocket(
  options: SMTPPool.Options,
  callback: (error: Error | null, socketOptions?: { connection: Socket }) => void,
): void {
  const host = options.host ?? 'localhost';
  const port = Number(options.port) || (options.secure ? 465 : 587);
  resolveHostname({ host }, (error, resolved) => {
    // Set on the socket, applied when it connects (connect()'s own noDelay
    // option is ignored on Node 20: measured, 52 mails/s with it).
    const socket = new Socket().setNoDelay(true).setKeepAlive(true);
    if (error) {
      callback(null, { connection: socket });
      process.nextTick(() => socket.destroy(error));
      return;
    }
    socket.connect({ host: resolved.host, port });
    callback(null, { connection: socket });
  });
}

/**
 * The activation email over SMTP (nodemailer, pooled connections). Every wait
 * is bounded, so a hanging server cannot hang a request or the dispatcher.
 * A failed send rejects with InfrastructureUnavailableError('smtp').
 */
export class SmtpMailer implements Mailer {
  private readonly transport: Transporter;
  private readonly from: string;
  /** `from` prepared for composeMime once; null: nodemailer composes every message. */
  private readonly sender: MimeSender | null;
  private readonly logger: Logger;
  private readonly probeTimeoutMs: number;
  private readonly probeCacheMs: number;
  private readonly clock: Clock;
  /** The last probe's answer (a promise until the first one settles) and when it was asked. */
  private probed: { at: number; status: Promise<SmtpStatus> } | undefined;
  private refreshing = false;

  constructor(options: SmtpMailerOptions) {
    const t = options.timeoutsMs ?? {};
    this.from = options.from;
    this.sender = mimeSender(options.from);
    this.logger = options.logger ?? silentLogger;
    this.probeTimeoutMs = t.probe ?? 1000;
    this.probeCacheMs = t.probeCache ?? 5000;
    this.clock = options.clock ?? systemClock;
    this.transport = nodemailer.createTransport(
      new SMTPPool({
        url: options.url,
        pool: true,
        maxConnections: 3,
        connectionTimeout: t.connection ?? 5000,
        greetingTimeout: t.greeting ?? 5000,
        socketTimeout: t.socket ?? 5000,
        dnsTimeout: t.connection ?? 5000,
        getSocket: noDelaySocket,
      }),
    );
    // A pooled connection failing while idle must not crash the process.
    this.transport.on('error', (error: Error) => {
      this.logger.warn({ err: maskEmailsIn(error.message) }, 'SMTP connection error');
    });
  }

  async send(message: ActivationEmail): Promise<void> {
    const email = renderActivationEmail({ from: this.from, ...message });
    // Composed here (see mime.ts): nodemailer's composer was 10-15 % of the
    // main thread per registration. A message composeMime leaves (null),
    // nodemailer composes as before.
    const mime = this.sender && composeMime(email, this.sender, this.clock.now());
    try {
      await this.transport.sendMail(mime ?? email);
    } catch (error) {
      this.probed = undefined; // the next probe asks the server again
      // The server's text often quotes the recipient: masked, and the raw
      // error is not kept as the cause (a logged stack would carry it).
      const detail = maskEmailsIn(error instanceof Error ? error.message : String(error));
      const code = (error as { code?: unknown } | null)?.code;
      throw new InfrastructureUnavailableError(
        'smtp',
        `SMTP send failed: ${detail}${typeof code === 'string' ? ` (${code})` : ''}`,
      );
    }
  }

  /**
   * Whether the SMTP server answers. The first probe (and the first after a
   * failed send) waits for the server, at most the probe timeout; later ones
   * answer from the last result and, once it is older than the cache time,
   * refresh it in the background: a health check never waits on SMTP twice.
   */
  probe(): Promise<SmtpStatus> {
    const now = this.clock.now().getTime();
    if (!this.probed) {
      this.probed = { at: now, status: this.verify() };
    } else if (now - this.probed.at >= this.probeCacheMs && !this.refreshing) {
      this.refreshing = true;
      void this.verify().then((status) => {
        this.refreshing = false;
        // A failed send meanwhile reset the cache: its own probe decides.
        if (this.probed)
          this.probed = { at: this.clock.now().getTime(), status: Promise.resolve(status) };
      });
    }
    return this.probed.status;
  }

  private async verify(): Promise<SmtpStatus> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'down'>((resolve) => {
      timer = setTimeout(() => resolve('down'), this.probeTimeoutMs);
    });
    const verified = this.transport.verify().then(
      (): SmtpStatus => 'up',
      (error: unknown): SmtpStatus => {
        this.logger.debug({ err: maskEmailsIn((error as Error).message) }, 'SMTP probe failed');
        return 'down';
      },
    );
    try {
      return await Promise.race([verified, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  close(): Promise<void> {
    this.transport.close();
    return Promise.resolve();
  }
}
