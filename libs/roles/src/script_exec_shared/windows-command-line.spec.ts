import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cmdArguments, encodePowerShellCommand, psLiteral, quoteWindowsArg, toWindowsCommandLine } from './windows-command-line';

/** CommandLineToArgvW's rules (the MSVCRT parser), to check that quoting round-trips. */
function parseWindowsCommandLine(line: string): string[] {
  const args: string[] = [];
  let i = 0;
  while (i < line.length) {
    while (line[i] === ' ' || line[i] === '\t') i += 1;
    if (i >= line.length) break;
    let arg = '';
    let quoted = false;
    for (; i < line.length; i += 1) {
      const ch = line[i]!;
      if (ch === '\\') {
        let n = 0;
        while (line[i] === '\\') (n += 1), (i += 1);
        if (line[i] === '"') {
          arg += '\\'.repeat(Math.floor(n / 2));
          if (n % 2 === 1) arg += '"';
          else quoted = !quoted;
        } else {
          arg += '\\'.repeat(n);
          i -= 1;
        }
      } else if (ch === '"') {
        if (quoted && line[i + 1] === '"') (arg += '"'), (i += 1);
        else quoted = !quoted;
      } else if (!quoted && (ch === ' ' || ch === '\t')) break;
      else arg += ch;
    }
    args.push(arg);
  }
  return args;
}

describe('Windows command lines (pure, no Windows here)', () => {
  it('quotes only what needs quoting, with MSVCRT backslash rules', () => {
    assert.equal(quoteWindowsArg('plain'), 'plain');
    assert.equal(quoteWindowsArg(''), '""');
    assert.equal(quoteWindowsArg('a b'), '"a b"');
    assert.equal(quoteWindowsArg('say "hi"'), '"say \\"hi\\""');
    assert.equal(quoteWindowsArg('C:\\dir with space\\'), '"C:\\dir with space\\\\"');
    assert.equal(quoteWindowsArg('C:\\no_space\\'), 'C:\\no_space\\');
  });

  it('round-trips awkward arguments through CommandLineToArgvW', () => {
    const args = ['a b', '', 'x"y', 'tail\\', 'tail space\\', '\\\\"', '日本 ✓', '-EncodedCommand', '%PATH%', 'a\tb'];
    assert.deepEqual(parseWindowsCommandLine(toWindowsCommandLine(args, false)), args);
  });

  it('builds cmd.exe arguments: /d /v:off /s /c with every argument quoted', () => {
    assert.deepEqual(cmdArguments('C:\\B h\\tmp\\r\\script.cmd', ['a b', 'x&y|z', '^']), [
      '/d', '/v:off', '/s', '/c', '""C:\\B h\\tmp\\r\\script.cmd" "a b" "x&y|z" "^""',
    ]);
    assert.equal(toWindowsCommandLine(cmdArguments('C:\\s.cmd', []) as string[], true), '/d /v:off /s /c ""C:\\s.cmd""');
  });

  it('refuses cmd arguments that cmd.exe would expand or split (", %, line breaks)', () => {
    for (const bad of ['say "x"', '50%', '%PATH%', 'a\nb', 'a\r']) {
      const result = cmdArguments('C:\\s.cmd', ['ok', bad]);
      assert.ok('error' in result, bad);
      assert.match(result.error, /^invalid payload: args\.1: /);
    }
    assert.ok('error' in cmdArguments('C:\\100%\\s.cmd', []));
  });

  it('makes PowerShell single-quoted literals, doubling every kind of single quote', () => {
    assert.equal(psLiteral("C:\\it's here"), "'C:\\it''s here'");
    assert.equal(psLiteral('a\u2019b'), "'a\u2019\u2019b'");
    assert.equal(psLiteral('$env:X `n'), "'$env:X `n'");
  });

  it('encodes -EncodedCommand as base64 of UTF-16LE', () => {
    const encoded = encodePowerShellCommand("Write-Output 'é'");
    assert.equal(Buffer.from(encoded, 'base64').toString('utf16le'), "Write-Output 'é'");
    assert.equal(encodePowerShellCommand('a'), 'YQA=');
  });
});
