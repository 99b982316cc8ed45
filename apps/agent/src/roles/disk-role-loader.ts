import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { compileFunction } from 'node:vm';
import * as protocolApi from '@borealis/protocol';
import * as rolesApi from '@borealis/roles';
import { RoleRegistry, type RoleDefinition, type RoleMeta } from '@borealis/roles';

/** Why a file in Roles/ was not loaded; logged, never fatal. */
export class RoleFileRejected extends Error {
  constructor(readonly file: string, reason: string) {
    super(reason);
    this.name = 'RoleFileRejected';
  }
}

/**
 * Loads one role file from `<home>/Roles/` (CommonJS `.js`) and validates it in isolation:
 * - it runs against a fresh registry: `require('@borealis/roles')` gives the file the embedded
 *   roles API whose `@Role` registers there, so a broken file never touches the live registry;
 * - it must register exactly one role, with a valid name and contexts (the registry checks), and
 *   not one the agent already hosts (embedded or loaded before).
 * Inside the single binary the main `require` only knows built-ins, so the file gets its own
 * require: `@borealis/roles` and `@borealis/protocol` map to the embedded modules, anything else
 * goes to `createRequire(file)` (built-ins, files beside it, a node_modules next to Roles/).
 */
export function loadRoleFile(file: string, isKnown: (name: string) => boolean): RoleDefinition {
  const registry = new RoleRegistry();
  const isolatedRoles = {
    ...rolesApi,
    roleRegistry: registry,
    Role: (meta: RoleMeta, target: RoleRegistry = registry) => rolesApi.Role(meta, target),
  };
  const fileRequire = createRequire(file);
  const requireForRole = Object.assign(
    (id: string): unknown => {
      if (id === '@borealis/roles') return isolatedRoles;
      if (id === '@borealis/protocol') return protocolApi;
      return fileRequire(id);
    },
    { resolve: fileRequire.resolve, cache: fileRequire.cache, main: undefined },
  );
  const module = { exports: {} as unknown, filename: file, id: file, loaded: false };
  try {
    const source = readFileSync(file, 'utf8');
    // The CommonJS wrapper, compiled with the file name so stack traces point at the role file.
    const wrapper = compileFunction(source, ['exports', 'require', 'module', '__filename', '__dirname'], { filename: file });
    wrapper.call(module.exports, module.exports, requireForRole, module, file, dirname(file));
    module.loaded = true;
  } catch (err) {
    throw new RoleFileRejected(file, `failed to load: ${(err as Error).message}`);
  }
  const roles = registry.list();
  if (roles.length !== 1) {
    throw new RoleFileRejected(file, `must register exactly one role with @Role (registered ${roles.length}${roles.length ? `: ${roles.map((r) => r.name).join(', ')}` : ''})`);
  }
  const role = roles[0]!;
  if (typeof role.ctor !== 'function') throw new RoleFileRejected(file, `role "${role.name}" is not a class`);
  if (isKnown(role.name)) throw new RoleFileRejected(file, `role "${role.name}" already exists in this agent (embedded or loaded earlier)`);
  return role;
}
