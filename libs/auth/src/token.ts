import * as jwt from 'jsonwebtoken';

export const ROLES = ['clinic', 'admin', 'marketplace', 'ops'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling: the verified claims of a bearer token. */
export interface Principal {
  subject: string;
  role: Role;
  clinicId?: string;
}

const ISSUER = 'clinic-credits';

export function signToken(principal: { role: Role; clinicId?: string; subject?: string }, secret: string, expiresIn: jwt.SignOptions['expiresIn'] = '12h'): string {
  if (principal.role === 'clinic' && !principal.clinicId) throw new Error('a clinic token needs a clinicId');
  const subject = principal.subject ?? (principal.role === 'clinic' ? `clinic:${principal.clinicId}` : `${principal.role}:dev`);
  return jwt.sign({ role: principal.role, ...(principal.clinicId ? { clinicId: principal.clinicId } : {}) }, secret, {
    algorithm: 'HS256',
    subject,
    issuer: ISSUER,
    expiresIn,
  });
}

/** Verifies signature, algorithm, issuer and expiry; returns the principal or throws. */
export function verifyToken(token: string, secret: string): Principal {
  const claims = jwt.verify(token, secret, { algorithms: ['HS256'], issuer: ISSUER }) as jwt.JwtPayload;
  const role = claims.role as Role;
  if (!ROLES.includes(role)) throw new Error('unknown role');
  if (role === 'clinic' && typeof claims.clinicId !== 'string') throw new Error('clinic token without clinicId');
  return { subject: String(claims.sub), role, clinicId: typeof claims.clinicId === 'string' ? claims.clinicId : undefined };
}
