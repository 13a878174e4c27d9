module.exports = { ...require('../../jest.preset.js'), displayName: 'lead-intake', rootDir: __dirname };
