import { ConfigError, loadCommonConfig } from '@clinic/platform';
import { DEFAULT_SETTINGS, loadLeadIntakeConfig, withDefaults } from './config';

describe('lead-intake config', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('defaults to 10/min per IP, 3/hour per phone, a 30-day duplicate window and no trusted proxy', () => {
    for (const name of ['CONTACT_LIMIT_PER_IP', 'CONTACT_LIMIT_PER_PHONE', 'DUPLICATE_LEAD_WINDOW_DAYS', 'TRUST_PROXY', 'LEAD_INTAKE_CONSUMER_GROUP']) delete process.env[name];
    expect(loadLeadIntakeConfig()).toMatchObject(DEFAULT_SETTINGS);
  });

  it('reads the limits, the proxy setting and the consumer group from the environment', () => {
    Object.assign(process.env, { CONTACT_LIMIT_PER_IP: '50', CONTACT_LIMIT_PER_PHONE_WINDOW_SECONDS: '600', TRUST_PROXY: '1', LEAD_INTAKE_CONSUMER_GROUP: 'lead-intake-blue' });
    expect(loadLeadIntakeConfig()).toMatchObject({
      contactLimitPerIp: { limit: 50, windowSeconds: 60 },
      contactLimitPerPhone: { limit: 3, windowSeconds: 600 },
      trustProxy: 1,
      consumerGroup: 'lead-intake-blue',
    });
  });

  it.each([
    ['CONTACT_LIMIT_PER_IP', 'ten'],
    ['CONTACT_LIMIT_PER_PHONE', '0'],
    ['DUPLICATE_LEAD_WINDOW_DAYS', '-1'],
    ['TRUST_PROXY', 'every$thing'],
    ['LEAD_INTAKE_CONSUMER_GROUP', 'bad group'],
  ])('refuses %s=%p with an error naming it', (name, value) => {
    process.env[name] = value;
    expect(() => loadLeadIntakeConfig()).toThrow(ConfigError);
    expect(() => loadLeadIntakeConfig()).toThrow(name);
  });

  it('fills lead-intake settings for a caller that only has the common config', () => {
    expect(withDefaults(loadCommonConfig('lead-intake', 'LEAD_INTAKE_PORT', 0))).toMatchObject(DEFAULT_SETTINGS);
  });
});
