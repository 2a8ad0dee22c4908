import { Foundation1763800000000 } from './1763800000000-foundation';

// Every migration, oldest first. Listed explicitly (no glob) so the build, the tests and `npm run migrate` agree.
export const migrations = [Foundation1763800000000];
