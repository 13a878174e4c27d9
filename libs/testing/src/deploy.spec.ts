import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { ALL_TOPICS } from '@clinic/contracts';

// deploy/base (kustomize): every file parses, every resource the kustomization names exists, and
// each service has what production needs (probes, resources, config and secrets from env).
const BASE = path.resolve(__dirname, '../../../deploy/base');

interface Resource {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  [key: string]: any;
}

function load(file: string): Resource[] {
  const docs = parseAllDocuments(fs.readFileSync(path.join(BASE, file), 'utf8'));
  for (const doc of docs) {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
  }
  return docs.map((doc) => doc.toJS() as Resource).filter(Boolean);
}

const kustomization = load('kustomization.yaml')[0] as unknown as { resources: string[]; namespace: string };
const resources = kustomization.resources.flatMap(load);
const ofKind = (kind: string) => resources.filter((r) => r.kind === kind);
const SERVICES = { 'lead-intake': 3001, ledger: 3002, payments: 3003, disputes: 3004 } as const;

describe('deploy/base', () => {
  it('every YAML file parses and the kustomization lists every resource file', () => {
    const files = fs.readdirSync(BASE).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
    expect([...kustomization.resources].sort()).toEqual(files.sort());
    for (const resource of resources) {
      expect(resource.apiVersion).toBeTruthy();
      expect(resource.metadata.name).toBeTruthy();
    }
    expect(kustomization.namespace).toBe('clinic-credits');
  });

  it.each(Object.entries(SERVICES))('%s: Deployment + Service with probes, resources, ConfigMap and Secret env', (name, port) => {
    const deployment = ofKind('Deployment').find((d) => d.metadata.name === name);
    const service = ofKind('Service').find((s) => s.metadata.name === name);
    expect(deployment).toBeDefined();
    expect(service).toBeDefined();
    const container = deployment!.spec.template.spec.containers[0];
    expect(container.image).toBe('clinic-credits/service');
    expect(container.env).toContainEqual({ name: 'APP', value: name });
    expect(container.ports).toContainEqual({ name: 'http', containerPort: port });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/health/ready', port: 'http' });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/health/live', port: 'http' });
    expect(container.resources.requests).toEqual(expect.objectContaining({ cpu: expect.any(String), memory: expect.any(String) }));
    const envFrom = container.envFrom.map((source: any) => source.configMapRef?.name ?? source.secretRef?.name);
    expect(envFrom).toEqual(expect.arrayContaining(['clinic-credits-config', 'clinic-credits-secrets']));
    expect(envFrom.includes('razorpay-credentials')).toBe(name === 'payments');
    expect(deployment!.spec.selector.matchLabels).toEqual(deployment!.spec.template.metadata.labels);
    expect(service!.spec.selector).toEqual(deployment!.spec.selector.matchLabels);
    expect(service!.spec.ports).toContainEqual({ name: 'http', port, targetPort: 'http' });
  });

  it('the ConfigMap sets each service port, HOST and KAFKA_BROKERS', () => {
    const config = ofKind('ConfigMap').find((c) => c.metadata.name === 'clinic-credits-config')!;
    expect(config.data).toMatchObject({ HOST: '0.0.0.0', NODE_ENV: 'production', LEAD_INTAKE_PORT: '3001', LEDGER_PORT: '3002', PAYMENTS_PORT: '3003', DISPUTES_PORT: '3004' });
    expect(config.data.KAFKA_BROKERS).toMatch(/^[\w.-]+:\d+$/);
  });

  it('Secrets hold only clearly marked placeholders for JWT_SECRET, DATABASE_URL and the Razorpay keys', () => {
    const secrets = Object.fromEntries(ofKind('Secret').map((s) => [s.metadata.name, s.stringData as Record<string, string>]));
    expect(Object.keys(secrets['clinic-credits-secrets']).sort()).toEqual(['DATABASE_URL', 'JWT_SECRET']);
    expect(Object.keys(secrets['razorpay-credentials']).sort()).toEqual(['RAZORPAY_KEY_ID', 'RAZORPAY_KEY_SECRET', 'RAZORPAY_WEBHOOK_SECRET']);
    for (const values of Object.values(secrets)) {
      for (const value of Object.values(values)) expect(value).toMatch(/REPLACE_?ME/);
    }
  });

  it('the topics Job creates every contract topic and its .dlq twin with a fixed partition count', () => {
    const job = ofKind('Job').find((j) => j.metadata.name === 'kafka-topics')!;
    const container = job.spec.template.spec.containers[0];
    const env = Object.fromEntries(container.env.filter((e: any) => 'value' in e).map((e: any) => [e.name, e.value]));
    expect(env.TOPICS.split(/\s+/).sort()).toEqual([...ALL_TOPICS].sort());
    expect(container.args.join('\n')).toContain('"$topic.dlq"');
    const config = ofKind('ConfigMap').find((c) => c.metadata.name === 'clinic-credits-config')!;
    expect(env.PARTITIONS).toBe(config.data.KAFKA_PARTITIONS);
  });
});
