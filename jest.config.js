// Root jest config: every app and lib that has a jest.config.js, as one multi-project run.
// Used by `npm run test:unit|test:int|test:e2e` (the file suffix picks the level) and by
// `npx jest <file>` from the repo root. `npm test` runs the projects through Nx instead
// (tools/test/run-tests.mjs), each with its own config.
//
// testTimeout and maxWorkers are global options in a multi-project run (jest ignores them, with a
// warning, inside a project), so they are lifted out of the project configs to here.
const fs = require('fs');
const path = require('path');

const GLOBAL_ONLY = ['testTimeout', 'maxWorkers'];

const projects = ['apps', 'libs', '.'].flatMap((group) => {
  const dir = path.join(__dirname, group);
  if (!fs.existsSync(dir)) return [];
  const names = group === '.' ? ['e2e'] : fs.readdirSync(dir);
  return names
    .map((name) => path.join(dir, name, 'jest.config.js'))
    .filter((file) => fs.existsSync(file))
    .map((file) => {
      const config = { ...require(file) };
      config.rootDir ??= path.dirname(file);
      for (const key of GLOBAL_ONLY) delete config[key];
      return config;
    });
});

const preset = require('./jest.preset.js');
module.exports = { projects, testTimeout: preset.testTimeout, maxWorkers: preset.maxWorkers };
