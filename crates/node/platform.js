'use strict'
// Which platform package (napi-rs layout: ssokit-<platform>, an optional dependency of
// `ssokit`) holds this machine's native addon and `ssokit` binary, and the errors that
// say what to install or build when it is missing. Used by ssokit.js and bin/ssokit.js.

const fs = require('node:fs')
const path = require('node:path')

/** The napi-rs platform suffix of this machine: linux-x64-gnu, darwin-arm64, ... */
function platformSuffix () {
  const { platform, arch } = process
  if (platform === 'linux') {
    const report = typeof process.report?.getReport === 'function' ? process.report.getReport() : null
    const glibc = report?.header?.glibcVersionRuntime
    return `linux-${arch}-${glibc ? 'gnu' : 'musl'}`
  }
  if (platform === 'win32') return `win32-${arch}-msvc`
  return `${platform}-${arch}`
}

/** The name of the platform package for this machine. */
function platformPackage () {
  return `ssokit-${platformSuffix()}`
}

const BUILD_HINT =
  'or build from a source checkout (needs Rust 1.95): `cd crates/node && npm ci && npm run build`; ' +
  'docs/node.md says how to install from dist/'

/** The error for "no native addon could be loaded", with the original as `cause`. */
function missingAddonError (cause) {
  const pkg = platformPackage()
  const sourceCheckout = !fs.existsSync(path.join(__dirname, 'index.js'))
  const message = sourceCheckout
    ? `ssokit has no built native addon here (${path.join(__dirname, 'index.js')} is missing): ` +
      'run `npm ci && npm run build` in crates/node (needs Rust 1.95), or install ssokit from ' +
      'the packages that scripts/dist.sh builds (docs/node.md)'
    : `ssokit cannot load its native addon for ${platformSuffix()}: install the platform package ` +
      `next to ssokit, \`npm install ${pkg}\` (npm leaves it out when optional dependencies ` +
      'are omitted, e.g. `--omit=optional`, or when the lock file was made on another platform), ' +
      BUILD_HINT
  const err = new Error(`${message}.`, { cause })
  err.code = 'SSOKIT_NO_NATIVE_ADDON'
  return err
}

/** The path of the platform package's `ssokit` binary; throws a clear error when absent. */
function binaryPath () {
  const pkg = platformPackage()
  const exe = process.platform === 'win32' ? 'ssokit.exe' : 'ssokit'
  try {
    return require.resolve(`${pkg}/${exe}`)
  } catch (cause) {
    const err = new Error(
      `no \`${exe}\` binary for ${platformSuffix()}: the package ${pkg} is not installed. ` +
        `Install it next to ssokit: \`npm install ${pkg}\`, ${BUILD_HINT}.`,
      { cause }
    )
    err.code = 'SSOKIT_NO_BINARY'
    throw err
  }
}

module.exports = { platformSuffix, platformPackage, missingAddonError, binaryPath }
