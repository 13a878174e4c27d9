import { Writable } from 'stream';
import { withCorrelation } from './correlation';
import { createLogger, maskPhone } from './logger';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return { lines, stream };
}

describe('logger', () => {
  it('writes JSON lines with the service and the current correlationId', async () => {
    const { lines, stream } = capture();
    const logger = createLogger('ledger', 'info', stream);
    withCorrelation('corr-7', () => logger.info({ clinicId: 'c1', amount: 150 }, 'Credit deduction: Clinic c1, Amount 150'));
    logger.info('outside');
    expect(lines[0]).toMatchObject({ service: 'ledger', correlationId: 'corr-7', clinicId: 'c1', amount: 150, msg: 'Credit deduction: Clinic c1, Amount 150', level: 'info' });
    expect(lines[1]).not.toHaveProperty('correlationId');
  });

  it('redacts secrets and phone fields', () => {
    const { lines, stream } = capture();
    createLogger('payments', 'info', stream).info({ phone: '+919876543210', keySecret: 'shh', razorpay_signature: 'sig' }, 'x');
    expect(JSON.stringify(lines[0])).not.toMatch(/9876543210|shh|sig"/);
  });

  it('masks phone numbers down to country code and last two digits', () => {
    expect(maskPhone('+919876543210')).toBe('+91********10');
    expect(maskPhone('12')).toBe('****');
  });
});
