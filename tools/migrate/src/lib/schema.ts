import { Type, type Static } from 'typebox';

/**
 * The JSON report (`--format json`). `schemaVersion` changes whenever a field is removed or
 * changes meaning; a field added keeps the version, and so does a new blocking `kind` (a reader
 * treats a kind it does not know as a finding). Every path is relative to the scanned
 * directory, with `/`, so that two machines write the same report.
 */
export const SCHEMA_VERSION = 1;

const Where = {
  file: Type.String({ description: 'Relative to the scanned directory.' }),
  line: Type.Integer({ minimum: 1 }),
};

export const LocationSchema = Type.Object(Where, { additionalProperties: false });

export const ObjectSchema = Type.Object(
  {
    id: Type.String({ description: '`file:line` of the call that creates it.' }),
    kind: Type.Union([Type.Literal('app'), Type.Literal('router')]),
    name: Type.String({ description: 'The variable it is assigned to.' }),
    ...Where,
    mountedOn: Type.Array(
      Type.Object(
        { parent: Type.String(), prefix: Type.String(), ...Where },
        { additionalProperties: false },
      ),
      { description: 'Every `use(prefix, it)`; empty for a top-level app or an unmounted router.' },
    ),
  },
  { additionalProperties: false },
);

export const RouteSchema = Type.Object(
  {
    method: Type.String({ description: 'Upper case; ALL for `app.all`, WS for express-ws.' }),
    path: Type.String({ description: 'As registered on its router.' }),
    fullPaths: Type.Array(Type.String(), {
      description:
        'With every mount prefix above it; one per way it is mounted, none when unmounted.',
    }),
    exact: Type.Boolean({ description: 'False when part of the path is not a constant (`${…}`).' }),
    owner: Type.String({ description: 'The app or router id.' }),
    middleware: Type.Array(Type.String(), {
      description: 'The chain before the handler, by name.',
    }),
    handler: Type.String(),
    ...Where,
  },
  { additionalProperties: false },
);

export const MiddlewareSchema = Type.Object(
  {
    owner: Type.String(),
    order: Type.Integer({ minimum: 1, description: "Position among its owner's `use` calls." }),
    path: Type.Union([Type.String(), Type.Null()]),
    name: Type.String(),
    package: Type.Union([Type.String(), Type.Null()], {
      description: 'The npm package it comes from, or null for your own code.',
    }),
    ...Where,
  },
  { additionalProperties: false },
);

export const HandlerSchema = Type.Object(
  { owner: Type.String(), name: Type.String(), ...Where },
  { additionalProperties: false },
);

export const ParamSchema = Type.Object(
  { owner: Type.String(), param: Type.String(), handler: Type.String(), ...Where },
  { additionalProperties: false },
);

export const UpgradeSchema = Type.Object(
  {
    kind: Type.Union([
      Type.Literal('upgrade-listener'),
      Type.Literal('ws-server'),
      Type.Literal('express-ws'),
    ]),
    detail: Type.String(),
    ...Where,
  },
  { additionalProperties: false },
);

export const ReplaceSchema = Type.Object(
  {
    feature: Type.String({ description: 'The row id in @switchyard/feature-map.' }),
    express: Type.String(),
    fastify: Type.String(),
    fastifyPackages: Type.Array(Type.String()),
    gotcha: Type.String(),
    recipe: Type.String({ description: 'docs/recipes/<page>.md#<anchor>' }),
    evidence: Type.Array(
      Type.Object({ what: Type.String(), ...Where }, { additionalProperties: false }),
    ),
  },
  { additionalProperties: false },
);

export const UnknownMiddlewareSchema = Type.Object(
  { package: Type.String(), name: Type.String(), ...Where },
  { additionalProperties: false },
);

export const BlockingKindSchema = Type.Union([
  Type.Literal('sync-crypto'),
  Type.Literal('sync-io'),
  Type.Literal('await-in-loop'),
  Type.Literal('buffered-proxy'),
  Type.Literal('upgrade'),
  Type.Literal('dynamic-import'),
]);

export const BlockingSchema = Type.Object(
  {
    kind: BlockingKindSchema,
    title: Type.String(),
    ...Where,
    detail: Type.String(),
    sites: Type.Array(
      Type.Object({ call: Type.String(), ...Where }, { additionalProperties: false }),
      { description: 'Each call behind the finding, in files outside the directory too.' },
    ),
    guide: Type.String({ description: 'The guide section that replaces it, from the repo root.' }),
  },
  { additionalProperties: false },
);

export const PlanStepSchema = Type.Object(
  {
    step: Type.Integer({ minimum: 1 }),
    group: Type.String(),
    kind: Type.Union([Type.Literal('read-only'), Type.Literal('writes'), Type.Literal('upgrades')]),
    routes: Type.Array(Type.String(), { description: '`METHOD path` for each route.' }),
    blockers: Type.Array(Type.String()),
  },
  { additionalProperties: false },
);

export const NotAnalysedSchema = Type.Object(
  { ...Where, why: Type.String() },
  { additionalProperties: false },
);

export const ReportSchema = Type.Object(
  {
    schemaVersion: Type.Literal(SCHEMA_VERSION),
    tool: Type.Literal('switchyard-migrate'),
    files: Type.Integer({ minimum: 0, description: 'Source files scanned.' }),
    objects: Type.Array(ObjectSchema),
    routes: Type.Array(RouteSchema),
    middleware: Type.Array(MiddlewareSchema),
    errorHandlers: Type.Array(HandlerSchema),
    notFound: Type.Array(HandlerSchema),
    params: Type.Array(ParamSchema),
    upgrades: Type.Array(UpgradeSchema),
    replace: Type.Array(ReplaceSchema),
    unknownMiddleware: Type.Array(UnknownMiddlewareSchema),
    blocking: Type.Array(BlockingSchema),
    plan: Type.Object(
      {
        shared: Type.Array(Type.String(), {
          description:
            'What every group needs before it moves: app-level middleware from a package, app-level code that fills res.locals or req.',
        }),
        steps: Type.Array(PlanStepSchema),
      },
      { additionalProperties: false },
    ),
    notAnalysed: Type.Array(NotAnalysedSchema),
  },
  { additionalProperties: false },
);

export type Report = Static<typeof ReportSchema>;
export type Route = Static<typeof RouteSchema>;
export type Middleware = Static<typeof MiddlewareSchema>;
export type Blocking = Static<typeof BlockingSchema>;
export type BlockingKind = Static<typeof BlockingKindSchema>;
export type Replace = Static<typeof ReplaceSchema>;
export type PlanStep = Static<typeof PlanStepSchema>;
export type NotAnalysed = Static<typeof NotAnalysedSchema>;
