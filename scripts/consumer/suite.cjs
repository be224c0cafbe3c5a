// The consumer suite from CommonJS: `require('pysocket')`.
'use strict'
const path = require('node:path')
const { pathToFileURL } = require('node:url')
const socket = require('pysocket')
require('./checks.cjs').run(socket, pathToFileURL(path.join(__dirname, 'peer.cjs')))
