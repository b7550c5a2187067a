import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { makeTempDir } from '../support/temp-dir.js';
import { findViolations, formatViolations } from './dependency-rules.js';
import { moduleSpecifiers, readImportGraph } from './import-graph.js';

const SOURCE_ROOT = path.resolve(import.meta.dirname, '../../src');

describe('dependency rules between the folders of src/', () => {
  it('src/ breaks none of them', async () => {
    const { files, edges } = await readImportGraph(SOURCE_ROOT);
    assert.ok(files.length > 0 && edges.length > 0, 'the scan found the sources and their imports');
    const unresolved = edges.filter((edge) => !existsSync(path.join(SOURCE_ROOT, edge.target)));
    assert.deepEqual(unresolved, [], 'every relative import resolves to a file, so the rules see real paths');

    const violations = findViolations(edges);
    assert.equal(violations.length, 0, `imports that break the dependency rules:\n${formatViolations(violations)}`);
  });
});

describe('the dependency check itself', () => {
  it('reads static, side-effect, re-export, require, dynamic and type imports, and no strings or comments', () => {
    const text = [
      "import { a } from './a.js';",
      "import type { B } from './b.js';",
      "import './c.js';",
      "export { d } from './d.js';",
      "export * from './e.js';",
      "import f = require('./f.js');",
      "const g = await import('./g.js');",
      "type H = import('./h.js').H;",
      "const text = `import('./not-an-import.js')`;",
      "// import { x } from './commented-out.js';",
      "const url = new URL('./worker.ts', import.meta.url);",
    ].join('\n');
    assert.deepEqual(moduleSpecifiers('fixture.ts', text), ['./a.js', './b.js', './c.js', './d.js', './e.js', './f.js', './g.js', './h.js']);
  });

  it('catches a breach of each rule and names the file and the import', async () => {
    const root = await makeTempDir();
    const fixture: Record<string, string> = {
      'protocols/tus/post.ts': "import { parse } from '../ietf/headers.js';\nimport { Upload } from '../../uploads/upload.js';",
      'protocols/ietf/headers.ts': "export { offset } from '../tus/offset.js';",
      'store/store.ts': "const app = await import('../http/app.js');\nimport { AppError } from '../errors/app-error.js';",
      'uploads/upload.ts': "import type { Handler } from '../protocols/tus/post.js';",
      'csv/read.ts': "type Run = import('../imports/run.js').Run;\nconst text = `import('../http/app.js')`;",
      'aggregator/aggregator.ts':
        "import '../logging/logger.js';\nimport { appError } from '../errors/catalogue.js';\nimport { queue } from './ring-queue.js';",
      'http/app.ts': "import { runCli } from '../cli/run-cli.js';",
      'cli/run-cli.ts': "import { createFerry } from '../ferry.js';\nimport { help } from './help.js';",
      'main.ts': "import { runCli } from './cli/run-cli.js';",
    };
    for (const [file, text] of Object.entries(fixture)) {
      await mkdir(path.dirname(path.join(root, file)), { recursive: true });
      await writeFile(path.join(root, file), text);
    }

    const violations = findViolations((await readImportGraph(root)).edges);
    const found = violations.map(({ file, target }) => `${file} → ${target}`).sort();
    assert.deepEqual(found, [
      'aggregator/aggregator.ts → logging/logger.ts',
      'csv/read.ts → imports/run.ts',
      'http/app.ts → cli/run-cli.ts',
      'protocols/ietf/headers.ts → protocols/tus/offset.ts',
      'protocols/tus/post.ts → protocols/ietf/headers.ts',
      'store/store.ts → http/app.ts',
      'uploads/upload.ts → protocols/tus/post.ts',
    ]);
    const message = formatViolations(violations);
    assert.match(
      message,
      /protocols\/tus does not import protocols\/ietf:\n {2}src\/protocols\/tus\/post\.ts → '\.\.\/ietf\/headers\.js' \(src\/protocols\/ietf\/headers\.ts\)/,
    );
    assert.match(message, /only cli\/ and the entry point main\.ts import cli\/:\n {2}src\/http\/app\.ts → '\.\.\/cli\/run-cli\.js'/);
  });
});
