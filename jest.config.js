/** Jest: API tests on a real database, browser tests on Debian's Chromium, build checks. See README "Tests". */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
    '^.+\\.js$': ['@swc/jest', { jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  // ESM-only dependencies: Node 20 loads them with require(esm), Jest's module system does not, so they are
  // compiled to CommonJS for the tests.
  transformIgnorePatterns: ['/node_modules/(?!(cookie)/)'],
  globalSetup: '<rootDir>/tests/support/global-setup.ts',
  reporters: ['default', '<rootDir>/tests/support/summary-reporter.js'],
  testTimeout: 30000,
  maxWorkers: 2,
};
