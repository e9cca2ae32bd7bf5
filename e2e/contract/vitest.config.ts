import { projectConfig } from '../../vitest.shared.js';

// The suites are run by each app's tests; this project tests only its own helpers.
export default projectConfig();
