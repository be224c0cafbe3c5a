// Deletes the declaration files under lib/ that index.d.ts does not reach,
// so that the package ships the declarations of its public API only: tsc
// writes one .d.ts per module, and the internal modules (argument checks,
// the loop's waiters, the addon's raw functions) are no part of the API.
// Run after tsc; __test__/exports.test.ts checks what is left.
'use strict'
const fs = require('node:fs')
const path = require('node:path')

const root = path.join(__dirname, '..')

/** The .d.ts files reachable from `entry` through relative imports and re-exports. */
function reachable(entry) {
  const seen = new Set()
  const queue = [path.join(root, entry)]
  while (queue.length > 0) {
    const file = queue.shift()
    if (seen.has(file)) continue
    seen.add(file)
    const text = fs.readFileSync(file, 'utf8')
    // tsc writes `from './x'` but `import("./x")` in inferred types.
    for (const m of text.matchAll(/(?:from |import\(|require\()(['"])(\.{1,2}\/[^'"]*)\1/g)) {
      const base = path.resolve(path.dirname(file), m[2])
      const found = [`${base}.d.ts`, path.join(base, 'index.d.ts')].find((f) => fs.existsSync(f))
      if (found) queue.push(found)
    }
  }
  return seen
}

function declarations(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name)
    if (e.isDirectory()) return declarations(p)
    return e.name.endsWith('.d.ts') ? [p] : []
  })
}

module.exports = { reachable }

if (require.main === module) {
  const keep = reachable('index.d.ts')
  for (const file of declarations(path.join(root, 'lib'))) {
    if (!keep.has(file)) fs.unlinkSync(file)
  }
}
