export * from './types.ts';
export type { MaintainedStore } from './common.ts';
export { type OpenStoreOptions, describeStore, openStore } from './open.ts';
export { type SqlClient, type SqlQueryable, type SqlStoreOptions, SqlStore, pgPoolClient, pgliteClient } from './sql.ts';
export { type MongoStoreOptions, MongoStore } from './mongo.ts';
