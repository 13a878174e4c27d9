import { MigrationInterface, QueryRunner } from 'typeorm';

export class Initial1732400000000 implements MigrationInterface {
  name = 'Initial1732400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('SELECT 1');
  }

  async down(): Promise<void> {
    // Forward-only: schemas are rebuilt, never rolled back in place.
  }
}
