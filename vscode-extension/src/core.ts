// The pure modules in one bundle, for the node tests (they cannot load TypeScript directly).
export * from './check';
export * from './java';
export * from './process';
export * from './server';
export * from './newstudy';
export * from './run';
export * from './outputs';
