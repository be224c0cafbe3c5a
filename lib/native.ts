// The generated napi-rs loader, typed by its generated declarations.
import binding = require('../binding.js')

export = binding
