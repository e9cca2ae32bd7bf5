// The mixed load's own process (see mixed-load.ts): runs one job sent over IPC, answers with its
// result and exits.
import { runMixedLoad, type MixedLoadJob } from './mixed-load.js';

process.once('message', (message: { job: MixedLoadJob }) => {
  void runMixedLoad(message.job).then(
    (result) => process.send?.({ result }),
    (error: unknown) =>
      process.send?.({
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      }),
  );
});
