// A test file whose cases may create files (AF_UNIX socket paths) runs in a
// directory of its own, removed afterwards (python3 gets another one: see
// runPython in pydiff.ts).
import type { TestFn } from 'ava'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** Makes `test`'s file run in a fresh scratch directory. */
export function inScratchDir(test: TestFn): void {
  const home = process.cwd()
  const scratch = mkdtempSync(join(tmpdir(), 'pysocket-js-'))
  test.before(() => process.chdir(scratch))
  test.after.always(() => {
    process.chdir(home)
    rmSync(scratch, { recursive: true, force: true })
  })
}
