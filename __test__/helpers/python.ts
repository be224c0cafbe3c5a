// The reference interpreter of the differential tests: CPython 3.13. Found
// once per test process, in this order: $PYSOCKET_PYTHON; `python3.13` on
// PATH; pyenv's 3.13 (`pyenv prefix 3.13.0`, then any installed 3.13.x);
// `python3` when it is 3.13 (CI's setup-python). Anything else is a clear
// failure, not a silent run against another version: messages changed
// between 3.11 and 3.13 and the tests follow 3.13.
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

function pyenvCandidates(): string[] {
  const out: string[] = []
  try {
    const prefix = execFileSync('pyenv', ['prefix', '3.13.0'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim()
    out.push(join(prefix, 'bin', 'python3'))
  } catch {
    // no pyenv, or no 3.13.0 in it
  }
  const root = process.env.PYENV_ROOT ?? join(process.env.HOME ?? '/root', '.pyenv')
  const versions = join(root, 'versions')
  if (existsSync(versions)) {
    for (const v of readdirSync(versions).sort().reverse()) {
      if (v.startsWith(WANTED + '.')) out.push(join(versions, v, 'bin', 'python3'))
    }
  }
  return out
}

function find(): string {
  const tried: string[] = []
  const candidates = [
    ...(process.env.PYSOCKET_PYTHON ? [process.env.PYSOCKET_PYTHON] : []),
    'python3.13',
    ...pyenvCandidates(),
    'python3',
  ]
  for (const exe of candidates) {
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
