import { Client } from 'pg';
import { DataSource, MigrationInterface } from 'typeorm';

export type MigrationClass = new () => MigrationInterface;

/**
 * Creates the service's schema if needed and runs its TypeORM migrations inside it. An advisory
 * lock serialises concurrent starters (several replicas, or `npm start` racing a test).
 */
export async function runMigrations(url: string, schema: string, migrations: MigrationClass[]): Promise<string[]> {
  const lock = new Client({ connectionString: url });
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock(hashtext($1))', [`migrations:${schema}`]);
    await lock.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    const dataSource = new DataSource({
      type: 'postgres',
      url,
      schema,
      migrations,
      migrationsTableName: 'schema_migrations',
      synchronize: false,
      logging: false,
      extra: { options: `-c search_path=${schema},public`, max: 2 },
    });
    await dataSource.initialize();
    try {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      return applied.map((migration) => migration.name);
    } finally {
      await dataSource.destroy();
    }
  } finally {
    await lock.query('SELECT pg_advisory_unlock(hashtext($1))', [`migrations:${schema}`]).catch(() => undefined);
    await lock.end();
  }
}
