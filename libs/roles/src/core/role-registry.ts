import type { RoleDescriptor } from '@borealis/protocol';
import type { RoleConstructor, RoleDefinition, RoleMeta } from './role-context';

const ROLE_NAME = /^[a-z][a-z0-9_]{0,63}$/;
const CONTEXTS = new Set(['interactive', 'system']);

/** Holds every role class known to this binary; names are unique. */
export class RoleRegistry {
  private readonly roles = new Map<string, RoleDefinition>();

  /** Throws on an invalid or duplicate name so a copy-pasted role fails at load, not in production. */
  register(meta: RoleMeta, ctor: RoleConstructor): void {
    if (!ROLE_NAME.test(meta.name)) {
      throw new Error(`role name "${meta.name}" must be lower snake_case (/^[a-z][a-z0-9_]{0,63}$/)`);
    }
    if (meta.contexts.length === 0 || meta.contexts.some((c) => !CONTEXTS.has(c))) {
      throw new Error(`role "${meta.name}" must declare contexts from: ${[...CONTEXTS].join(', ')}`);
    }
    const existing = this.roles.get(meta.name);
    if (existing) {
      throw new Error(`duplicate role name "${meta.name}" (${existing.ctor.name} and ${ctor.name})`);
    }
    this.roles.set(meta.name, Object.freeze({ name: meta.name, contexts: [...meta.contexts], ctor }));
  }

  get(name: string): RoleDefinition | undefined {
    return this.roles.get(name);
  }

  has(name: string): boolean {
    return this.roles.has(name);
  }

  /** Sorted by name so hello payloads and role.state lists are stable. */
  list(): RoleDefinition[] {
    return [...this.roles.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** What `agent.hello` announces. */
  descriptors(): RoleDescriptor[] {
    return this.list().map((r) => ({ name: r.name, contexts: [...r.contexts] }));
  }
}

/** The registry the `@Role` decorator fills by default; the generated `all.ts` populates it. */
export const roleRegistry = new RoleRegistry();
