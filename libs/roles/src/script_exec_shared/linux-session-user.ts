import type { ProcessRunner } from './process-runner';

/** User names as useradd/systemd accept them; anything else is refused before it reaches a command. */
export const USER_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,31}\$?$/;

/** Session ids from `loginctl list-sessions --no-legend` (first column, whatever the systemd version). */
export function parseLoginctlSessionIds(output: string): string[] {
  return output
    .split('\n')
    .map((line) => line.trim().split(/\s+/)[0] ?? '')
    .filter((id) => /^[A-Za-z0-9_-]+$/.test(id));
}

/** `loginctl show-session a b -p ...` prints one `Key=Value` block per session, blank-line separated. */
export function parseLoginctlShowSessions(output: string): Record<string, string>[] {
  return output
    .split(/\n\s*\n/)
    .map((block) => {
      const props: Record<string, string> = {};
      for (const line of block.split('\n')) {
        const eq = line.indexOf('=');
        if (eq > 0) props[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
      }
      return props;
    })
    .filter((props) => Object.keys(props).length > 0);
}

/** The local, non-root user session to run as: active graphical (with a seat) first, then any local seat or tty. */
export function pickLoginctlUser(sessions: readonly Record<string, string>[]): string | undefined {
  const local = sessions.filter(
    (s) => s.Name && s.Name !== 'root' && s.Remote !== 'yes' && (s.Class ?? 'user') === 'user' && (s.Seat || s.TTY),
  );
  const rank = (s: Record<string, string>): number => (s.Active === 'yes' ? 0 : 2) + (s.Seat ? 0 : 1);
  return [...local].sort((a, b) => rank(a) - rank(b))[0]?.Name;
}

/**
 * From `who`: the first non-root user on a console, a virtual terminal or an X display
 * (`tty2`, `:0`, or a terminal whose comment is a local display like `(:0)`); remote logins are skipped.
 */
export function pickWhoUser(output: string): string | undefined {
  const local = /^(?:tty\d+|:\d+(?:\.\d+)?|seat\d+|console)$/;
  for (const line of output.split('\n')) {
    const [name, terminal] = line.trim().split(/\s+/);
    if (!name || !terminal || name === 'root') continue;
    const comment = /\(([^)]*)\)\s*$/.exec(line)?.[1];
    if (local.test(terminal) || (comment !== undefined && /^:\d+(?:\.\d+)?$/.test(comment))) return name;
  }
  return undefined;
}

/** The user of the active local session: loginctl where systemd runs, else `who`. */
export async function findSessionUser(runner: ProcessRunner): Promise<string | undefined> {
  const list = await runner.run('loginctl', ['list-sessions', '--no-legend'], { timeoutMs: 5_000 });
  const ids = list.exitCode === 0 ? parseLoginctlSessionIds(list.stdout) : [];
  if (ids.length > 0) {
    const show = await runner.run(
      'loginctl',
      ['show-session', ...ids, '-p', 'Name', '-p', 'Remote', '-p', 'Class', '-p', 'Seat', '-p', 'TTY', '-p', 'Active'],
      { timeoutMs: 5_000 },
    );
    const user = show.exitCode === 0 ? pickLoginctlUser(parseLoginctlShowSessions(show.stdout)) : undefined;
    if (user && USER_NAME.test(user)) return user;
  }
  const who = await runner.run('who', [], { timeoutMs: 5_000 });
  const user = who.exitCode === 0 ? pickWhoUser(who.stdout) : undefined;
  return user && USER_NAME.test(user) ? user : undefined;
}
