import { InitialSchema1764090000000 } from './1764090000000-InitialSchema';

/** Every migration in order; they run at start on SQLite and PostgreSQL alike. */
export const MIGRATIONS = [InitialSchema1764090000000];
