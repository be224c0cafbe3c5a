// The options every `socket.loop` function takes last (public: the rest of
// lib/loop/ is internal).

/** The trailing options of every `socket.loop` call. */
export interface LoopOptions {
  /** Aborting rejects the call with the signal's reason; the socket stays usable. */
  signal?: AbortSignal
}
