import { projectConfig } from '../../vitest.shared.ts';

// One file per concern, each running its suite over every app. Vitest's default on a 2-CPU
// machine is one worker, which would run the ten files one after another; three at a time is
// the concurrency the suites had when each app ran its own (Nx runs three projects at once).
export default projectConfig({ maxWorkers: 3 });
