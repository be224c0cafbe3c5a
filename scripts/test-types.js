// The type tests: compiles the programs of __test__/types (which import
// 'pysocket') with `tsc --noEmit` under `strict`, once with
// `module: nodenext` and once with `moduleResolution: bundler`, against the
// declarations exactly as the package ships them: the files `npm pack`
// lists, installed into a scratch node_modules. Wrong code is marked there
// with `// @ts-expect-error`, so it must fail to compile.
'use strict'
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { execFileSync } = require('node:child_process')

const root = path.join(__dirname, '..')
const corpus = path.join(root, '__test__', 'types')
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'

/** The files of the package, as `npm pack` would put them in the tarball. */
function packedFiles() {
  const out = execFileSync(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: root,
    encoding: 'utf8',
  })
  return JSON.parse(out)[0].files.map((f) => f.path)
}

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'pysocket-types-'))
try {
  const pkg = path.join(scratch, 'node_modules', 'pysocket')
  for (const file of packedFiles()) {
    fs.mkdirSync(path.dirname(path.join(pkg, file)), { recursive: true })
    fs.copyFileSync(path.join(root, file), path.join(pkg, file))
  }
  fs.symlinkSync(
    path.join(root, 'node_modules', '@types'),
    path.join(scratch, 'node_modules', '@types'),
  )
  // ES modules, as most TypeScript programs are now written.
  fs.writeFileSync(path.join(scratch, 'package.json'), JSON.stringify({ type: 'module' }))
  for (const f of fs.readdirSync(corpus)) {
    fs.copyFileSync(path.join(corpus, f), path.join(scratch, f))
  }
  // The examples that use the package as its users do (by name).
  const examples = path.join(root, 'examples')
  for (const f of fs
    .readdirSync(examples)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))) {
    const text = fs.readFileSync(path.join(examples, f), 'utf8')
    const imports = [...text.matchAll(/from '([^']+)'/g)].map((m) => m[1])
    if (imports.every((m) => m === 'pysocket' || m.startsWith('node:'))) {
      fs.copyFileSync(path.join(examples, f), path.join(scratch, `example_${f}`))
    }
  }
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc')
  let failed = false
  for (const config of ['tsconfig.nodenext.json', 'tsconfig.bundler.json']) {
    try {
      execFileSync(process.execPath, [tsc, '-p', config], { cwd: scratch, stdio: 'inherit' })
      console.log(`types: ${config}: ok`)
    } catch {
      console.error(`types: ${config}: failed`)
      failed = true
    }
  }
  if (failed) process.exitCode = 1
} finally {
  fs.rmSync(scratch, { recursive: true, force: true })
}
