module.exports = { ...require('../../jest.preset.js'), displayName: 'razorpay-simulator-lib', rootDir: __dirname };
