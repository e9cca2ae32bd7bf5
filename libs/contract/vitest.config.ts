import { projectConfig } from '../../vitest.shared.ts';

// The suite is run by each app's tests; this project has no tests of its own.
export default projectConfig({ passWithNoTests: true });
