import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROLE_FOLDERS, roleRegistry } from './index';

// Compiled to libs/roles/dist/: the sources (READMEs, all.ts) live next door in src/.
const rolesSrc = join(__dirname, '..', 'src');
const repoRoot = join(__dirname, '..', '..', '..');
// `<name>_shared` folders hold code several roles import (scripts/gen-roles-manifest.mjs skips them).
const folders = readdirSync(rolesSrc)
  .filter((name) => name !== 'core' && !name.endsWith('_shared') && statSync(join(rolesSrc, name)).isDirectory())
  .sort();

describe('roles manifest (meta-test)', () => {
  it('has at least one role folder', () => {
    assert.ok(folders.length > 0);
  });

  for (const folder of folders) {
    it(`${folder}: registered under its folder name, with role.ts, README.md and role.spec.ts`, () => {
      assert.ok(roleRegistry.has(folder), `role "${folder}" is not registered: its @Role name must equal the folder`);
      for (const file of ['role.ts', 'README.md', 'role.spec.ts']) {
        assert.ok(existsSync(join(rolesSrc, folder, file)), `${folder}/${file} is missing`);
      }
      const readme = readFileSync(join(rolesSrc, folder, 'README.md'), 'utf8');
      assert.match(readme, /config/i, `${folder}/README.md must document the config`);
    });
  }

  it('registers no role without a folder', () => {
    assert.deepEqual(roleRegistry.list().map((r) => r.name), folders);
  });

  it('all.ts lists exactly the role folders', () => {
    assert.deepEqual([...ROLE_FOLDERS], folders);
    const imports = [...readFileSync(join(rolesSrc, 'all.ts'), 'utf8').matchAll(/^import '\.\/([^/]+)\/role';$/gm)];
    assert.deepEqual(imports.map((m) => m[1]), folders);
  });

  it('all.ts is what scripts/gen-roles-manifest.mjs generates', () => {
    const result = spawnSync(process.execPath, ['scripts/gen-roles-manifest.mjs', '--check'], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    assert.equal(result.status, 0, result.stderr);
  });
});
