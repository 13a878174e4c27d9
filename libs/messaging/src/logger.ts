/**
 * The logging face messaging needs. pino's logger fits as is (`logger.info({ fields }, 'message')`);
 * without one, lines go to stderr as JSON.
 */
export interface MessagingLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

function line(level: string, fields: Record<string, unknown>, message: string): void {
  process.stderr.write(`${JSON.stringify({ level, time: new Date().toISOString(), msg: message, ...fields })}\n`);
}

export const stderrLogger: MessagingLogger = {
  info: (fields, message) => line('info', fields, message),
  warn: (fields, message) => line('warn', fields, message),
  error: (fields, message) => line('error', fields, message),
};

/** Metrics hooks (all optional); the Nest module wires them to the service's Prometheus metrics. */
export interface MessagingMetrics {
  published?(topic: string, count: number): void;
  handled?(type: string, outcome: 'applied' | 'duplicate' | 'dead-lettered'): void;
  deadLettered?(topic: string): void;
  lagSeconds?(topic: string, seconds: number): void;
  backlog?(count: number): void;
}

export function errorText(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  if (typeof error === 'object' && error !== null) {
    try {
      return JSON.stringify(error);
    } catch {
      return String(error);
    }
  }
  return String(error);
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A wake-up flag: `wait(ms)` resolves on the next `wake()` or after `ms`. A wake that arrives while
 * nobody waits is remembered, so work signalled during a busy loop is never slept over.
 */
export class Wakeup {
  private pending = false;
  private resolve: (() => void) | null = null;

  wake(): void {
    if (this.resolve) {
      const resolve = this.resolve;
      this.resolve = null;
      resolve();
    } else {
      this.pending = true;
    }
  }

  wait(ms: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.resolve = null;
        resolve();
      }, ms);
      this.resolve = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
