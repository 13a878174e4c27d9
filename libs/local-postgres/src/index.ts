export { startEmbeddedPostgres, isPortOpen, EMBEDDED_PG_USER, EMBEDDED_PG_PASSWORD } from './embedded-postgres';
export type { EmbeddedPostgresOptions, RunningPostgres } from './embedded-postgres';
