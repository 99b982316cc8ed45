import type { RoleConstructor, RoleMeta } from './role-context';
import { RoleRegistry, roleRegistry } from './role-registry';

/**
 * Registers a role class: `@Role({ name: 'heartbeat_metrics', contexts: ['interactive', 'system'] })`.
 * The registry argument exists for tests; roles use the default one.
 */
export function Role(meta: RoleMeta, registry: RoleRegistry = roleRegistry) {
  return <T extends RoleConstructor>(target: T): void => {
    registry.register(meta, target);
  };
}
