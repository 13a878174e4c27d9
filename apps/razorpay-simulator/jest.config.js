module.exports = { ...require('../../jest.preset.js'), displayName: 'razorpay-simulator', rootDir: __dirname };
