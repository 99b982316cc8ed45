export * from './core';
// Importing the manifest runs every role's @Role decorator, filling `roleRegistry`.
export { ROLE_FOLDERS } from './all';
