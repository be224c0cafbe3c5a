// Runs a python3 snippet that prints JSON and returns the parsed value: the
// reference side of the differential tests that compare step by step.
import { execFileSync } from 'node:child_process'
import { python3 } from './python'

export function py(code: string): any {
  return JSON.parse(execFileSync(python3(), ['-c', code], { encoding: 'utf8', timeout: 60_000 }))
}
