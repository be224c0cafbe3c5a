// The property every function that takes input must hold: a value of any
// type in any argument gives one of Python's exception classes, never a
// crash or another kind of error.
import fc from 'fast-check'

export function onlyPythonErrors(
  calls: Array<(v: any) => unknown>,
  allowed: readonly string[],
  numRuns: number,
  after: () => void = () => {},
): void {
  fc.assert(
    fc.property(
      fc.anything({ withTypedArray: true, withBigInt: true }),
      fc.nat(calls.length - 1),
      (v, i) => {
        try {
          calls[i](v)
        } catch (e) {
          if (!allowed.includes((e as Error).name)) throw e
        }
        after()
        return true
      },
    ),
    { numRuns },
  )
}
