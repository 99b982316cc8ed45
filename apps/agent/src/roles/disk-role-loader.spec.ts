import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeRoleContext, roleRegistry } from '@borealis/roles';
import { RoleFileRejected, loadRoleFile } from './disk-role-loader';
import { diskRoleSource } from './disk-role-fixtures';

describe('loadRoleFile (Roles/ files, validated in isolation)', () => {
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'borealis-disk-roles-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, source: string): string => {
    const path = join(dir, name);
    writeFileSync(path, source);
    return path;
  };
  const nobodyKnown = () => false;

  it('loads a role class registered with @Role through the embedded roles API', async () => {
    const before = roleRegistry.list().length;
    const role = loadRoleFile(file('disk_echo.js', diskRoleSource('disk_echo', { contexts: ['interactive', 'system'] })), nobodyKnown);
    assert.equal(role.name, 'disk_echo');
    assert.deepEqual(role.contexts, ['interactive', 'system']);
    assert.equal(roleRegistry.list().length, before, 'the live registry is untouched');
    const fake = createFakeRoleContext({ name: 'disk_echo' });
    const instance = new role.ctor(fake.context);
    instance.registerEvents?.();
    assert.deepEqual(await fake.deliver('disk_echo.ping', {}), { ok: true, role: 'disk_echo', host: (await import('node:os')).hostname() });
  });

  it('lets a role require files beside it and @borealis/protocol', () => {
    file('helper_util.js', 'module.exports = { contexts: ["system"] };');
    const role = loadRoleFile(file('with_helper.js', `
      const { Role } = require('@borealis/roles');
      const { PROTOCOL_VERSION } = require('@borealis/protocol');
      const { contexts } = require('./helper_util');
      if (typeof PROTOCOL_VERSION !== 'number') throw new Error('no protocol');
      class WithHelper {}
      Role({ name: 'with_helper', contexts })(WithHelper);`), nobodyKnown);
    assert.equal(role.name, 'with_helper');
  });

  const rejects = (name: string, source: string, reason: RegExp, isKnown: (n: string) => boolean = nobodyKnown) =>
    assert.throws(() => loadRoleFile(file(name, source), isKnown), (err: unknown) => err instanceof RoleFileRejected && reason.test(err.message));

  it('rejects a file that does not load', () => {
    rejects('syntax.js', 'class {', /failed to load: .*Unexpected token/);
    rejects('throws.js', 'throw new Error("boom at load")', /failed to load: boom at load/);
    rejects('missing_dep.js', 'require("left-pad-not-installed")', /failed to load: Cannot find module/);
  });

  it('rejects a file that registers no role, or more than one', () => {
    rejects('none.js', 'module.exports = {};', /exactly one role .*registered 0/);
    rejects('two.js', `${diskRoleSource('two_a')}\nclass B {}\nRole({ name: 'two_b', contexts: ['system'] })(B);`,
      /exactly one role .*registered 2: two_a, two_b/);
  });

  it('rejects invalid names and contexts (the registry\'s rules)', () => {
    rejects('bad_name.js', diskRoleSource('Bad-Name'), /failed to load: role name "Bad-Name" must be lower snake_case/);
    rejects('bad_ctx.js', diskRoleSource('bad_ctx', { contexts: ['kernel'] }), /must declare contexts/);
  });

  it('rejects a duplicate of a role the agent already hosts', () => {
    rejects('dup.js', diskRoleSource('script_exec_system'), /"script_exec_system" already exists/, (n) => n === 'script_exec_system');
  });
});
