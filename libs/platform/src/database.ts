import { Pool, PoolClient, QueryResultRow, types } from 'pg';

/** What a handler needs to run SQL: a pool, or a client inside an open transaction. */
export interface SqlClient {
  query<R extends QueryResultRow = QueryResultRow>(text: string, params?: unknown[]): Promise<{ rows: R[]; rowCount: number | null }>;
}

export interface DatabaseOptions {
  url: string;
  /** The schema this service owns; first on the search_path so SQL needs no prefixes. */
  schema: string;
  poolSize?: number;
  applicationName?: string;
}

// pg returns int8 as a string by default; our bigints (paise, credits, positions) stay far below
// 2^53, so parse them to numbers once here instead of at every call site.
const INT8_OID = 20;
const parseInt8 = (value: string) => Number(value);
// pg asks for a parser for every column of every result: keep that lookup cheap.
const getTypeParser = ((oid: number, format?: 'text' | 'binary') => (oid === INT8_OID ? parseInt8 : types.getTypeParser(oid, format))) as never;

export type Isolation = 'read committed' | 'repeatable read' | 'serializable';

/** Runs `work` on one client of `pool` in one transaction: commit on success, rollback on any error. */
export async function inTransaction<T>(pool: Pool, work: (tx: PoolClient) => Promise<T>, isolation: Isolation = 'read committed'): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query(`BEGIN ISOLATION LEVEL ${isolation.toUpperCase()}`);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** True when the pool's server answers a trivial query. */
export async function canQuery(pool: Pool): Promise<boolean> {
  try {
    await pool.query('SELECT 1');
    return true;
  } catch {
    return false;
  }
}

/** A pg pool bound to one service schema, with a transaction helper. */
export class Database implements SqlClient {
  readonly pool: Pool;
  readonly schema: string;

  constructor(options: DatabaseOptions) {
    this.schema = options.schema;
    this.pool = new Pool({
      connectionString: options.url,
      max: options.poolSize ?? 10,
      application_name: options.applicationName ?? options.schema,
      options: `-c search_path=${options.schema},public`,
      types: { getTypeParser },
    });
    // An idle client that loses its server must not crash the process; the next query reports it.
    this.pool.on('error', () => undefined);
  }

  query<R extends QueryResultRow = QueryResultRow>(text: string, params?: unknown[]) {
    return this.pool.query<R>(text, params as unknown[]);
  }

  /** Runs `work` in one transaction: commit on success, rollback on any error. */
  transaction<T>(work: (tx: PoolClient) => Promise<T>, isolation: Isolation = 'read committed'): Promise<T> {
    return inTransaction(this.pool, work, isolation);
  }

  ping(): Promise<boolean> {
    return canQuery(this.pool);
  }

  async close(): Promise<void> {
    await this.pool.end().catch(() => undefined);
  }
}
