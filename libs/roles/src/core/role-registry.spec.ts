import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Role } from './role.decorator';
import { RoleRegistry } from './role-registry';
import type { RoleContext, RoleInstance } from './role-context';

describe('RoleRegistry and @Role', () => {
  it('registers a decorated class under its name with its contexts', () => {
    const registry = new RoleRegistry();
    @Role({ name: 'alpha_role', contexts: ['system'] }, registry)
    class AlphaRole implements RoleInstance {
      constructor(readonly context: RoleContext) {}
      stopAll(): void {}
    }
    const def = registry.get('alpha_role');
    assert.ok(def);
    assert.equal(def.ctor, AlphaRole);
    assert.deepEqual(def.contexts, ['system']);
    assert.deepEqual(registry.descriptors(), [{ name: 'alpha_role', contexts: ['system'] }]);
  });

  it('throws on a duplicate name', () => {
    const registry = new RoleRegistry();
    @Role({ name: 'dup_role', contexts: ['interactive'] }, registry)
    class FirstRole {}
    void FirstRole;
    assert.throws(() => {
      @Role({ name: 'dup_role', contexts: ['system'] }, registry)
      class SecondRole {}
      void SecondRole;
    }, /duplicate role name "dup_role"/);
  });

  it('rejects names that are not lower snake_case and empty contexts', () => {
    const registry = new RoleRegistry();
    class Any {}
    assert.throws(() => registry.register({ name: 'BadName', contexts: ['system'] }, Any), /snake_case/);
    assert.throws(() => registry.register({ name: 'bad-name', contexts: ['system'] }, Any), /snake_case/);
    assert.throws(() => registry.register({ name: 'no_ctx', contexts: [] }, Any), /contexts/);
  });

  it('lists roles sorted by name', () => {
    const registry = new RoleRegistry();
    class A {}
    registry.register({ name: 'zeta', contexts: ['system'] }, A);
    registry.register({ name: 'alpha', contexts: ['system'] }, A);
    assert.deepEqual(registry.list().map((r) => r.name), ['alpha', 'zeta']);
  });
});
