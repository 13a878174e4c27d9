import { execFileSync } from 'child_process';
import * as path from 'path';
import { ConfigError, env } from './config';
import { loadCommonConfig } from './common-config';

describe('env readers', () => {
  it('read defaults and valid values', () => {
    expect(env.port('P', 3002, {})).toBe(3002);
    expect(env.int('N', { default: 1, min: 0, max: 9, source: { N: '7' } })).toBe(7);
    expect(env.bool('B', false, { B: 'yes' })).toBe(true);
    expect(env.hostPorts('K', { K: '127.0.0.1:9092, 127.0.0.1:9093' })).toEqual(['127.0.0.1:9092', '127.0.0.1:9093']);
    expect(env.secret('S', 'dev-default-secret', {})).toBe('dev-default-secret');
  });

  it.each([
    ['port', () => env.port('LEDGER_PORT', 1, { LEDGER_PORT: '70000' }), 'LEDGER_PORT'],
    ['int', () => env.int('WINDOW', { default: 1, source: { WINDOW: '1.5' } }), 'WINDOW'],
    ['bool', () => env.bool('FLAG', false, { FLAG: 'maybe' }), 'FLAG'],
    ['url', () => env.url('DATABASE_URL', ['postgres'], { source: { DATABASE_URL: 'mysql://x' } }), 'DATABASE_URL'],
    ['brokers', () => env.hostPorts('KAFKA_BROKERS', { KAFKA_BROKERS: 'nohost' }), 'KAFKA_BROKERS'],
    ['secret in production', () => env.secret('JWT_SECRET', 'dev', { NODE_ENV: 'production' }), 'JWT_SECRET'],
    ['short secret', () => env.secret('JWT_SECRET', 'dev', { JWT_SECRET: 'short' }), 'JWT_SECRET'],
  ])('%s: a bad value names its variable', (_name, read, variable) => {
    expect(read).toThrow(ConfigError);
    try {
      read();
    } catch (error) {
      expect((error as ConfigError).variable).toBe(variable);
      expect((error as Error).message).toMatch(new RegExp(`^Invalid configuration: ${variable} `));
    }
  });

  it('loads the common settings', () => {
    const config = loadCommonConfig('ledger', 'LEDGER_PORT', 3002);
    expect(config.service).toBe('ledger');
    expect(config.kafkaPartitions).toBeGreaterThan(0);
    expect(config.kafkaSessionTimeoutMs).toBe(30_000);
  });

  it('refuses a Kafka session timeout below what the broker allows, naming it', () => {
    const saved = process.env.KAFKA_SESSION_TIMEOUT_MS;
    process.env.KAFKA_SESSION_TIMEOUT_MS = '1000';
    try {
      expect(() => loadCommonConfig('ledger', 'LEDGER_PORT', 3002)).toThrow(/^Invalid configuration: KAFKA_SESSION_TIMEOUT_MS must be an integer from 6000 to 300000/);
    } finally {
      if (saved === undefined) delete process.env.KAFKA_SESSION_TIMEOUT_MS;
      else process.env.KAFKA_SESSION_TIMEOUT_MS = saved;
    }
  });
});

describe('a service started with a bad setting', () => {
  it('exits with one line naming the variable', () => {
    const main = path.join(__dirname, '../../../apps/ledger/src/main.ts');
    let stderr = '';
    let status = 0;
    try {
      execFileSync(process.execPath, ['--import', 'tsx', main], {
        env: { ...process.env, LEDGER_PORT: 'not-a-port' },
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 30_000,
      });
    } catch (error) {
      const failure = error as { status: number; stderr: Buffer };
      status = failure.status;
      stderr = failure.stderr.toString();
    }
    expect(status).toBe(78);
    expect(stderr.trim().split('\n')).toEqual(['Invalid configuration: LEDGER_PORT must be an integer from 1 to 65535 (got "not-a-port")']);
  });
});
