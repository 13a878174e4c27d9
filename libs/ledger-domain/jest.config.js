module.exports = { ...require('../../jest.preset.js'), displayName: 'ledger-domain', rootDir: __dirname };
