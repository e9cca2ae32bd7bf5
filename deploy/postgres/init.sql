-- One database per app (compose.yaml): the two apps serve the same API from their own data, as
-- `npm start` gives each its own PGlite. Runs once, when the postgres volume is first created.
CREATE DATABASE switchyard_express;
CREATE DATABASE switchyard_fastify;
