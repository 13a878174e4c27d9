import { Body, Controller, Get, Module, Post } from '@nestjs/common';
import { IsInt, IsString, Min } from 'class-validator';
import request from 'supertest';
import { Public, Roles, signToken } from '@clinic/auth';
import { createTestDatabase, TestDatabase } from '@clinic/testing';
import { MigrationInterface, QueryRunner } from 'typeorm';
import { createServiceApp, ServiceApp } from './service';
import { Database } from './database';
import { loadCommonConfig } from './common-config';

class NoteDto {
  @IsString() title!: string;
  @IsInt() @Min(1) credits!: number;
}

@Controller('notes')
class NotesController {
  constructor(private readonly db: Database) {}

  @Public()
  @Post()
  async create(@Body() note: NoteDto) {
    await this.db.query('INSERT INTO notes (title, credits) VALUES ($1, $2)', [note.title, note.credits]);
    return { ok: true };
  }

  @Roles('admin')
  @Get()
  async list() {
    return (await this.db.query('SELECT title, credits FROM notes')).rows;
  }
}

@Module({ controllers: [NotesController] })
class NotesModule {}

class CreateNotes1700000000000 implements MigrationInterface {
  name = 'CreateNotes1700000000000';
  async up(runner: QueryRunner) {
    await runner.query('CREATE TABLE notes (title text NOT NULL, credits bigint NOT NULL)');
  }
  async down() {}
}

describe('createServiceApp', () => {
  let db: TestDatabase;
  let service: ServiceApp;
  const secret = 'test-secret-at-least-16-chars';

  beforeAll(async () => {
    db = await createTestDatabase('platform');
    const config = { ...loadCommonConfig('notes', 'NOTES_PORT', 0), databaseUrl: db.url, jwtSecret: secret, logLevel: 'silent' as const };
    service = await createServiceApp({ config, schema: 'notes', migrations: [CreateNotes1700000000000], imports: [NotesModule], title: 'Notes' });
  });

  afterAll(async () => {
    await service?.close();
    await db?.drop();
  });

  const http = () => request(service.app.getHttpServer());

  it('runs the migrations into the service schema', async () => {
    const { rows } = await service.database.query("SELECT table_schema FROM information_schema.tables WHERE table_name = 'notes'");
    expect(rows).toEqual([{ table_schema: 'notes' }]);
  });

  it('answers liveness, readiness with the database check, and Prometheus metrics without a token', async () => {
    await http().get('/health/live').expect(200, { status: 'ok' });
    await http().get('/health/ready').expect(200, { status: 'ready', checks: { database: 'up' } });
    const metrics = await http().get('/metrics').expect(200);
    expect(metrics.text).toContain('http_request_duration_seconds');
    const docs = await http().get('/docs-json').expect(200);
    expect(Object.keys(docs.body.paths)).toContain('/notes');
  });

  it('refuses bad input with a 400 naming each field and writes nothing', async () => {
    const response = await http().post('/notes').send({ title: 7, credits: 1.5, extra: 'x' }).expect(400);
    expect(response.body.fields).toEqual(expect.arrayContaining(['title', 'credits', 'extra']));
    expect(response.body.message).toMatch(/title/);
    await http().post('/notes').set('content-type', 'application/json').send('{"title":').expect(400);
    const { rows } = await service.database.query('SELECT count(*)::int AS n FROM notes');
    expect(rows[0].n).toBe(0);
  });

  it('accepts good input, and guards routes by token and role', async () => {
    await http().post('/notes').send({ title: 'first', credits: 5 }).expect(201);
    await http().get('/notes').expect(401);
    await http().get('/notes').set('authorization', `Bearer ${signToken({ role: 'clinic', clinicId: 'c1' }, secret)}`).expect(403);
    await http().get('/notes').set('authorization', `Bearer ${signToken({ role: 'admin' }, 'another-secret-of-16-chars')}`).expect(401);
    const listed = await http().get('/notes').set('authorization', `Bearer ${signToken({ role: 'admin' }, secret)}`).expect(200);
    expect(listed.body).toEqual([{ title: 'first', credits: 5 }]);
  });

  it('echoes the caller correlation id', async () => {
    const response = await http().get('/health/live').set('x-correlation-id', 'corr-123').expect(200);
    expect(response.headers['x-correlation-id']).toBe('corr-123');
  });
});
