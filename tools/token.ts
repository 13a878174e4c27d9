// Prints a signed dev token: npm run token -- --role clinic --clinic clinic-1
// Signs with JWT_SECRET (the same variable the services read), else the marked dev default.
import { parseArgs } from 'util';
import { ROLES, Role, signToken } from '../libs/auth/src/token';
import { env, loadConfigOrExit, DEV_JWT_SECRET } from '../libs/platform/src';

function main(): void {
  const { values } = parseArgs({
    options: { role: { type: 'string' }, clinic: { type: 'string' }, subject: { type: 'string' }, 'expires-in': { type: 'string', default: '12h' } },
  });
  const role = values.role as Role | undefined;
  if (!role || !ROLES.includes(role)) fail(`--role must be one of ${ROLES.join(', ')}`);
  if (role === 'clinic' && !values.clinic) fail('--clinic <clinicId> is required for --role clinic');
  const secret = loadConfigOrExit(() => env.secret('JWT_SECRET', DEV_JWT_SECRET));
  const expiresIn = values['expires-in'] as `${number}h`;
  process.stdout.write(`${signToken({ role: role!, clinicId: values.clinic, subject: values.subject }, secret, expiresIn)}\n`);
}

function fail(message: string): never {
  process.stderr.write(`${message}\nusage: npm run token -- --role <clinic|admin|marketplace|ops> [--clinic <clinicId>]\n`);
  process.exit(2);
}

main();
