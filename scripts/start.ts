// npm start: build the front ends if their sources changed, then run the server (which migrates, seeds the
// demo brand when DEMO_SEED is on, and prints the URLs). Production images build ahead and run server/src/main.ts.
import { main } from '../server/src/main';
import { ensureFrontendBuilt } from './lib/frontend-build';

try {
  ensureFrontendBuilt();
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
}
main().catch((err: unknown) => {
  console.error('Fanbase failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
