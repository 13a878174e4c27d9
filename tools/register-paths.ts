// Lets compiled code under dist/ resolve the `@clinic/<lib>` aliases of tsconfig.base.json
// without a bundler: `node -r ./dist/tools/register-paths.js dist/apps/<app>/src/main.js`.
import Module = require('module');
import * as path from 'path';

const distRoot = path.resolve(__dirname, '..');
const moduleWithResolver = Module as unknown as {
  _resolveFilename: (request: string, ...rest: unknown[]) => string;
};
const resolve = moduleWithResolver._resolveFilename;
moduleWithResolver._resolveFilename = function (request: string, ...rest: unknown[]) {
  const alias = /^@clinic\/([a-z0-9-]+)$/.exec(request);
  const target = alias ? path.join(distRoot, 'libs', alias[1], 'src', 'index.js') : request;
  return resolve.call(this, target, ...rest);
};
