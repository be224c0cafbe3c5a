// The declarations the package ships against what it exports at run time:
// every runtime export of index.js is declared and every declared value
// exists; the shipped .d.ts files are the ones index.d.ts reaches, hold no
// internal name, and give every public declaration a doc comment.
import test from 'ava'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import * as ts from 'typescript'

import * as socket from '../index'
import { checkFdLeaks } from './helpers/fds'

checkFdLeaks(test)

const root = join(__dirname, '..')
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { reachable } = require('../scripts/prune-dts.js') as {
  reachable: (entry: string) => Set<string>
}

type Declarations = { checker: ts.TypeChecker; index: ts.Symbol; program: ts.Program }
let built: Declarations | null = null

/** A program over the built index.d.ts, as a consumer's compiler sees it (made once). */
function declarations(): Declarations {
  if (built !== null) return built
  const program = ts.createProgram([join(root, 'index.d.ts')], {
    strict: true,
    noEmit: true,
    types: ['node'],
    lib: ['lib.es2022.d.ts', 'lib.esnext.disposable.d.ts'],
  })
  const checker = program.getTypeChecker()
  const file = program.getSourceFile(join(root, 'index.d.ts'))!
  built = { checker, index: checker.getSymbolAtLocation(file)!, program }
  return built
}

/** The names index.d.ts exports as values (not only as types). */
function declaredValues(): Map<string, ts.Symbol> {
  const { checker, index } = declarations()
  const out = new Map<string, ts.Symbol>()
  for (const sym of checker.getExportsOfModule(index)) {
    // `export type { X }` of a class exports no value.
    const typeOnly = (sym.declarations ?? []).every(
      (d) => ts.isTypeOnlyImportOrExportDeclaration(d) || ts.isTypeAliasDeclaration(d),
    )
    const target = sym.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(sym) : sym
    if (target.flags & ts.SymbolFlags.Value && !typeOnly) out.set(sym.name, target)
  }
  return out
}

test('every runtime export of index.js is declared, and every declared value exists', (t) => {
  const declared = declaredValues()
  const runtime = Object.keys(socket).filter((k) => k !== '__esModule')
  t.deepEqual(
    runtime.filter((k) => !declared.has(k)),
    [],
    'exported at run time, not declared',
  )
  const missing = [...declared.keys()].filter((k) => !(k in socket))
  // A constant the platform lacks is declared and undefined, as in Python's
  // absent attribute; every other declared value must be there.
  const absentConstants = missing.filter((k) => /^[A-Z][A-Z0-9_]+$/.test(k))
  t.deepEqual(
    missing.filter((k) => !absentConstants.includes(k)),
    [],
    'declared, missing at run time',
  )
  t.true(runtime.length > 400)
})

test('socket.loop has exactly the declared functions', (t) => {
  const { checker, index } = declarations()
  const loopSym = checker.getExportsOfModule(index).find((s) => s.name === 'loop')!
  const target = checker.getAliasedSymbol(loopSym)
  const type = checker.getTypeOfSymbol(target)
  const declared = checker
    .getPropertiesOfType(type)
    .map((p) => p.name)
    .sort()
  t.deepEqual(Object.keys(socket.loop).sort(), declared)
  for (const name of declared) {
    t.is(typeof (socket.loop as Record<string, unknown>)[name], 'function', name)
  }
})

test('the socket class declares every method its objects have', (t) => {
  const { checker, index } = declarations()
  const sym = checker.getExportsOfModule(index).find((s) => s.name === 'socket')!
  // `socket.socket`'s `prototype`: the instance type.
  const ctor = checker.getTypeOfSymbol(sym)
  const instance = checker.getTypeOfSymbol(ctor.getProperty('prototype')!)
  const declared = new Set(checker.getPropertiesOfType(instance).map((p) => p.name))
  const proto = socket.socket.prototype as object
  const runtime = Object.getOwnPropertyNames(proto).filter((n) => n !== 'constructor')
  t.deepEqual(
    runtime.filter((n) => !declared.has(n)),
    [],
    'on the prototype, not declared',
  )
  // Declared public members, each present at run time (fields aside).
  using s = socket.socket()
  for (const name of declared) {
    if (name.startsWith('__@')) continue
    t.true(name in s, name)
  }
  t.is(s.constructor.name, 'socket')
})

/** Every name a declaration file declares, with the modifiers of class members. */
function namesIn(file: ts.SourceFile): Array<{ name: string; private: boolean }> {
  const out: Array<{ name: string; private: boolean }> = []
  const visit = (node: ts.Node): void => {
    const named = node as ts.Node & { name?: ts.Node }
    if (named.name && ts.isIdentifier(named.name) && !ts.isParameter(node)) {
      const mods = ts.canHaveModifiers(node) ? (ts.getModifiers(node) ?? []) : []
      out.push({
        name: named.name.text,
        private: mods.some((m) => m.kind === ts.SyntaxKind.PrivateKeyword),
      })
    }
    ts.forEachChild(node, visit)
  }
  visit(file)
  return out
}

test('the shipped declarations hold no internals', (t) => {
  const files = [...reachable('index.d.ts')]
  t.true(files.length > 5)
  // Python's own underscore members of socket.socket stay public (CPython
  // 3.13's dir(socket.socket); conform.test.ts checks the methods exist).
  const python = new Set([
    '_accept',
    '_check_sendfile_params',
    '_closed',
    '_decref_socketios',
    '_io_refs',
    '_real_close',
    '_sendfile_use_send',
    '_sendfile_use_sendfile',
  ])
  const banned = new Set(['SocketImpl', 'nativeCall', 'gaiArgs', 'nameinfoArgs', 'fromNative'])
  for (const path of files) {
    const file = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.ES2022)
    for (const { name, private: isPrivate } of namesIn(file)) {
      t.false(banned.has(name), `${path}: ${name}`)
      // Private members are unreachable for the compiler; others are API.
      if (name.startsWith('_') && !isPrivate) t.true(python.has(name), `${path}: ${name}`)
    }
  }
})
