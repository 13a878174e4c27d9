// Resolves the `@clinic/<lib>` aliases of tsconfig.base.json to the libs' TypeScript sources, so the
// benchmark runs under plain `node -r ts-node/register` without a build or a bundler.
import Module = require('module');
import * as path from 'path';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const moduleWithResolver = Module as unknown as {
  _resolveFilename: (request: string, ...rest: unknown[]) => string;
};
const resolve = moduleWithResolver._resolveFilename;
moduleWithResolver._resolveFilename = function (request: string, ...rest: unknown[]) {
  const alias = /^@clinic\/([a-z0-9-]+)$/.exec(request);
  const target = alias ? path.join(repoRoot, 'libs', alias[1], 'src', 'index.ts') : request;
  return resolve.call(this, target, ...rest);
};
