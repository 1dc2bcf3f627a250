'use strict'
// Shared test helpers: an emulator per test file and temporary AWS homes that point
// at it. Nothing here reads the real ~/.aws or reaches the network.

const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')

const ssokit = require('..')

const homes = []

/** A fresh temporary AWS home with the emulator's config: its `env` option. */
function freshHome (emu) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ssokit-node-test-'))
  homes.push(home)
  fs.mkdirSync(path.join(home, '.aws'))
  fs.copyFileSync(emu.configFile, path.join(home, '.aws', 'config'))
  const env = { ...emu.env(), HOME: home, USERPROFILE: home }
  env.AWS_CONFIG_FILE = path.join(home, '.aws', 'config')
  env.AWS_SHARED_CREDENTIALS_FILE = path.join(home, '.aws', 'credentials')
  return env
}

/** Removes every home made by `freshHome`. */
function removeHomes () {
  for (const home of homes.splice(0)) fs.rmSync(home, { recursive: true, force: true })
}

/** Logs in to the emulator's `emulator` session, approving through `onPrompt`. */
function loginApproved (emu, env, options = {}) {
  return ssokit.login({
    timeout: 60000,
    env,
    openBrowser: false,
    onPrompt: (p) => emu.approve(p.userCode),
    ...options
  })
}

/** How many requests of this operation the emulator served. */
function count (emu, operation) {
  return emu.requestLog().filter((r) => r.operation === operation).length
}

module.exports = { ssokit, freshHome, removeHomes, loginApproved, count }
