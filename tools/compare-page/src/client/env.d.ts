// Vite's types for the page's imports of CSS files.
/// <reference types="vite/client" />
