export * from './role-context';
export * from './role-registry';
export * from './role.decorator';
export * from './fake-role-context';
