import type { InventorySummary } from '@borealis/protocol';
import { clip } from './capped-list';
import type { SystemInfoSource } from './system-info-source';

/** Pseudo and container file systems that say nothing about a machine's storage. */
const IGNORED_FS_TYPES = /^(tmpfs|devtmpfs|overlay|squashfs|proc|sysfs|cgroup2?|devpts|mqueue|autofs|ramfs|nsfs|tracefs|debugfs|fuse\..*)$/i;

/** Hostname, OS, CPU, memory, disks, network, uptime and logged-in users, each part best-effort. */
export async function collectSummary(source: SystemInfoSource, agentVersion: string): Promise<InventorySummary> {
  // A part that fails (e.g. `who` missing in a container) leaves its defaults instead of failing the summary.
  const [os, cpu, mem, disks, users] = await Promise.all([
    source.osInfo().catch(() => undefined),
    source.cpu().catch(() => undefined),
    source.mem().catch(() => undefined),
    source.fsSize().catch(() => []),
    source.users().catch(() => []),
  ]);
  const network = Object.entries(source.networkInterfaces())
    .map(([name, addresses]) => ({
      name: clip(name),
      mac: clip(addresses?.find((a) => a.mac && a.mac !== '00:00:00:00:00:00')?.mac ?? '', 64),
      addresses: (addresses ?? []).map((a) => clip(`${a.address}${a.cidr ? a.cidr.slice(a.cidr.indexOf('/')) : ''}`, 128)).slice(0, 64),
      internal: (addresses ?? []).every((a) => a.internal),
    }))
    .sort((a, b) => a.name.localeCompare(b.name))
    .slice(0, 256);
  return {
    hostname: clip(source.hostname()),
    os: {
      platform: clip(os?.platform, 64), distro: clip(os?.distro), release: clip(os?.release),
      build: clip(os?.build), kernel: clip(os?.kernel), arch: clip(os?.arch, 64),
    },
    cpu: {
      model: clip([cpu?.manufacturer, cpu?.brand].filter(Boolean).join(' ')),
      cores: cpu?.cores ?? 0,
      physicalCores: cpu?.physicalCores ?? 0,
    },
    // "active" is memory in use without caches: what an operator means by "used".
    memory: { totalBytes: mem?.total ?? 0, usedBytes: mem?.active ?? 0 },
    disks: disks
      .filter((d) => d.size > 0 && !IGNORED_FS_TYPES.test(d.type ?? ''))
      .map((d) => ({ mount: clip(d.mount, 1024), fs: clip(d.fs, 1024), type: clip(d.type, 64), sizeBytes: d.size, freeBytes: d.available ?? 0 }))
      .sort((a, b) => a.mount.localeCompare(b.mount))
      .slice(0, 256),
    network,
    uptimeSeconds: Math.round(source.uptimeSeconds()),
    users: users
      .map((u) => ({ name: clip(u.user), terminal: clip(u.tty), loginAt: clip([u.date, u.time].filter(Boolean).join(' '), 64) }))
      .sort((a, b) => a.name.localeCompare(b.name) || a.terminal.localeCompare(b.terminal))
      .slice(0, 256),
    agentVersion: clip(agentVersion),
  };
}
