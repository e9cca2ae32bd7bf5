/**
 * One row of the map: something an Express app has, what Fastify offers for it, what catches
 * people out, and the tested recipe that shows both. The guide's "Map your app" table is these
 * rows rendered; the scanner (issue 15) reports them for the packages and APIs it finds.
 */
export interface Feature {
  /** Kebab-case, unique; the recipe's folder in e2e/recipes and its anchor in docs/recipes. */
  readonly id: string;
  /** The row's label as the reader knows it, e.g. "cors" or "`app.param`". */
  readonly express: string;
  /** npm packages that mean this row when an app depends on them (for the scanner). */
  readonly packages: readonly string[];
  /**
   * Express APIs that mean this row when an app calls them, as `object.method` with the object
   * as Express names it (`app.param`, `res.locals`, `express.static`), or as
   * `object.method('name')` for a call whose first argument is that string, for the settings
   * (`app.set('trust proxy')`); for the scanner.
   */
  readonly apis: readonly string[];
  /**
   * Express majors whose apps need this row whatever they import or call (the Express 4 path):
   * the scanner adds the row when the app's package.json depends on one of them.
   */
  readonly expressMajors?: readonly number[];
  /** The Fastify side: core (an option, a hook, a method) or an `@fastify/*` plugin. */
  readonly fastify: string;
  /** npm packages the Fastify side uses (empty when core does it). */
  readonly fastifyPackages: readonly string[];
  /** The one thing to know before you move it, in a sentence or two. */
  readonly gotcha: string;
  /** The recipe's page under docs/recipes/ and its anchor: `bodies.md#urlencoded`. */
  readonly recipe: string;
  /** The test that runs the recipe's two sides, from the repository root. */
  readonly test: string;
}
