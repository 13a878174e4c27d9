/**
 * Settings come only from the environment and are validated at start. A bad or missing value
 * stops the service with one line naming the variable (see `exitOnConfigError`).
 */
export class ConfigError extends Error {
  constructor(readonly variable: string, reason: string) {
    super(`Invalid configuration: ${variable} ${reason}`);
  }
}

type Env = Record<string, string | undefined>;

function raw(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** Readers for one variable each; `defaultValue` undefined + not optional = required. */
export const env = {
  string(name: string, options: { default?: string; pattern?: RegExp; source?: Env } = {}): string {
    const value = raw(options.source ?? process.env, name) ?? options.default;
    if (value === undefined) throw new ConfigError(name, 'is required');
    if (options.pattern && !options.pattern.test(value)) throw new ConfigError(name, `must match ${options.pattern} (got "${value}")`);
    return value;
  },
  optionalString(name: string, source: Env = process.env): string | undefined {
    return raw(source, name);
  },
  int(name: string, options: { default?: number; min?: number; max?: number; source?: Env } = {}): number {
    const text = raw(options.source ?? process.env, name);
    if (text === undefined) {
      if (options.default === undefined) throw new ConfigError(name, 'is required');
      return options.default;
    }
    const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = options;
    if (!/^-?\d+$/.test(text) || Number(text) < min || Number(text) > max) {
      throw new ConfigError(name, `must be an integer from ${min} to ${max} (got "${text}")`);
    }
    return Number(text);
  },
  port(name: string, defaultPort: number, source: Env = process.env): number {
    return env.int(name, { default: defaultPort, min: 1, max: 65535, source });
  },
  bool(name: string, defaultValue: boolean, source: Env = process.env): boolean {
    const text = raw(source, name);
    if (text === undefined) return defaultValue;
    if (/^(1|true|yes|on)$/i.test(text)) return true;
    if (/^(0|false|no|off)$/i.test(text)) return false;
    throw new ConfigError(name, `must be true or false (got "${text}")`);
  },
  oneOf<T extends string>(name: string, values: readonly T[], defaultValue: T, source: Env = process.env): T {
    const text = raw(source, name) ?? defaultValue;
    if (!values.includes(text as T)) throw new ConfigError(name, `must be one of ${values.join(', ')} (got "${text}")`);
    return text as T;
  },
  url(name: string, protocols: string[], options: { optional?: boolean; default?: string; source?: Env } = {}): string | undefined {
    const text = raw(options.source ?? process.env, name) ?? options.default;
    if (text === undefined) {
      if (options.optional) return undefined;
      throw new ConfigError(name, 'is required');
    }
    let parsed: URL;
    try {
      parsed = new URL(text);
    } catch {
      throw new ConfigError(name, 'must be a URL');
    }
    if (!protocols.includes(parsed.protocol.replace(/:$/, ''))) throw new ConfigError(name, `must be a ${protocols.join(' or ')} URL`);
    return text;
  },
  /** Comma-separated host:port list, e.g. KAFKA_BROKERS=127.0.0.1:9092,127.0.0.1:9093. */
  hostPorts(name: string, source: Env = process.env): string[] | undefined {
    const text = raw(source, name);
    if (text === undefined) return undefined;
    const list = text.split(',').map((item) => item.trim()).filter(Boolean);
    const bad = list.find((item) => !/^[A-Za-z0-9.\-[\]:]+:\d{1,5}$/.test(item));
    if (list.length === 0 || bad !== undefined) throw new ConfigError(name, `must be a comma-separated list of host:port (got "${text}")`);
    return list;
  },
  /**
   * A secret with a clearly-marked development default. In production (NODE_ENV=production)
   * the default is refused, so a forgotten secret stops the service instead of weakening it.
   * `minLength` guards secrets we mint (JWT); merchant-chosen ones (webhook secrets) may be shorter.
   */
  secret(name: string, devDefault: string, source: Env = process.env, minLength = 16): string {
    const value = raw(source, name);
    if (value !== undefined) {
      if (value.length < minLength) throw new ConfigError(name, `must be at least ${minLength} characters`);
      return value;
    }
    if ((source.NODE_ENV ?? '') === 'production') throw new ConfigError(name, 'is required in production');
    return devDefault;
  },
};

/**
 * Loads a service's settings; on a ConfigError prints its one line and exits with status 78
 * (EX_CONFIG) instead of letting a stack trace through.
 */
export function loadConfigOrExit<T>(load: () => T): T {
  try {
    return load();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
}
