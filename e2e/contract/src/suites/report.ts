/**
 * One line per suite and app, `<suite>: <app>: <n> cases`, printed when the suite registers its
 * cases: `.ci/summarize.mjs` collects these lines into the reliability table at the end of CI.
 */
export function reportCases(suite: string, app: string, cases: number): void {
  console.log(`${suite}: ${app}: ${cases} cases`);
}
