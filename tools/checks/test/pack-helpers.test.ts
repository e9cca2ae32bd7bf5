import { describe, expect, it } from 'vitest';
import { expectedOutput, fencedBlocks, importedPackages } from '../src/pack.js';

describe('fencedBlocks', () => {
  it('returns the blocks of one language, in order, without their fences', () => {
    const markdown = [
      '```js',
      'one();',
      '```',
      '',
      '```ts',
      'two();',
      '```',
      '```js',
      'three();',
      '```',
    ];

    expect(fencedBlocks(markdown.join('\n') + '\n', 'js')).toEqual(['one();\n', 'three();\n']);
  });
});

describe('expectedOutput', () => {
  it('reads what each console.log line says it prints', () => {
    const script = 'console.log(a); // 1\n  console.log(b, c); // true x\nother(); // not output\n';

    expect(expectedOutput(script)).toEqual(['1', 'true x']);
  });
});

describe('importedPackages', () => {
  it('names the packages of static, side-effect, re-export and dynamic imports, subpaths dropped', () => {
    const code = [
      "import { a } from '@scope/pkg/sub';",
      "import type { B } from 'plain';",
      "import 'side-effect';",
      "export * from '@other/lib';",
      "const c = await import('lazy/deep');",
    ].join('\n');

    expect(importedPackages(code).sort()).toEqual(
      ['@other/lib', '@scope/pkg', 'lazy', 'plain', 'side-effect'].sort(),
    );
  });

  it('leaves out relative paths and Node built-ins, with or without node:', () => {
    const code = "import x from './x.js';\nimport fs from 'node:fs';\nimport http from 'http';\n";

    expect(importedPackages(code)).toEqual([]);
  });
});
