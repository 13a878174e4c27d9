import * as fs from 'fs';
import { Client } from 'pg';

/**
 * Where the time goes during a phase: CPU seconds of this Node process (ledger + publisher +
 * bench), of the PostgreSQL server (when the bench started it: postmaster and its backends, read
 * from /proc) and of the Kafka broker (a local java process, if any; shared with others), plus
 * samples of what the ledger's database connections are doing.
 */
const TICKS_PER_SECOND = 100;

function processCpuSeconds(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime, stime, cutime, cstime are fields 14..17 (1-based), i.e. 11..14 after the command name.
    return fields.slice(11, 15).reduce((sum, value) => sum + Number(value), 0) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

function allProcesses(): Array<{ pid: number; ppid: number; cmdline: string }> {
  const list: Array<{ pid: number; ppid: number; cmdline: string }> = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ');
      list.push({ pid: Number(entry), ppid, cmdline });
    } catch {
      // The process ended while we looked.
    }
  }
  return list;
}

/** The pid of the process (among those `candidate` accepts) that listens on TCP `port`, from /proc. */
function listenerPid(port: number, candidate: (p: { cmdline: string }) => boolean): number | null {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    try {
      for (const line of fs.readFileSync(table, 'utf8').split('\n').slice(1)) {
        const fields = line.trim().split(/\s+/);
        if (fields.length > 9 && fields[1].endsWith(`:${hexPort}`) && fields[3] === '0A') inodes.add(fields[9]);
      }
    } catch {
      // No such table here.
    }
  }
  if (inodes.size === 0) return null;
  for (const process of allProcesses().filter(candidate)) {
    try {
      for (const fd of fs.readdirSync(`/proc/${process.pid}/fd`)) {
        const link = fs.readlinkSync(`/proc/${process.pid}/fd/${fd}`);
        const inode = /^socket:\[(\d+)\]$/.exec(link)?.[1];
        if (inode && inodes.has(inode)) return process.pid;
      }
    } catch {
      // Not ours to inspect, or gone.
    }
  }
  return null;
}

export interface CpuSnapshot {
  at: number;
  node: number;
  postgres: number | null;
  kafka: number | null;
}

export class CpuMeter {
  private readonly brokerPid: number | null;

  constructor(private readonly postgresDataDir: string | null, brokerPort: number | null) {
    // Several brokers may run on a shared machine: take the java process listening on our broker's port.
    this.brokerPid = brokerPort === null ? null : listenerPid(brokerPort, (p) => /java/.test(p.cmdline));
  }

  snapshot(): CpuSnapshot {
    const usage = process.cpuUsage();
    const processes = allProcesses();
    let postgres: number | null = null;
    if (this.postgresDataDir) {
      const postmaster = processes.find((p) => p.cmdline.includes(this.postgresDataDir!) && /postgres/.test(p.cmdline));
      if (postmaster) {
        postgres = processCpuSeconds(postmaster.pid) + processes.filter((p) => p.ppid === postmaster.pid).reduce((sum, p) => sum + processCpuSeconds(p.pid), 0);
      }
    }
    const kafka = this.brokerPid !== null && processes.some((p) => p.pid === this.brokerPid) ? processCpuSeconds(this.brokerPid) : null;
    return { at: performance.now(), node: (usage.user + usage.system) / 1e6, postgres, kafka };
  }

  static describe(from: CpuSnapshot, to: CpuSnapshot): string {
    const wall = (to.at - from.at) / 1000;
    const part = (label: string, a: number | null, b: number | null) => (a === null || b === null ? `${label} n/a` : `${label} ${(b - a).toFixed(1)} s`);
    return `${wall.toFixed(1)} s wall; CPU: ${part('bench node process', from.node, to.node)}, ${part('postgres', from.postgres, to.postgres)}, ${part('kafka broker', from.kafka, to.kafka)}`;
  }
}

/**
 * Samples the ledger's connections in pg_stat_activity: 'active' = Postgres is executing
 * (statement shown), 'idle in transaction' = the transaction waits on the Node side.
 */
export class ConnectionSampler {
  private readonly counts = new Map<string, number>();
  private samples = 0;

  constructor(private readonly applicationName: string) {}

  async sample(client: Client): Promise<void> {
    const { rows } = await client.query<{ state: string; query: string; wait: string | null }>(
      `SELECT state, regexp_replace(left(query, 60), '\\s+', ' ', 'g') AS query, wait_event_type || ':' || wait_event AS wait
         FROM pg_stat_activity WHERE application_name = $1 AND state <> 'idle'`,
      [this.applicationName],
    );
    this.samples++;
    for (const row of rows) {
      const key = row.state === 'active' ? `active   ${row.wait ? `[${row.wait}] ` : ''}${row.query.trim().split(' ').slice(0, 4).join(' ')}` : `${row.state}`;
      this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    }
  }

  /** Lines "share of samples — what", most frequent first. */
  report(top = 8): string[] {
    if (this.samples === 0) return [];
    return [...this.counts]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([key, count]) => `${((count / this.samples) * 100).toFixed(0).padStart(4)}% of samples: ${key}`);
  }
}
