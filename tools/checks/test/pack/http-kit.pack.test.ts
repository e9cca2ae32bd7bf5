import { describePack } from '../../src/pack.js';

// http-kit speaks the API's error envelope (@switchyard/api-spec: the proxy's 400, the upgrade's
// 400, the log policy's codes) and its declarations name @switchyard/runtime's ProxyService type:
// both tarballs go with it.
describePack({
  dir: 'libs/http-kit',
  alongside: ['libs/api-spec', 'libs/runtime'],
  exampleLines: 5,
});
