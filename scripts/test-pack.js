// `npm run test:pack`: installs the tarballs of `npm run pack:local` into an
// empty project in a temporary folder and runs the consumer suite there
// (scripts/consumer/), from CommonJS and from ESM, under every runtime of
// scripts/runtimes.js: Node 20, 22, 24, 26, Bun and Deno. Each run has no
// Rust toolchain on PATH, its own process group, and a time limit; it
// fails on a non-zero exit, a signal, a crash message on stderr (panic,
// abort, memory error) or a process left behind. Both pollers are tested
// where the runtime offers both. Ends with `N passed, N failed`.
'use strict'
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { spawn, execFileSync } = require('node:child_process')
const { runtimes, version } = require('./runtimes')

const root = path.join(__dirname, '..')
const packDir = path.join(root, 'pack')
const consumer = path.join(__dirname, 'consumer')
const LIMIT_MS = 120_000
// What a runtime prints when it crashes instead of failing a check.
const CRASH =
  /panic\(|panicked at|unsupported uv function|double free|corruption \(|Segmentation fault|SIGSEGV|SIGABRT|core dumped|AddressSanitizer|malloc\(\): |free\(\): invalid/

/** The tarballs pack:local wrote: the root package and this platform's. */
function tarballs() {
  const files = fs.existsSync(packDir)
    ? fs.readdirSync(packDir).filter((f) => f.endsWith('.tgz'))
    : []
  if (files.length < 2) throw new Error('test:pack: no tarballs in pack/; run `npm run pack:local`')
  return files.map((f) => path.join(packDir, f))
}

/** PATH without any folder that holds cargo or rustc. */
function pathWithoutRust() {
  return (process.env.PATH || '')
    .split(path.delimiter)
    .filter((dir) => !['cargo', 'rustc'].some((t) => fs.existsSync(path.join(dir, t))))
    .join(path.delimiter)
}

/** The empty project with the tarballs installed; its folder. */
function project(files) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pysocket-consumer-'))
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, version: '1.0.0' }, null, 2) + '\n',
  )
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...files], {
    cwd: dir,
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  for (const f of fs.readdirSync(consumer))
    fs.copyFileSync(path.join(consumer, f), path.join(dir, f))
  return dir
}

/**
 * Runs `args` with `rt` in `cwd`, in a process group of its own; resolves
 * with its exit code, signal, output, and whether a process of the group
 * was still alive after it exited (then the group is killed).
 */
function runIn(rt, args, cwd, env) {
  return new Promise((resolve) => {
    const child = spawn(rt.bin, [...rt.args, ...args], {
      cwd,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    const timer = setTimeout(() => {
      stderr += `\n(killed after ${LIMIT_MS} ms)`
      try {
        process.kill(-child.pid, 'SIGKILL')
      } catch {}
    }, LIMIT_MS)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      let leaked = false
      try {
        process.kill(-child.pid, 0)
        leaked = true
        process.kill(-child.pid, 'SIGKILL')
      } catch {}
      resolve({ code, signal, stdout, stderr, leaked })
    })
  })
}

/** Every run: [label, runtime, script args, extra env, judge(result) -> failures]. */
function plan(list) {
  const runs = []
  const suite = (r) => {
    const fails = (r.stdout.match(/^not ok .*/gm) || []).slice()
    if (!/^\d+ passed, 0 failed$/m.test(r.stdout)) fails.push('no clean closing line')
    return fails
  }
  for (const rt of list) {
    const isNode = rt.name.startsWith('node')
    // Node offers both pollers (libuv's, which the probe picks, and the
    // reactor thread); Bun and Deno get the reactor thread from the probe.
    const pollers = isNode ? ['auto', 'thread'] : ['auto']
    for (const poller of pollers) {
      for (const entry of ['suite.cjs', 'suite.mjs']) {
        const env = poller === 'auto' ? {} : { PYSOCKET_LOOP_POLLER: poller }
        runs.push([`${rt.name} ${entry} poller=${poller}`, rt, [entry], env, suite])
      }
    }
    // Exit while loop calls wait, with each poller the runtime can run.
    // Deno's libuv emulation is forced here too: its teardown once crashed.
    const teardownPollers = rt.name === 'bun' ? ['auto'] : ['auto', 'thread', 'uv']
    for (const poller of teardownPollers) {
      for (const entry of ['teardown.cjs', 'teardown.mjs']) {
        for (const mode of ['exit', 'natural']) {
          const env = poller === 'auto' ? {} : { PYSOCKET_LOOP_POLLER: poller }
          runs.push([
            `${rt.name} ${entry} ${mode} poller=${poller}`,
            rt,
            [entry, mode],
            env,
            (r) => (/^teardown ok$/m.test(r.stdout) ? [] : ['no "teardown ok"']),
          ])
        }
      }
    }
    // The package's examples (README: `npm run example`), from the install.
    runs.push([
      `${rt.name} examples/echo.js`,
      rt,
      ['node_modules/pysocket/examples/echo.js'],
      {},
      (r) =>
        (r.stdout.match(/^Received b'Hello, world'$/gm) || []).length === 2
          ? []
          : ['the echo programs did not print their two replies'],
    ])
    if (isNode) runs.push(...platformRuns(rt))
  }
  return runs
}

/** The unsupported-platform error, seen from Node pretending to be elsewhere. */
function platformRuns(rt) {
  const judge = (expect) => (r) => {
    let got
    try {
      got = JSON.parse(r.stdout.trim().split('\n').pop())
    } catch {
      return ['no JSON from platform.cjs']
    }
    const fails = []
    if (got.code !== expect.code) fails.push(`code ${got.code}, expected ${expect.code}`)
    for (const text of expect.says) {
      if (!String(got.message).includes(text)) fails.push(`message lacks ${JSON.stringify(text)}`)
    }
    if (/wasm32-wasi|wasi/.test(got.message)) fails.push('message names a wasi package')
    return fails
  }
  const supported = 'Supported platforms: linux-x64-gnu'
  return [
    [
      `${rt.name} error on win32 x64`,
      rt,
      ['platform.cjs', 'win32', 'x64'],
      {},
      judge({
        code: 'PYSOCKET_UNSUPPORTED_PLATFORM',
        says: ['win32-x64-msvc (win32, x64', supported, 'Windows is not supported yet'],
      }),
    ],
    [
      `${rt.name} error on freebsd x64`,
      rt,
      ['platform.cjs', 'freebsd', 'x64'],
      {},
      judge({
        code: 'PYSOCKET_UNSUPPORTED_PLATFORM',
        says: ['freebsd-x64 (freebsd, x64', supported, 'Rust toolchain'],
      }),
    ],
    [
      `${rt.name} error on linux s390x`,
      rt,
      ['platform.cjs', 'linux', 's390x'],
      {},
      judge({ code: 'PYSOCKET_UNSUPPORTED_PLATFORM', says: ['linux-s390x', supported] }),
    ],
  ]
}

/** What the installed root package must be: failures, as text. */
function manifestFailures(dir) {
  const installed = path.join(dir, 'node_modules', 'pysocket')
  const pkg = JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8'))
  const fails = []
  for (const script of ['preinstall', 'install', 'postinstall', 'prepare']) {
    if (pkg.scripts && pkg.scripts[script]) fails.push(`the manifest has an ${script} script`)
  }
  for (const file of ['LICENSE', 'README.md', 'index.js', 'index.mjs', 'index.d.ts', 'docs']) {
    if (!fs.existsSync(path.join(installed, file))) fails.push(`${file} is not in the package`)
  }
  if (fs.readdirSync(installed).some((f) => f.endsWith('.node'))) {
    fails.push('the root package carries a .node file')
  }
  const { targetName } = require(path.join(installed, 'lib', 'platform.js'))
  for (const triple of pkg.napi.targets) {
    const name = `${pkg.name}-${targetName(triple)}`
    if (pkg.optionalDependencies?.[name] !== pkg.version) {
      fails.push(`optionalDependencies lacks ${name}@${pkg.version}`)
    }
  }
  return fails
}

async function main() {
  const files = tarballs()
  const list = runtimes()
  const dir = project(files)
  const env = { ...process.env, PATH: pathWithoutRust(), NO_COLOR: '1' }
  delete env.PYSOCKET_LOOP_POLLER
  for (const rt of list) console.log(`# ${rt.name}: ${version(rt)}`)
  console.log(`# consumer project: ${dir}`)
  let passed = 0
  let failed = 0
  const manifest = manifestFailures(dir)
  if (manifest.length === 0) {
    passed++
    console.log('ok the installed manifest and files')
  } else {
    failed++
    console.log(`not ok the installed manifest and files: ${manifest.join('; ')}`)
  }
  for (const [label, rt, args, extra, judge] of plan(list)) {
    const r = await runIn(rt, args, dir, { ...env, ...extra })
    const fails = judge(r)
    if (r.code !== 0 || r.signal) fails.push(`exit code ${r.code}, signal ${r.signal}`)
    const crash = (r.stdout + r.stderr).match(CRASH)
    if (crash) fails.push(`crash output: ${crash[0]}`)
    if (r.leaked) fails.push('a process of its group outlived it')
    if (fails.length === 0) {
      passed++
      console.log(`ok ${label}`)
    } else {
      failed++
      console.log(`not ok ${label}: ${fails.join('; ')}`)
      const out = (r.stdout + '\n' + r.stderr).trim().split('\n').slice(-30)
      for (const line of out) console.log(`#   ${line}`)
    }
  }
  fs.rmSync(dir, { recursive: true, force: true })
  console.log(`${passed} passed, ${failed} failed`)
  process.exitCode = failed === 0 ? 0 : 1
}

main().catch((e) => {
  console.error(e)
  process.exitCode = 1
})
