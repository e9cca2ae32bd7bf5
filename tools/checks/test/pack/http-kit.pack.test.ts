import { describePack } from '../../src/pack.js';

// http-kit's declarations name @switchyard/runtime's ProxyService type: its tarball goes too.
describePack({ dir: 'libs/http-kit', alongside: ['libs/runtime'], exampleLines: 5 });
