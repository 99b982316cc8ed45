export * from './events';
export * from './messages';
export * from './enrollment';
export * from './jobs';
export * from './inventory';
export * from './screen';
export * from './macro';
