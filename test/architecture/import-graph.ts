import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import ts from 'typescript';

/** One import of a module by a file: both paths relative to the source root, '/'-separated. */
export interface ImportEdge {
  file: string;
  /** The module as written in the file. */
  specifier: string;
  /** The imported file, for a relative specifier (which may point outside the root: '../…'). */
  target: string;
}

/**
 * Every module specifier in a TypeScript source: static `import … from`, side-effect
 * `import '…'`, `export … from`, `import x = require('…')`, dynamic `import('…')` and
 * `import('…')` types. Read from the syntax tree, so strings and comments that merely
 * look like imports are not counted.
 */
export function moduleSpecifiers(fileName: string, text: string): string[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const specifiers: string[] = [];
  const addLiteral = (node: ts.Node | undefined): void => {
    if (node !== undefined && ts.isStringLiteralLike(node)) specifiers.push(node.text);
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) addLiteral(node.moduleSpecifier);
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) addLiteral(node.moduleReference.expression);
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) addLiteral(node.arguments[0]);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) addLiteral(node.argument.literal);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return specifiers;
}

/** The relative imports of every .ts file under `root` (packages and `node:` modules are left out). */
export async function readImportGraph(root: string): Promise<{ files: string[]; edges: ImportEdge[] }> {
  const files = (await readdir(root, { recursive: true }))
    .filter((name) => name.endsWith('.ts'))
    .map((name) => name.split(path.sep).join('/'))
    .sort();
  const edges: ImportEdge[] = [];
  for (const file of files) {
    const text = await readFile(path.join(root, file), 'utf8');
    for (const specifier of moduleSpecifiers(file, text)) {
      if (!specifier.startsWith('.')) continue;
      edges.push({ file, specifier, target: resolveRelative(root, file, specifier) });
    }
  }
  return { files, edges };
}

/** NodeNext style: `./x.js` names the source `./x.ts`; a specifier that names a real file stays as it is. */
function resolveRelative(root: string, file: string, specifier: string): string {
  const joined = path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier));
  if (joined.endsWith('.js') && !existsSync(path.join(root, joined))) return `${joined.slice(0, -'.js'.length)}.ts`;
  return joined;
}
