// `npm run pack:local`: writes into pack/ every tarball that a release
// would publish for this machine: the root package, with the
// optionalDependencies that `napi prepublish` adds, and this platform's
// package (npm/<platform>/) with its .node inside. Prints their paths.
// Needs a build first (`npm run build`); builds nothing itself.
'use strict'
const fs = require('node:fs')
const path = require('node:path')
const { execFileSync } = require('node:child_process')

const root = path.join(__dirname, '..')
const out = path.join(root, 'pack')
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'))

/** napi-rs's names of the targets (`linux-x64-gnu`), by the package's own mapping. */
function targetNames() {
  const platform = path.join(root, 'lib', 'platform.js')
  if (!fs.existsSync(platform)) throw new Error('pack:local: run `npm run build` first')
  const { targetName, hostName } = require(platform)
  return { names: pkg.napi.targets.map(targetName), host: hostName() }
}

/** This machine's target among napi.targets. */
function hostTarget() {
  const { names, host } = targetNames()
  if (!names.includes(host))
    throw new Error(`pack:local: ${host} is not in package.json napi.targets`)
  return host
}

/** `npm pack` of `dir` into pack/; the tarball's path. */
function npmPack(dir) {
  const json = execFileSync(
    'npm',
    ['pack', '--json', '--ignore-scripts', '--pack-destination', out, dir],
    { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  )
  return path.join(out, JSON.parse(json)[0].filename)
}

/** Copies `files` (relative to the root) into `dir`. */
function copyInto(dir, files) {
  for (const f of files) {
    fs.mkdirSync(path.join(dir, path.dirname(f)), { recursive: true })
    fs.copyFileSync(path.join(root, f), path.join(dir, f))
  }
}

function main() {
  const target = hostTarget()
  const binary = `${pkg.napi.binaryName}.${target}.node`
  for (const f of ['index.js', 'index.mjs', 'binding.js', binary]) {
    if (!fs.existsSync(path.join(root, f))) {
      throw new Error(`pack:local: ${f} is missing; run \`npm run build\` first`)
    }
  }
  fs.rmSync(out, { recursive: true, force: true })
  const stage = path.join(out, 'stage')

  // The platform package: npm/<platform>/ with the binary, as
  // `napi artifacts` lays it out before `napi prepublish` publishes it.
  const platDir = path.join(stage, target)
  const npmDir = path.join('npm', target)
  copyInto(
    stage,
    fs.readdirSync(path.join(root, npmDir)).map((f) => path.join(npmDir, f)),
  )
  fs.renameSync(path.join(stage, npmDir), platDir)
  fs.copyFileSync(path.join(root, binary), path.join(platDir, binary))
  const platPkg = JSON.parse(fs.readFileSync(path.join(platDir, 'package.json'), 'utf8'))
  if (platPkg.version !== pkg.version) {
    throw new Error(`pack:local: ${npmDir} is at ${platPkg.version}, the root at ${pkg.version}`)
  }

  // The root package: the files `npm pack` would take, and the manifest
  // with every target's package as an optional dependency.
  const listed = JSON.parse(
    execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  )[0].files.map((f) => f.path)
  const rootDir = path.join(stage, 'root')
  copyInto(
    rootDir,
    listed.filter((f) => f !== 'package.json'),
  )
  const manifest = { ...pkg, optionalDependencies: { ...pkg.optionalDependencies } }
  for (const name of targetNames().names) {
    manifest.optionalDependencies[`${pkg.name}-${name}`] = pkg.version
  }
  fs.writeFileSync(path.join(rootDir, 'package.json'), JSON.stringify(manifest, null, 2) + '\n')

  const tarballs = [npmPack(rootDir), npmPack(platDir)]
  fs.rmSync(stage, { recursive: true, force: true })
  for (const t of tarballs) console.log(path.relative(process.cwd(), t) || t)
}

main()
