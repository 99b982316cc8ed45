/** API token scopes (DESIGN.md). `admin` grants everything. */
export const SCOPES = [
  'devices:read', 'devices:write', 'jobs:read', 'jobs:run', 'agents:enroll', 'screen:read',
  'input:send', 'workflows:read', 'workflows:write', 'audit:read', 'admin',
] as const;
export type Scope = (typeof SCOPES)[number];

export function hasScope(granted: readonly string[], required: Scope): boolean {
  return granted.includes('admin') || granted.includes(required);
}
