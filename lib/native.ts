// The generated napi-rs loader (binding.js, written by `napi build`), typed
// by its generated declarations. Where no binary loads, the loader's nested
// errors become one that says what is supported and what to do.
import { bindingError } from './platform'

type Binding = typeof import('../binding.js')

function load(): Binding {
  try {
    return require('../binding.js') as Binding
  } catch (e) {
    throw bindingError(e, require('../package.json'))
  }
}

const binding: Binding = load()

export = binding
