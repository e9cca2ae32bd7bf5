export { main, type CliIo } from './cli.js';
export {
  COLOUR,
  PLAIN,
  renderMarkdown,
  renderText,
  type MarkdownOptions,
  type Style,
} from './lib/render.js';
export { GUIDE } from './lib/guide.js';
export { SCHEMA_VERSION, ReportSchema, type Report } from './lib/schema.js';
export { joinPath, scan, type ScanOptions } from './lib/scan.js';
export { generateApp } from './lib/generated-app.js';
