import { ConfigError } from '../../server/src/config';

// Runs a script's body and turns failures into one readable line and a non-zero exit code.
export function runScript(body: () => Promise<void>): void {
  body().then(
    () => process.exit(0),
    (err: unknown) => {
      if (err instanceof ConfigError) console.error(err.message);
      else console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
