import { projectConfig } from '../../vitest.shared.ts';

// One file per concern, each running its suite over every app. Vitest's default on a 2-CPU
// machine is one worker, which runs the files one after another (about nine minutes). Two at a
// time halves that; three, beside the other projects Nx runs at once, loaded the machine enough
// for the upstream-fault suite's timed cases to miss their 10 % bound (1,666 ms for 1,500).
export default projectConfig({ maxWorkers: 2 });
