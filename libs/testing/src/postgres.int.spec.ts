import { Client } from 'pg';
import { createTestDatabase } from './postgres';

describe('createTestDatabase', () => {
  it('creates an isolated, real PostgreSQL database and drops it', async () => {
    const db = await createTestDatabase('harness');
    const client = new Client({ connectionString: db.url });
    await client.connect();
    const { rows } = await client.query('SELECT current_database() AS name');
    await client.end();
    expect(rows[0].name).toBe(db.name);
    await db.drop();
    const check = new Client({ connectionString: process.env.DATABASE_URL });
    await check.connect();
    const gone = await check.query('SELECT 1 FROM pg_database WHERE datname = $1', [db.name]);
    await check.end();
    expect(gone.rowCount).toBe(0);
  });
});
