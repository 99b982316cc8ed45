import { hostname, networkInterfaces, uptime } from 'node:os';
import * as si from 'systeminformation';

/**
 * The slice of systeminformation (and node:os) the role reads; a fake replaces it in specs.
 * Network addresses come from node:os because systeminformation keeps one IPv4/IPv6 per interface.
 */
export interface SystemInfoSource {
  osInfo(): Promise<Pick<si.Systeminformation.OsData, 'platform' | 'distro' | 'release' | 'build' | 'kernel' | 'arch'>>;
  cpu(): Promise<Pick<si.Systeminformation.CpuData, 'manufacturer' | 'brand' | 'cores' | 'physicalCores'>>;
  mem(): Promise<Pick<si.Systeminformation.MemData, 'total' | 'active'>>;
  fsSize(): Promise<Pick<si.Systeminformation.FsSizeData, 'fs' | 'type' | 'size' | 'available' | 'mount'>[]>;
  users(): Promise<Pick<si.Systeminformation.UserData, 'user' | 'tty' | 'date' | 'time'>[]>;
  processes(): Promise<{ list: Pick<si.Systeminformation.ProcessesProcessData, 'pid' | 'name' | 'user' | 'cpu' | 'memRss'>[] }>;
  hostname(): string;
  uptimeSeconds(): number;
  networkInterfaces(): ReturnType<typeof networkInterfaces>;
}

export const systemInformationSource: SystemInfoSource = {
  osInfo: () => si.osInfo(),
  cpu: () => si.cpu(),
  mem: () => si.mem(),
  fsSize: () => si.fsSize(),
  users: () => si.users(),
  processes: () => si.processes(),
  hostname: () => hostname(),
  uptimeSeconds: () => uptime(),
  networkInterfaces: () => networkInterfaces(),
};
