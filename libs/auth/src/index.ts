export { ROLES, signToken, verifyToken } from './token';
export type { Role, Principal } from './token';
export { AUTH_SECRET, Public, Roles, CurrentPrincipal, JwtAuthGuard, assertClinicScope, ownClinicId } from './guard';
