import {
  CanActivate, createParamDecorator, ExecutionContext, ForbiddenException, Inject, Injectable, SetMetadata, UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { Principal, Role, verifyToken } from './token';

export const AUTH_SECRET = Symbol('AUTH_SECRET');
const PUBLIC_KEY = 'auth:public';
const ROLES_KEY = 'auth:roles';

/** Marks a route (or controller) as reachable without a token. */
export const Public = () => SetMetadata(PUBLIC_KEY, true);
/** Only these roles may call the route. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

type AuthenticatedRequest = Request & { principal?: Principal };

/** The verified caller, as set by JwtAuthGuard. */
export const CurrentPrincipal = createParamDecorator((_: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new UnauthorizedException('missing bearer token');
  return principal;
});

/**
 * Global guard for HTTP: every route needs a valid bearer token unless marked @Public(),
 * and a route marked @Roles(...) refuses other roles with 403.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(private readonly reflector: Reflector, @Inject(AUTH_SECRET) private readonly secret: string) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.header('authorization') ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (!match) throw new UnauthorizedException('missing bearer token');
    try {
      request.principal = verifyToken(match[1], this.secret);
    } catch {
      throw new UnauthorizedException('invalid or expired token');
    }
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (roles && !roles.includes(request.principal.role)) throw new ForbiddenException(`requires role ${roles.join(' or ')}`);
    return true;
  }
}

/**
 * A clinic reaches only its own clinic; admin and ops reach every clinic. Throws 403 otherwise.
 */
export function assertClinicScope(principal: Principal, clinicId: string): void {
  if (principal.role === 'admin' || principal.role === 'ops') return;
  if (principal.role === 'clinic' && principal.clinicId === clinicId) return;
  throw new ForbiddenException('this token cannot reach that clinic');
}

/** The clinic a clinic-role caller acts for (403 for other roles). */
export function ownClinicId(principal: Principal): string {
  if (principal.role !== 'clinic' || !principal.clinicId) throw new ForbiddenException('requires a clinic token');
  return principal.clinicId;
}
