import { describePack } from '../../src/pack.js';

// No dependencies: the tarball alone.
describePack({ dir: 'libs/router', exampleLines: 5 });
