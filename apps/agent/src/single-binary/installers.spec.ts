import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildProgram } from '../cli';
import { REPO_ROOT } from './agent-build';

const INSTALLERS = join(REPO_ROOT, 'installers');

/** Long options the CLI accepts for a subcommand. */
function cliOptions(command: string): string[] {
  const sub = buildProgram().commands.find((c) => c.name() === command);
  assert.ok(sub, `the CLI has no "${command}" command`);
  return sub.options.map((o) => o.long ?? '');
}

// The PowerShell scripts cannot run here (no Windows, no pwsh): check that every CLI command and
// option they pass exists, so a renamed flag fails here instead of on a customer's machine.
describe('installer scripts call the CLI with options it has', () => {
  const cases: Array<[file: string, command: string]> = [
    ['windows/install.ps1', 'install'],
    ['windows/repair.ps1', 'repair'],
    ['windows/remove.ps1', 'remove'],
    ['linux/install.sh', 'install'],
    ['linux/remove.sh', 'remove'],
  ];
  for (const [file, command] of cases) {
    it(`${file} -> borealis-agent ${command}`, () => {
      const text = readFileSync(join(INSTALLERS, file), 'utf8');
      const argumentLines = text.split('\n').filter((line) => /\$arguments|set --|& \$tmp|exec "\$home/.test(line));
      assert.ok(argumentLines.some((line) => new RegExp(`\\b${command}\\b`).test(line)), `${file} runs "${command}"`);
      const used = [...argumentLines.join('\n').matchAll(/(--[a-z][a-z-]+)/g)].map((m) => m[1]!);
      assert.ok(used.length > 0);
      const known = cliOptions(command);
      for (const option of used) assert.ok(known.includes(option), `${file}: ${command} has no ${option} (has ${known.join(', ')})`);
    });
  }

  it('the shell scripts parse (sh -n) and install.sh refuses to run without its arguments', () => {
    for (const file of ['linux/install.sh', 'linux/remove.sh']) {
      const check = spawnSync('sh', ['-n', join(INSTALLERS, file)], { encoding: 'utf8' });
      assert.equal(check.status, 0, check.stderr);
    }
    const bare = spawnSync('sh', [join(INSTALLERS, 'linux', 'install.sh')], { encoding: 'utf8' });
    assert.equal(bare.status, 2);
    assert.match(bare.stderr, /usage: .*--binary PATH --server URL/);
  });
});
