// Whole-system suites: the services run as separate processes from dist/ (built once in the
// global setup), on Kafka (*.kafka.e2e.spec.ts, needs KAFKA_BROKERS) and on the embedded log.
const path = require('path');
const preset = require('../jest.preset.js');

module.exports = {
  ...preset,
  displayName: 'e2e',
  rootDir: __dirname,
  globalSetup: path.join(__dirname, 'global-setup.ts'),
  testTimeout: 180_000,
  // Each file starts five processes; one file at a time keeps a 2-core machine responsive.
  maxWorkers: 1,
};
