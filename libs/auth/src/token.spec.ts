import * as jwt from 'jsonwebtoken';
import { ForbiddenException } from '@nestjs/common';
import { assertClinicScope, ownClinicId } from './guard';
import { signToken, verifyToken } from './token';

const secret = 'unit-test-secret-16+';

describe('tokens', () => {
  it('round-trips a clinic principal', () => {
    expect(verifyToken(signToken({ role: 'clinic', clinicId: 'c-1' }, secret), secret)).toEqual({ subject: 'clinic:c-1', role: 'clinic', clinicId: 'c-1' });
  });

  it('refuses a wrong secret, an expired token, an unsigned token and an unknown role', () => {
    const token = signToken({ role: 'admin' }, secret);
    expect(() => verifyToken(token, 'another-secret-16+')).toThrow();
    expect(() => verifyToken(signToken({ role: 'admin' }, secret, '-1s'), secret)).toThrow(/expired/);
    const unsigned = jwt.sign({ role: 'admin' }, '', { algorithm: 'none', issuer: 'clinic-credits' } as jwt.SignOptions);
    expect(() => verifyToken(unsigned, secret)).toThrow();
    const bogus = jwt.sign({ role: 'root' }, secret, { issuer: 'clinic-credits' });
    expect(() => verifyToken(bogus, secret)).toThrow(/role/);
  });

  it('will not sign a clinic token without a clinic', () => {
    expect(() => signToken({ role: 'clinic' }, secret)).toThrow(/clinicId/);
  });
});

describe('clinic scope', () => {
  it('lets a clinic reach only its own clinic, and admin or ops reach all', () => {
    expect(() => assertClinicScope({ subject: 's', role: 'clinic', clinicId: 'a' }, 'a')).not.toThrow();
    expect(() => assertClinicScope({ subject: 's', role: 'clinic', clinicId: 'a' }, 'b')).toThrow(ForbiddenException);
    expect(() => assertClinicScope({ subject: 's', role: 'marketplace' }, 'a')).toThrow(ForbiddenException);
    expect(() => assertClinicScope({ subject: 's', role: 'admin' }, 'b')).not.toThrow();
    expect(() => assertClinicScope({ subject: 's', role: 'ops' }, 'b')).not.toThrow();
    expect(ownClinicId({ subject: 's', role: 'clinic', clinicId: 'a' })).toBe('a');
    expect(() => ownClinicId({ subject: 's', role: 'admin' })).toThrow(ForbiddenException);
  });
});

describe('npm run token', () => {
  it('prints a token the services accept', () => {
    const { execFileSync } = require('child_process') as typeof import('child_process');
    const path = require('path') as typeof import('path');
    const out = execFileSync(process.execPath, ['--import', 'tsx', path.join(__dirname, '../../../tools/token.ts'), '--role', 'clinic', '--clinic', 'clinic-9'], {
      env: { ...process.env, JWT_SECRET: secret },
    }).toString().trim();
    expect(verifyToken(out, secret)).toMatchObject({ role: 'clinic', clinicId: 'clinic-9' });
  });
});
