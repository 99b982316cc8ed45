/**
 * Windows command-line construction. Windows passes one string to a process; these helpers
 * build it so every argument arrives intact and no shell gets a chance to interpret it.
 */

/** Quotes one argument for CommandLineToArgvW/MSVCRT parsing (the rules libuv uses). */
export function quoteWindowsArg(arg: string): string {
  if (arg === '') return '""';
  if (!/[ \t"]/.test(arg)) return arg;
  let out = '"';
  let backslashes = 0;
  for (const ch of arg) {
    if (ch === '\\') {
      backslashes += 1;
      continue;
    }
    // Backslashes are literal unless they precede a quote: then they and the quote are escaped.
    out += ch === '"' ? '\\'.repeat(backslashes * 2 + 1) + '"' : '\\'.repeat(backslashes) + ch;
    backslashes = 0;
  }
  return out + '\\'.repeat(backslashes * 2) + '"';
}

/** The command line for a program plus arguments; `verbatim` arguments are already one line (cmd.exe). */
export function toWindowsCommandLine(args: readonly string[], verbatim: boolean): string {
  return verbatim ? args.join(' ') : args.map(quoteWindowsArg).join(' ');
}

/**
 * cmd.exe expands `%VAR%` even inside quotes and has no escape for `"` there, so such arguments
 * cannot be passed safely: they are refused instead (values like that can go through `env`).
 */
const CMD_UNSAFE = /["%\r\n\0]/;

/** Arguments for `cmd.exe` running a `.cmd` file: `/d /v:off /s /c ""script" "a1" "a2""`. */
export function cmdArguments(scriptPath: string, args: readonly string[]): string[] | { error: string } {
  if (CMD_UNSAFE.test(scriptPath)) return { error: `cmd cannot run a script under this path: ${scriptPath}` };
  const bad = args.findIndex((a) => CMD_UNSAFE.test(a));
  if (bad >= 0) return { error: `invalid payload: args.${bad}: arguments for cmd may not contain ", % or line breaks (pass such values in env)` };
  const line = [scriptPath, ...args].map((a) => `"${a}"`).join(' ');
  // /d: no AutoRun commands from the registry; /v:off: `!` stays literal; /s /c "...": strip only the outer quotes.
  return ['/d', '/v:off', '/s', '/c', `"${line}"`];
}

/** A PowerShell single-quoted literal: only quote characters are special (PowerShell counts the curly ones too). */
export function psLiteral(value: string): string {
  return `'${value.replace(/['\u2018\u2019\u201A\u201B]/g, (q) => q + q)}'`;
}

/** `-EncodedCommand` takes base64 of UTF-16LE text. */
export function encodePowerShellCommand(script: string): string {
  return Buffer.from(script, 'utf16le').toString('base64');
}
