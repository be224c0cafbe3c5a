// The reference interpreter of the differential tests: CPython 3.13. Found
// once per test process, in this order: $PYSOCKET_PYTHON (which must be
// 3.13); pyenv's newest installed 3.13.x; `python3.13` on PATH; `pyenv
// prefix 3.13.0`; `python3` when it is 3.13 (CI's setup-python). Anything
// else is a clear failure, not a silent run against another version:
// messages changed between 3.11 and 3.13 and the tests follow 3.13.
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'

const WANTED = '3.13'

function versionOf(exe: string): string | null {
  try {
    return execFileSync(exe, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim()
  } catch {
    return null
  }
}

/** pyenv's installed 3.13.x, by directory (no process started: pyenv's shims are slow). */
function pyenvInstalled(): string[] {
  const root = process.env.PYENV_ROOT ?? join(process.env.HOME ?? '/root', '.pyenv')
  const versions = join(root, 'versions')
  if (!existsSync(versions)) return []
  return readdirSync(versions)
    .filter((v) => v.startsWith(WANTED + '.'))
    .sort()
    .reverse()
    .map((v) => join(versions, v, 'bin', 'python3'))
    .filter((exe) => existsSync(exe))
}

/** `pyenv prefix 3.13.0`, for a pyenv whose versions live elsewhere. */
function pyenvPrefix(): string[] {
  try {
    const prefix = execFileSync('pyenv', ['prefix', '3.13.0'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim()
    return [join(prefix, 'bin', 'python3')]
  } catch {
    return [] // no pyenv, or no 3.13.0 in it
  }
}

function find(): string {
  const explicit = process.env.PYSOCKET_PYTHON
  if (explicit) {
    const v = versionOf(explicit)
    if (v === WANTED) return explicit
    throw new Error(`PYSOCKET_PYTHON=${explicit} is Python ${v ?? '(not found)'}, not ${WANTED}`)
  }
  // A pyenv 3.13.x directory names its version: no need to run it.
  const installed = pyenvInstalled()
  if (installed.length > 0) return installed[0]
  const tried: string[] = []
  for (const exe of ['python3.13', ...pyenvPrefix(), 'python3']) {
    const v = versionOf(exe)
    if (v === WANTED) return exe
    tried.push(`${exe} (${v ?? 'not found'})`)
  }
  throw new Error(
    `the differential tests need CPython ${WANTED}; tried ${tried.join(', ')}. ` +
      `Install it (pyenv install 3.13.0, or setup-python 3.13 in CI) or set PYSOCKET_PYTHON.`,
  )
}

let found: string | undefined

/** The path (or command name) of CPython 3.13, found once; throws when there is none. */
export function python3(): string {
  found ??= find()
  return found
}
