/**
 * Role files as an operator would drop them into `<home>/Roles/` (CommonJS, plain JavaScript):
 * used by the loader/watcher specs and the single-binary end-to-end spec.
 */
export function diskRoleSource(name: string, options: { contexts?: string[]; event?: string } = {}): string {
  const contexts = JSON.stringify(options.contexts ?? ['system']);
  const event = JSON.stringify(options.event ?? `${name}.ping`);
  return `'use strict';
const { Role } = require('@borealis/roles');
const os = require('node:os');

class DiskRole {
  constructor(context) { this.context = context; }
  registerEvents() {
    this.context.on(${event}, async () => ({ ok: true, role: this.context.name, host: os.hostname() }));
  }
  collectMetrics() { return { ${JSON.stringify(`${name}_loaded`)}: 1 }; }
}
// The same call TypeScript emits for @Role({...}) on the class.
Role({ name: ${JSON.stringify(name)}, contexts: ${contexts} })(DiskRole);
module.exports = { DiskRole };
`;
}
