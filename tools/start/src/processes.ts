import { spawnApp, type SpawnedApp } from '@switchyard/testing';

export { WORKSPACE, waitReady } from '@switchyard/testing';
export type AppProcess = SpawnedApp;

/**
 * Starts an app's real entry point (`src/main.ts`, through tsx, after its tracing preload
 * `src/instrument.ts`) as its own process with the shared spawner, without waiting: the caller waits for both apps at once with waitReady.
 */
export function startApp(name: string, port: number, env: Record<string, string>) {
  return spawnApp({
    name,
    entry: `apps/${name}/src/main.ts`,
    port,
    env,
    // The tracing preload, as the apps' `serve` targets pass it (docs/observability.md#tracing):
    // it loads nothing unless the OTEL_* settings in `env` ask for traces.
    nodeArgs: ['--import', `./apps/${name}/src/instrument.ts`],
    // Kept to show when it fails; the apps log at warn, so this is the tail of a long run.
    keepChunks: 200,
    ready: false,
    // A process group of its own: Ctrl-C in a terminal signals the whole foreground group, so
    // each app would get SIGINT from the terminal and then SIGTERM from `npm start` as it stops
    // them, and an app takes a second signal as "exit now" (code 1). Here it gets one signal,
    // from main.ts.
    detached: true,
  });
}
