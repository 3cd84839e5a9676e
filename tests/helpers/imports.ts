/**
 * The import graph of the project's TypeScript, read with the TypeScript parser: every static
 * `import` / `export … from` and every dynamic `import('…')`, with whether it is type-only (erased at
 * run time). Used by the architecture test to hold the layering rules ARCHITECTURE.md states.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

/** One import edge. `to` is a project-relative `.ts` path or a bare package specifier. */
export interface ImportEdge {
  from: string;
  to: string;
  /** Erased at run time (`import type`, or every named binding is `type`). */
  typeOnly: boolean;
  /** `import('…')` — loaded when the code runs, not when the module loads. */
  dynamic: boolean;
}

/** Every `.ts` file under `dirs` (project-relative, `/`-separated), generated files included. */
export function sourceFiles(root: string, dirs: string[]): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) {
        if (name !== 'node_modules') walk(p);
      } else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) {
        out.push(relative(root, p).split(sep).join('/'));
      }
    }
  };
  for (const d of dirs) if (existsSync(join(root, d))) walk(join(root, d));
  return out.sort();
}

function resolveSpecifier(root: string, from: string, spec: string): string {
  if (!spec.startsWith('.')) return spec;
  const abs = resolve(root, dirname(from), spec);
  const candidates = [abs.replace(/\.js$/, '.ts'), `${abs}.ts`, join(abs, 'index.ts')];
  const hit = candidates.find((c) => existsSync(c) && statSync(c).isFile()) ?? candidates[0]!;
  return relative(root, hit).split(sep).join('/');
}

/** The imports of one source text (`file` is its project-relative path). */
export function importsOf(root: string, file: string, text: string): ImportEdge[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const edges: ImportEdge[] = [];
  const add = (spec: string, typeOnly: boolean, dynamic: boolean): void => {
    edges.push({ from: file, to: resolveSpecifier(root, file, spec), typeOnly, dynamic });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      let typeOnly = false;
      if (clause) {
        if (clause.isTypeOnly) typeOnly = true;
        else if (!clause.name && clause.namedBindings && ts.isNamedImports(clause.namedBindings)) {
          const els = clause.namedBindings.elements;
          typeOnly = els.length > 0 && els.every((e) => e.isTypeOnly);
        }
      }
      add(node.moduleSpecifier.text, typeOnly, false);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      let typeOnly = node.isTypeOnly;
      if (!typeOnly && node.exportClause && ts.isNamedExports(node.exportClause)) {
        const els = node.exportClause.elements;
        typeOnly = els.length > 0 && els.every((e) => e.isTypeOnly);
      }
      add(node.moduleSpecifier.text, typeOnly, false);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments;
      if (arg && ts.isStringLiteralLike(arg)) add(arg.text, false, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return edges;
}

/** The import graph of the given files. */
export function importGraph(root: string, files: string[]): ImportEdge[] {
  return files.flatMap((f) => importsOf(root, f, readFileSync(join(root, f), 'utf8')));
}

/** Strongly connected components with more than one file (Tarjan), each sorted. */
export function importCycles(edges: ImportEdge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const e of edges) if (e.to.endsWith('.ts')) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  let counter = 0;
  const strong = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1) out.push(comp.sort());
    }
  };
  for (const v of new Set(edges.map((e) => e.from))) if (!index.has(v)) strong(v);
  return out;
}

/**
 * What a module pulls in when it loads: the closure over static, non-type imports (dynamic imports
 * and type-only imports are not followed). Maps each reached file or package to the path that reached it.
 */
export function loadClosure(edges: ImportEdge[], start: string): Map<string, string[]> {
  const next = new Map<string, ImportEdge[]>();
  for (const e of edges) if (!e.typeOnly && !e.dynamic) next.set(e.from, [...(next.get(e.from) ?? []), e]);
  const reached = new Map<string, string[]>([[start, [start]]]);
  const queue = [start];
  while (queue.length) {
    const f = queue.shift()!;
    for (const e of next.get(f) ?? []) {
      if (reached.has(e.to)) continue;
      reached.set(e.to, [...reached.get(f)!, e.to]);
      queue.push(e.to);
    }
  }
  return reached;
}
