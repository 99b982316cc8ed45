import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { DEFAULT_SUPERVISION, parseSupervision, type SupervisionConfig } from '../supervision/supervision-config';

/** The only place the agent reads environment variables. */
export const ENV = {
  serverUrl: 'BOREALIS_SERVER_URL',
  enrollmentToken: 'BOREALIS_ENROLLMENT_TOKEN',
  home: 'BOREALIS_AGENT_HOME',
  logLevel: 'BOREALIS_LOG_LEVEL',
  tray: 'BOREALIS_TRAY',
} as const;

/** Tray icon of the interactive agent: `auto` shows it in a desktop session only (see tray/tray-mode.ts). */
export const TRAY_MODES = ['auto', 'on', 'off'] as const;
export type TrayMode = (typeof TRAY_MODES)[number];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const CONFIG_FILE = 'config.json';

/** Validated once at start; frozen so nothing can drift from what was checked. */
export interface AgentConfig {
  /** Server origin without trailing slash, e.g. `http://127.0.0.1:5000`. */
  readonly serverUrl: string;
  readonly enrollmentToken?: string;
  /** Absolute path; everything the agent writes stays under it. */
  readonly home: string;
  readonly logLevel: LogLevel;
  /** Self-supervision (`supervision` in config.json): lag and memory limits, crash-loop back-off. */
  readonly supervision: SupervisionConfig;
  /** `--tray` > BOREALIS_TRAY > config.json `tray` > `auto`. */
  readonly tray: TrayMode;
}

/** Command-line values (commander options); undefined means "not given". */
export interface ConfigFlags {
  server?: string;
  enrollmentToken?: string;
  home?: string;
  logLevel?: string;
  /** `--tray auto|on|off` (commander option `tray`). */
  tray?: string;
}

export interface LoadConfigInput {
  flags?: ConfigFlags;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** `status` only needs the home folder. */
  requireServer?: boolean;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid agent configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Home folder: flag > env > `fallback` (install/remove/repair/launch: the install home) > `<cwd>/.agent-home`.
 * config.json lives inside it, so it cannot set it.
 */
export function resolveHome(flags: ConfigFlags = {}, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd(), fallback?: string): string {
  const raw = nonEmpty(flags.home) ?? nonEmpty(env[ENV.home]) ?? fallback ?? join(cwd, '.agent-home');
  return isAbsolute(raw) ? raw : resolve(cwd, raw);
}

/** Precedence: flags > environment > `<home>/config.json` > defaults. Throws a ConfigError listing every problem. */
export function loadAgentConfig(input: LoadConfigInput = {}): AgentConfig {
  const flags = input.flags ?? {};
  const env = input.env ?? process.env;
  const cwd = input.cwd ?? process.cwd();
  const problems: string[] = [];
  const home = resolveHome(flags, env, cwd);
  const file = readConfigFile(join(home, CONFIG_FILE), problems);

  const pick = (flag: string | undefined, envName: string, fileKey: string): { value?: string; from: string } => {
    if (nonEmpty(flag) !== undefined) return { value: flag!.trim(), from: 'flag' };
    if (nonEmpty(env[envName]) !== undefined) return { value: env[envName]!.trim(), from: envName };
    const fromFile = file[fileKey];
    if (fromFile === undefined) return { from: 'default' };
    if (typeof fromFile !== 'string' || fromFile.trim() === '') {
      problems.push(`${CONFIG_FILE}: "${fileKey}" must be a non-empty string`);
      return { from: CONFIG_FILE };
    }
    return { value: fromFile.trim(), from: CONFIG_FILE };
  };

  const server = pick(flags.server, ENV.serverUrl, 'serverUrl');
  const token = pick(flags.enrollmentToken, ENV.enrollmentToken, 'enrollmentToken');
  const level = pick(flags.logLevel, ENV.logLevel, 'logLevel');
  const trayPick = pick(flags.tray, ENV.tray, 'tray');

  let serverUrl = '';
  if (server.value !== undefined) {
    serverUrl = normalizeServerUrl(server.value, server.from, problems);
  } else if (input.requireServer !== false) {
    problems.push(`server URL missing: pass --server URL, set ${ENV.serverUrl}, or put "serverUrl" in ${join(home, CONFIG_FILE)}`);
  }

  const logLevel = (level.value ?? 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    problems.push(`log level "${level.value}" (from ${level.from}) must be one of ${LOG_LEVELS.join(', ')}`);
  }

  const tray = (trayPick.value ?? 'auto').toLowerCase();
  if (!(TRAY_MODES as readonly string[]).includes(tray)) {
    problems.push(`tray "${trayPick.value}" (from ${trayPick.from}) must be one of ${TRAY_MODES.join(', ')}`);
  }

  const supervision = file.supervision === undefined ? DEFAULT_SUPERVISION : parseSupervision(file.supervision, problems);

  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze({
    serverUrl,
    home,
    logLevel: logLevel as LogLevel,
    supervision,
    tray: tray as TrayMode,
    ...(token.value !== undefined ? { enrollmentToken: token.value } : {}),
  });
}

function readConfigFile(path: string, problems: string[]): Record<string, unknown> {
  if (!existsSync(path)) return {};
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    problems.push(`${path}: must contain a JSON object`);
  } catch (err) {
    problems.push(`${path}: ${(err as Error).message}`);
  }
  return {};
}

/** Only http(s) origins: socket.io would read a path as a namespace, so a path is a mistake here. */
function normalizeServerUrl(raw: string, from: string, problems: string[]): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    problems.push(`server URL "${raw}" (from ${from}) is not a valid URL`);
    return '';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    problems.push(`server URL "${raw}" (from ${from}) must use http:// or https://`);
  }
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '') {
    problems.push(`server URL "${raw}" (from ${from}) must not have a path, query or fragment`);
  }
  if (url.username !== '' || url.password !== '') {
    problems.push(`server URL (from ${from}) must not contain credentials`);
  }
  return url.origin;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value : undefined;
}
