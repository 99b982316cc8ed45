import { arch, hostname, release } from 'node:os';
import { join } from 'node:path';

/** `process.platform` mapped to the families the server knows (linux, windows, darwin); others pass through. */
export function osFamily(platform: NodeJS.Platform = process.platform): string {
  return platform === 'win32' ? 'windows' : platform;
}

/** How this machine describes itself in enrollment and `agent.hello`; overridable by the fleet simulator. */
export interface AgentIdentity {
  hostname: string;
  os: string;
  osVersion: string;
  arch: string;
  agentVersion: string;
}

export function localIdentity(): AgentIdentity {
  return { hostname: hostname(), os: osFamily(), osVersion: release(), arch: arch(), agentVersion: AGENT_VERSION };
}

// A plain require keeps package.json out of tsc's rootDir and still lets esbuild inline it in the SEA bundle.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const agentPackage = require('../package.json') as { version: string };

/** apps/agent/package.json version, reported in hello and `borealis-agent version`. */
export const AGENT_VERSION: string = agentPackage.version;

/**
 * The command line that starts this agent program again (for helper child processes such as the
 * desktop worker): the binary alone inside the single executable, `node <dist>/cli.js` from source.
 */
export function selfCommand(): readonly string[] {
  return isSingleExecutable() ? [process.execPath] : [process.execPath, join(__dirname, 'cli.js')];
}

function isSingleExecutable(): boolean {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('node:sea') as { isSea(): boolean }).isSea();
  } catch {
    return false; // Node without the sea module
  }
}
