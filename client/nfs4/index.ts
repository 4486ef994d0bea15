/** The NFSv4.x codec layer in one import: constants, statuses, types, fattr4, ops, COMPOUND. */
export * from './constants.js';
export * from './status.js';
export * from './types.js';
export * from './bitmap.js';
export * from './fattr.js';
export * from './fattr-acl.js';
export * from './op-codec.js';
export * from './ops/index.js';
export * from './compound.js';
