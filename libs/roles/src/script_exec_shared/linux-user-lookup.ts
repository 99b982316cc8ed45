import { readFile } from 'node:fs/promises';
import type { ProcessRunner } from './process-runner';
import { USER_NAME } from './linux-session-user';

export interface PosixUser {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
}

/** One `name:x:uid:gid:gecos:home:shell` line, as printed by `getent passwd`. */
export function parsePasswdLine(line: string): PosixUser | undefined {
  const fields = line.trim().split(':');
  if (fields.length < 7) return undefined;
  const [name, , uid, gid, , home, shell] = fields;
  const ids = [uid, gid].map((n) => Number.parseInt(n ?? '', 10));
  if (!name || ids.some((n) => !Number.isInteger(n) || n < 0)) return undefined;
  return { name, uid: ids[0]!, gid: ids[1]!, home: home ?? '/', shell: shell ?? '' };
}

/**
 * Looks a user up through NSS (`getent`), so LDAP/SSSD users are found like local ones; where
 * getent does not exist (some minimal images) /etc/passwd is read instead.
 */
export async function lookupUser(runner: ProcessRunner, name: string, passwdFile = '/etc/passwd'): Promise<PosixUser | undefined> {
  if (!USER_NAME.test(name)) return undefined;
  const result = await runner.run('getent', ['passwd', name], { timeoutMs: 5_000 });
  if (result.exitCode === 0) return parsePasswdLine(result.stdout.split('\n')[0] ?? '');
  if (result.exitCode !== null) return undefined; // getent ran: the user does not exist
  const passwd = await readFile(passwdFile, 'utf8').catch(() => '');
  return passwd.split('\n').map(parsePasswdLine).find((u) => u?.name === name);
}
