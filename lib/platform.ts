// What to tell a user whose platform has no prebuilt binary that loads. The
// supported list is package.json's `napi.targets` (the one place it is
// written); each target's name is the suffix of its npm package
// (`pysocket-linux-x64-gnu`).

/** The fields of package.json read here. */
interface Manifest {
  name: string
  version: string
  bugs?: { url?: string }
  napi: { targets: string[] }
}

// Rust's names in a target triple -> Node's `process.arch` / `process.platform`.
const ARCH: Record<string, string> = { x86_64: 'x64', aarch64: 'arm64', i686: 'ia32', armv7: 'arm' }
const SYSTEM: Array<[suffix: string, platform: string, abi: string | null]> = [
  ['apple-darwin', 'darwin', null],
  ['linux-gnu', 'linux', 'gnu'],
  ['linux-musl', 'linux', 'musl'],
  ['windows-msvc', 'win32', 'msvc'],
  ['freebsd', 'freebsd', null],
]

/** `x86_64-unknown-linux-gnu` -> `linux-x64-gnu`, as napi-rs names packages. */
export function targetName(triple: string): string {
  const arch = ARCH[triple.split('-')[0]] ?? triple.split('-')[0]
  const sys = SYSTEM.find(([suffix]) => triple.endsWith(suffix))
  if (!sys) return triple
  const [, platform, abi] = sys
  return abi === null ? `${platform}-${arch}` : `${platform}-${arch}-${abi}`
}

/** Whether this Linux process runs on glibc (else musl); from Node's report. */
function glibc(): boolean {
  try {
    const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } }
    return Boolean(report?.header?.glibcVersionRuntime)
  } catch {
    return true
  }
}

/** This host in the same naming: `linux-x64-gnu`, `darwin-arm64`, `win32-x64-msvc`. */
export function hostName(): string {
  const base = `${process.platform}-${process.arch}`
  if (process.platform === 'linux') return `${base}-${glibc() ? 'gnu' : 'musl'}`
  if (process.platform === 'win32') return `${base}-msvc`
  return base
}

/** The runtime, for the message: `Node.js v22.1.0`, `Bun 1.4.5`, `Deno 2.9.6`. */
function runtime(): string {
  const v = process.versions as Record<string, string | undefined>
  if (v.bun) return `Bun ${v.bun}`
  if (v.deno) return `Deno ${v.deno}`
  return `Node.js ${process.version}`
}

/**
 * The error thrown when the generated loader found no binary that loads:
 * the platform and architecture, the supported list, and what to do. The
 * loader's own error is the `cause`.
 */
export function bindingError(cause: unknown, pkg: Manifest): Error {
  const host = hostName()
  const supported = pkg.napi.targets.map(targetName)
  const lines = [
    `${pkg.name} ${pkg.version} could not load a native binary on this platform: ` +
      `${host} (${process.platform}, ${process.arch}; ${runtime()}).`,
    `Supported platforms: ${supported.join(', ')}.`,
  ]
  let code: string
  if (supported.includes(host)) {
    code = 'PYSOCKET_BINARY_NOT_LOADED'
    lines.push(
      `This platform is supported, but its package ${pkg.name}-${host} did not load. ` +
        'It is an optional dependency: install without --omit=optional / --no-optional, and if ' +
        'the lockfile was made on another platform, delete node_modules and the lockfile and ' +
        'install again. In Electron, keep the .node file out of the asar archive (asarUnpack).',
    )
  } else if (process.platform === 'win32') {
    code = 'PYSOCKET_UNSUPPORTED_PLATFORM'
    lines.push(
      'Windows is not supported yet: the core speaks POSIX sockets and its Winsock port is ' +
        'not written. Use WSL (Linux) meanwhile.',
    )
  } else {
    code = 'PYSOCKET_UNSUPPORTED_PLATFORM'
    lines.push(
      'No binary is published for it. To build one, you need a Rust toolchain: clone the ' +
        'repository, run `npm ci && npm run build`, and ' +
        `tell us at ${pkg.bugs?.url ?? 'the issue tracker'} that you need it.`,
    )
  }
  const detail = cause instanceof Error ? cause.message.split('\n')[0] : String(cause)
  lines.push(`The loader said: ${detail}`)
  return Object.assign(new Error(lines.join('\n'), { cause }), { code })
}
