import { loadDisputesConfig } from './config';

describe('disputes config', () => {
  const saved = process.env.DISPUTES_WINDOW_DAYS;
  afterEach(() => {
    if (saved === undefined) delete process.env.DISPUTES_WINDOW_DAYS;
    else process.env.DISPUTES_WINDOW_DAYS = saved;
  });

  it('the dispute window is 7 days unless DISPUTES_WINDOW_DAYS says otherwise', () => {
    delete process.env.DISPUTES_WINDOW_DAYS;
    expect(loadDisputesConfig().disputeWindowDays).toBe(7);
    process.env.DISPUTES_WINDOW_DAYS = '30';
    expect(loadDisputesConfig().disputeWindowDays).toBe(30);
  });

  it('the consumer group is disputes unless DISPUTES_CONSUMER_GROUP names another', () => {
    delete process.env.DISPUTES_CONSUMER_GROUP;
    expect(loadDisputesConfig().consumerGroup).toBe('disputes');
    process.env.DISPUTES_CONSUMER_GROUP = 'disputes-e2e-1';
    expect(loadDisputesConfig().consumerGroup).toBe('disputes-e2e-1');
    process.env.DISPUTES_CONSUMER_GROUP = 'bad group!';
    expect(() => loadDisputesConfig()).toThrow(/DISPUTES_CONSUMER_GROUP must match/);
    delete process.env.DISPUTES_CONSUMER_GROUP;
  });

  it('a bad DISPUTES_WINDOW_DAYS stops the service with a message naming it', () => {
    for (const value of ['0', 'seven', '1.5', '400']) {
      process.env.DISPUTES_WINDOW_DAYS = value;
      expect(() => loadDisputesConfig()).toThrow(/DISPUTES_WINDOW_DAYS must be an integer from 1 to 365/);
    }
  });
});
