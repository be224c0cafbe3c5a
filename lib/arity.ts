// CPython's messages for a call with the wrong number of arguments. A
// trailing `undefined` counts as omitted, as JavaScript callers expect.

/** The number of arguments given, trailing undefined not counted. */
export function given(args: ArrayLike<unknown>): number {
  let n = args.length
  while (n > 0 && args[n - 1] === undefined) n--
  return n
}

const plural = (n: number) => (n === 1 ? '' : 's')

/** PyArg_ParseTuple's checks (`fn() takes exactly 1 argument (0 given)`). */
export function arity(fn: string, args: ArrayLike<unknown>, min: number, max = min): void {
  const n = given(args)
  if (n >= min && n <= max) return
  if (min === max) {
    throw new TypeError(`${fn}() takes exactly ${min} argument${plural(min)} (${n} given)`)
  }
  if (n < min) {
    throw new TypeError(`${fn}() takes at least ${min} argument${plural(min)} (${n} given)`)
  }
  throw new TypeError(`${fn}() takes at most ${max} argument${plural(max)} (${n} given)`)
}

/** A METH_O function's check (`_socket.fn() takes exactly one argument`). */
export function oneArg(fn: string, args: ArrayLike<unknown>): void {
  const n = given(args)
  if (n !== 1) throw new TypeError(`_socket.${fn}() takes exactly one argument (${n} given)`)
}

/** A METH_NOARGS function's check. */
export function noArgs(fn: string, args: ArrayLike<unknown>): void {
  const n = given(args)
  if (n !== 0) throw new TypeError(`_socket.${fn}() takes no arguments (${n} given)`)
}
