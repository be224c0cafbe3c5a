// File system names as Python encodes them (PEP 383); the conversion lives
// with the other str -> bytes conversions in ./unicode.
export { fsencode, UnicodeEncodeError } from './unicode'
