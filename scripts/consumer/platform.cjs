// The error on a platform without a binary: this process pretends to be
// `PLATFORM`/`ARCH` (argv) before loading pysocket, and prints the error's
// code and message as JSON.
'use strict'
const [platform, arch] = process.argv.slice(2)
Object.defineProperty(process, 'platform', { value: platform })
Object.defineProperty(process, 'arch', { value: arch })
try {
  require('pysocket')
  console.log(JSON.stringify({ loaded: true }))
} catch (e) {
  console.log(JSON.stringify({ code: e.code, message: e.message }))
}
