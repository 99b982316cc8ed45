import type { InventorySummary } from '@borealis/protocol';
import type { CommandOutcome, CommandRunner, CommandSpec } from './command-runner';
import type { SystemInfoSource } from './system-info-source';

/** Scripted command output per binary; a binary without a script is "not found", like ENOENT. */
export interface FakeCommand {
  lines?: string[];
  exitCode?: number | null;
  stderr?: string;
}

export function fakeRunner(commands: Record<string, FakeCommand>): CommandRunner & { calls: CommandSpec[] } {
  const calls: CommandSpec[] = [];
  return {
    calls,
    async runLines(spec, onLine): Promise<CommandOutcome> {
      calls.push(spec);
      const command = commands[spec.file];
      if (!command) return { exitCode: null, stderr: '', notFound: true, error: `could not start ${spec.file}` };
      for (const line of command.lines ?? []) onLine(line);
      return { exitCode: command.exitCode === undefined ? 0 : command.exitCode, stderr: command.stderr ?? '' };
    },
  };
}

/** A machine whose facts tests can change between checks. */
export function fakeSource(overrides: { hostname?: string; uptime?: number; usedBytes?: number; freeBytes?: number } = {}): SystemInfoSource & { state: typeof overrides } {
  const state = { hostname: 'host-a', uptime: 100, usedBytes: 1000, freeBytes: 50 * 1024 ** 3, ...overrides };
  return {
    state,
    osInfo: async () => ({ platform: 'linux', distro: 'Debian GNU/Linux', release: '12', build: '', kernel: '6.1.0', arch: 'x64' }),
    cpu: async () => ({ manufacturer: 'AMD', brand: 'EPYC', cores: 2, physicalCores: 2 }),
    mem: async () => ({ total: 8 * 1024 ** 3, active: state.usedBytes }),
    fsSize: async () => [
      { fs: '/dev/vda', type: 'ext4', size: 100 * 1024 ** 3, available: state.freeBytes, mount: '/' },
      { fs: 'tmpfs', type: 'tmpfs', size: 1024, available: 1024, mount: '/run' },
    ],
    users: async () => [{ user: 'alice', tty: 'pts/0', date: '2026-01-01', time: '10:00' }],
    processes: async () => ({ list: [{ pid: 7, name: 'node', user: 'alice', cpu: 1.25, memRss: 2048 }] }),
    hostname: () => state.hostname,
    uptimeSeconds: () => state.uptime,
    networkInterfaces: () => ({
      lo: [{ address: '127.0.0.1', netmask: '255.0.0.0', family: 'IPv4', mac: '00:00:00:00:00:00', internal: true, cidr: '127.0.0.1/8' }],
      eth0: [{ address: '10.0.0.5', netmask: '255.255.255.0', family: 'IPv4', mac: '52:54:00:12:34:56', internal: false, cidr: '10.0.0.5/24' }],
    }),
  };
}

/** Timers the test fires by hand. */
export function manualTimers(): { setTimer: (fn: () => void, ms: number) => unknown; clearTimer: (h: unknown) => void; pending: { fn: () => void; ms: number }[]; fire: () => void } {
  const pending: { fn: () => void; ms: number }[] = [];
  return {
    pending,
    setTimer: (fn, ms) => {
      const entry = { fn, ms };
      pending.push(entry);
      return entry;
    },
    clearTimer: (h) => {
      const i = pending.indexOf(h as { fn: () => void; ms: number });
      if (i >= 0) pending.splice(i, 1);
    },
    fire: () => pending.shift()?.fn(),
  };
}

export type { InventorySummary };
