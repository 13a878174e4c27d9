/** The Postgres schema the ledger owns (first on its search_path). */
export const SCHEMA = 'ledger';
