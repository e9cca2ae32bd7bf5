// @switchyard/deploy: the apps' builds (the server bundle and the Lambda bundle) and a Lambda
// bundle run in a fresh process, for the tests here and the cold-start bench.
export {
  APPS,
  LAMBDA_APPS,
  LAMBDA_FILE,
  LEFT_OUT_OF_LAMBDA,
  READ_AT_RUN_TIME,
  WORKSPACE,
  buildApp,
  buildLambda,
  buildLambdaEntry,
  bundleDir,
  lambdaBundleDir,
} from './build-app.js';
export type { AppName, BuildResult, LambdaAppName, LambdaBuildResult } from './build-app.js';
export {
  apiGatewayV2Event,
  functionEnv,
  invokeFresh,
  reachesNodeModules,
} from './lambda-invoke.js';
export type { FreshRun, GatewayRequest, Invocation } from './lambda-invoke.js';
