export default async function globalTeardown(): Promise<void> {
  const server = globalThis.__TEST_POSTGRES__;
  globalThis.__TEST_POSTGRES__ = undefined;
  if (server) {
    delete process.env.DATABASE_URL;
    await server.stop();
  }
}
