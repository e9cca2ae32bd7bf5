// The `express4` npm alias (npm:express@4) has no types of its own; Express 5's describe the
// parts the query recipe calls.
declare module 'express4' {
  import express from 'express';
  export default express;
}
