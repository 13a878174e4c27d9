import { SqlClient } from '@clinic/platform';

export interface CatalogPackage {
  packageId: string;
  clinicId: string;
  name: string;
  pricePaise: number;
  active: boolean;
  updatedAt: Date;
}

const COLUMNS = `package_id AS "packageId", clinic_id AS "clinicId", name, price_paise AS "pricePaise", active, updated_at AS "updatedAt"`;

export async function upsertPackage(sql: SqlClient, pkg: Omit<CatalogPackage, 'updatedAt'>): Promise<CatalogPackage> {
  const { rows } = await sql.query<CatalogPackage>(
    `INSERT INTO packages (package_id, clinic_id, name, price_paise, active)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (package_id) DO UPDATE
       SET clinic_id = EXCLUDED.clinic_id, name = EXCLUDED.name, price_paise = EXCLUDED.price_paise,
           active = EXCLUDED.active, updated_at = now()
     RETURNING ${COLUMNS}`,
    [pkg.packageId, pkg.clinicId, pkg.name, pkg.pricePaise, pkg.active],
  );
  return rows[0];
}

export async function findPackage(sql: SqlClient, packageId: string): Promise<CatalogPackage | null> {
  const { rows } = await sql.query<CatalogPackage>(`SELECT ${COLUMNS} FROM packages WHERE package_id = $1`, [packageId]);
  return rows[0] ?? null;
}
