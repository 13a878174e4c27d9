import { Client, ClientConfig } from 'pg';
import { MessagingLogger } from './logger';

/**
 * A dedicated connection that LISTENs on one channel and calls `onNotify` for each notification.
 * Reconnects after a lost connection (calling `onNotify` once reconnected, so nothing that was
 * signalled meanwhile waits for the fallback poll).
 */
export class PgListener {
  private client: Client | null = null;
  private closed = false;
  private retryTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly config: ClientConfig,
    private readonly channel: string,
    private readonly onNotify: (payload: string | undefined) => void,
    private readonly logger: MessagingLogger,
  ) {}

  async start(): Promise<void> {
    await this.connect().catch((error) => {
      this.logger.warn({ err: String(error), channel: this.channel }, 'LISTEN connection failed; relying on polling until it is back');
      this.scheduleReconnect();
    });
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = new Client(this.config);
    client.on('error', () => {
      if (this.client === client) this.client = null;
      client.end().catch(() => undefined);
      this.scheduleReconnect();
    });
    client.on('notification', (message) => {
      if (message.channel === this.channel) this.onNotify(message.payload);
    });
    await client.connect();
    await client.query(`LISTEN "${this.channel.replace(/"/g, '""')}"`);
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.onNotify(undefined);
  }

  private scheduleReconnect(): void {
    if (this.closed || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect().catch(() => this.scheduleReconnect());
    }, 1000);
    this.retryTimer.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = null;
    if (client) await client.end().catch(() => undefined);
  }
}
