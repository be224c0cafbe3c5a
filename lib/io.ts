// The io module's pieces that socket.makefile() needs: its exceptions,
// DEFAULT_BUFFER_SIZE, and the errnos that mean "would block".
import { OSError } from './errors'
import { constants as osConstants } from 'node:os'

/** io.DEFAULT_BUFFER_SIZE */
export const DEFAULT_BUFFER_SIZE = 8192

/** Python's io.UnsupportedOperation (an OSError and a ValueError there). */
export class UnsupportedOperation extends OSError {}
Object.defineProperty(UnsupportedOperation.prototype, 'name', { value: 'UnsupportedOperation' })

/** Python's LookupError, for an unknown encoding or error handler. */
/** @internal */
export class LookupError extends Error {}
Object.defineProperty(LookupError.prototype, 'name', { value: 'LookupError' })

export { UnicodeDecodeError } from './unicode'

const BLOCKING = new Set([osConstants.errno.EAGAIN, osConstants.errno.EWOULDBLOCK])

/** @internal */
export function isBlocking(e: unknown): boolean {
  return e instanceof OSError && e.errno !== null && BLOCKING.has(e.errno)
}
