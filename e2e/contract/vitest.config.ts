import { projectConfig } from '../../vitest.shared.ts';

// One file per concern, each running its suite over every app, one file at a time (Vitest's
// default on two CPUs). The upstream-fault suite times each fault against a 10 % bound: with two
// files at once beside the other projects Nx runs, a fresh-clone CI rehearsal saw 1,706 ms for
// a 1,500 ms timeout (and three files 1,666 ms locally). One at a time is the load these suites
// had when each app ran its own, at the price of the e2e run being CI's longest (about 9 min).
export default projectConfig({ maxWorkers: 1 });
