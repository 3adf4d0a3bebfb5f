import pg from 'pg';
import type { Logger } from '../logger.js';

/**
 * One dedicated connection that LISTENs on one channel and calls the
 * listeners on every NOTIFY. Reconnects with a growing delay when the
 * connection drops, and calls the listeners after reconnecting, since a
 * notification may have been missed meanwhile (the dispatcher also polls).
 */
export class PgNotifyListener {
  private readonly listeners = new Set<() => void>();
  private client: pg.Client | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryDelayMs = 500;
  private closed = false;

  constructor(
    private readonly config: pg.ClientConfig,
    private readonly channel: string,
    private readonly logger: Logger,
  ) {}

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    if (!this.client && !this.retryTimer) void this.connect(false);
    return () => {
      this.listeners.delete(listener);
    };
  }

  private emit(): void {
    for (const listener of [...this.listeners]) {
      try {
        listener();
      } catch (error) {
        this.logger.error({ err: error }, 'notification listener failed');
      }
    }
  }

  private async connect(isReconnect: boolean): Promise<void> {
    this.retryTimer = undefined;
    if (this.closed) return;
    const client = new pg.Client(this.config);
    this.client = client;
    client.on('notification', () => this.emit());
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, new Error('connection ended')));
    try {
      await client.connect();
      await client.query(`LISTEN ${this.channel}`);
      this.retryDelayMs = 500;
      if (isReconnect) this.emit();
    } catch (error) {
      this.lost(client, error);
    }
  }

  private lost(client: pg.Client, error: unknown): void {
    if (this.client !== client) return;
    this.client = undefined;
    client.removeAllListeners('end');
    client.on('error', () => undefined);
    void client.end().catch(() => undefined);
    if (this.closed) return;
    this.logger.warn(
      {
        channel: this.channel,
        err: error instanceof Error ? error.message : String(error),
        retryInMs: this.retryDelayMs,
      },
      'LISTEN connection lost; reconnecting (a notification missed meanwhile is signalled after)',
    );
    this.retryTimer = setTimeout(() => void this.connect(true), this.retryDelayMs);
    this.retryTimer.unref();
    this.retryDelayMs = Math.min(this.retryDelayMs * 2, 30_000);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = undefined;
    if (client) {
      client.removeAllListeners('end');
      client.on('error', () => undefined);
      await client.end().catch(() => undefined);
    }
  }
}
