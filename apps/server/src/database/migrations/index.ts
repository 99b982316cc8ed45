import { InitialSchema1764090000000 } from './1764090000000-InitialSchema';
import { Jobs1764100000000 } from './1764100000000-Jobs';
import { Inventory1764300000000 } from './1764300000000-Inventory';

/** Every migration in order; they run at start on SQLite and PostgreSQL alike. */
export const MIGRATIONS = [InitialSchema1764090000000, Jobs1764100000000, Inventory1764300000000];
