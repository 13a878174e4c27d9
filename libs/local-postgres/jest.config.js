module.exports = { ...require('../../jest.preset.js'), displayName: 'local-postgres', rootDir: __dirname };
