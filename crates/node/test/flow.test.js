'use strict'
// login's `flow` option: PKCE against the embedded emulator (which approves
// `GET /authorize` at once by redirecting to ssokit's loopback listener), the device
// code on request, and `auto` choosing from the environment and saying why.

const { test, before, after } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')

const { ssokit, freshHome, removeHomes, count } = require('./helpers')

let emu
before(async () => { emu = await ssokit.Emulator.start({ autoApproveAfterPolls: 0 }) })
after(async () => {
  await emu.stop()
  removeHomes()
})

// Plays the browser: follows the authorize page's redirect to the loopback callback.
function browse (url, pages) {
  pages.push(fetch(url).then(async (res) => ({ status: res.status, url: res.url, body: await res.text() })))
}

test('flow: pkce logs in through the loopback listener and writes the token', async () => {
  const env = freshHome(emu)
  const prompts = []
  const pages = []
  const result = await ssokit.login({
    timeout: 60000,
    env,
    flow: 'pkce',
    openBrowser: false,
    onPrompt: (p) => {
      prompts.push(p)
      browse(p.authorizeUrl, pages)
    }
  })
  assert.equal(prompts.length, 1)
  assert.deepEqual(Object.keys(prompts[0]).sort(), ['authorizeUrl', 'browserOpened', 'flow', 'text'])
  assert.equal(prompts[0].flow, 'pkce')
  assert.equal(prompts[0].browserOpened, false)
  // The core's text, as `ssokit login` prints it.
  assert.equal(
    prompts[0].text,
    `Open this URL in a browser on this machine and approve the request:\n\n${prompts[0].authorizeUrl}\n`
  )
  const authorize = new URL(prompts[0].authorizeUrl)
  assert.equal(authorize.origin, emu.url)
  assert.equal(authorize.pathname, '/authorize')
  assert.equal(authorize.searchParams.get('response_type'), 'code')
  assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256')
  assert.match(authorize.searchParams.get('redirect_uri'), /^http:\/\/127\.0\.0\.1:\d+\/oauth\/callback$/)
  const page = await pages[0]
  assert.equal(page.status, 200)
  assert.match(page.url, /^http:\/\/127\.0\.0\.1:\d+\/oauth\/callback\?/)
  assert.match(page.body, /Login complete/)

  assert.equal(result.flow, 'pkce')
  assert.equal(result.flowReason, 'as requested')
  assert.equal(result.ssoSession, 'emulator')
  assert.ok(result.expiration instanceof Date && result.expiration > new Date())
  assert.ok(result.tokenFile.startsWith(env.HOME))
  const cached = JSON.parse(fs.readFileSync(result.tokenFile, 'utf8'))
  assert.equal(cached.startUrl, result.startUrl)
  assert.ok(cached.accessToken && cached.refreshToken)
  assert.equal(Object.values(result).some((v) => v === cached.accessToken), false)

  // The token is usable: credentials come from it.
  const credentials = await ssokit.fromSso({ env })()
  assert.match(credentials.accessKeyId, /^ASIA/)
})

test('flow: pkce with the default openBrowser opens $BROWSER with the authorize URL', async () => {
  const env = freshHome(emu)
  const seen = `${env.HOME}/browser-url`
  // A "browser" that records its argument; ssokit's onPrompt then plays the real one.
  const script = `${env.HOME}/browser.sh`
  // Written whole, then renamed: the file appears only with the URL in it.
  fs.writeFileSync(script, `printf '%s' "$1" > '${seen}.tmp' && mv '${seen}.tmp' '${seen}'\n`)
  const pages = []
  let url, prompt
  const result = await ssokit.login({
    timeout: 60000,
    // Run by sh, not executed: no "text file busy" from a file just written.
    env: { ...env, BROWSER: `/bin/sh ${script}` },
    flow: 'pkce',
    onPrompt: (p) => {
      prompt = p
      url = p.authorizeUrl
      browse(p.authorizeUrl, pages)
    }
  })
  await pages[0]
  assert.equal(result.flow, 'pkce')
  assert.equal(prompt.browserOpened, true)
  assert.match(prompt.text, /^Opening the authorization page in your browser\. If it does not open, visit:\n\n/)
  // The BROWSER script runs detached: wait (30 s at most) for the file it writes.
  for (let i = 0; i < 1500 && !fs.existsSync(seen); i++) await new Promise((resolve) => setTimeout(resolve, 20))
  assert.equal(fs.readFileSync(seen, 'utf8'), url)
})

test('flow: pkce without a browser reply times out; an abort cancels it', async () => {
  const env = freshHome(emu)
  await assert.rejects(
    ssokit.login({ env, flow: 'pkce', openBrowser: false, timeout: 300, onPrompt: () => {} }),
    { name: 'SsoError', code: 'ERR_SSOKIT_LOGIN_TIMEOUT' }
  )
  const controller = new AbortController()
  await assert.rejects(
    ssokit.login({
      env,
      flow: 'pkce',
      openBrowser: false,
      timeout: 30000,
      signal: controller.signal,
      onPrompt: () => setTimeout(() => controller.abort(), 50)
    }),
    { name: 'SsoError', code: 'ERR_SSOKIT_ABORTED' }
  )
  assert.equal(fs.existsSync(ssokit.resolveProfile({ env }).tokenCachePath), false)
})

test('flow: pkce ignores a callback with a wrong state and completes with the right one', async () => {
  const env = freshHome(emu)
  const pages = []
  const forged = []
  const result = await ssokit.login({
    timeout: 60000,
    env,
    flow: 'pkce',
    openBrowser: false,
    onPrompt: (p) => {
      // A forged callback first: answered 400 and ignored, the login goes on.
      const redirect = new URL(new URL(p.authorizeUrl).searchParams.get('redirect_uri'))
      redirect.search = '?code=forged&state=not-this-login'
      forged.push(
        fetch(redirect.href)
          .then(async (res) => ({ status: res.status, body: await res.text() }))
          .then((page) => {
            // Then the person at the browser approves the real request.
            browse(p.authorizeUrl, pages)
            return page
          })
      )
    }
  })
  assert.equal(result.flow, 'pkce')
  const page = await forged[0]
  assert.equal(page.status, 400)
  assert.match(page.body, /wrong state/)
  assert.equal((await pages[0]).status, 200)
  assert.ok(fs.existsSync(result.tokenFile))
})

test('flow: device-code still logs in with a device prompt', async () => {
  const env = freshHome(emu)
  const prompts = []
  const before = count(emu, 'StartDeviceAuthorization')
  const result = await ssokit.login({
    timeout: 60000,
    env,
    flow: 'device-code',
    openBrowser: false,
    onPrompt: (p) => prompts.push(p)
  })
  assert.equal(result.flow, 'device-code')
  assert.equal(result.flowReason, 'as requested')
  assert.equal(count(emu, 'StartDeviceAuthorization'), before + 1)
  assert.equal(prompts.length, 1)
  assert.equal(prompts[0].flow, 'device-code')
  assert.match(prompts[0].userCode, /^[A-Z0-9]{4}-[A-Z0-9]{4}$/)
  assert.ok(fs.existsSync(result.tokenFile))
})

test('flow: auto over SSH picks the device code and says why', async () => {
  const env = { ...freshHome(emu), SSH_CONNECTION: '1 2 3 4', DISPLAY: ':0' }
  const prompts = []
  const result = await ssokit.login({ env, timeout: 60000, openBrowser: false, onPrompt: (p) => prompts.push(p) })
  assert.equal(result.flow, 'device-code')
  assert.match(result.flowReason, /SSH/)
  assert.equal(prompts[0].flow, 'device-code')
  // 'auto' spelled out is the same.
  const again = await ssokit.login({ env, timeout: 60000, flow: 'auto', openBrowser: false, onPrompt: () => {} })
  assert.equal(again.flow, 'device-code')
  assert.equal(again.flowReason, result.flowReason)
})

test('flow: auto on WSL picks PKCE for an sso-session profile', async () => {
  // WSL: PKCE whatever the machine looks like (no container or display check).
  const env = { ...freshHome(emu), WSL_DISTRO_NAME: 'Ubuntu' }
  const pages = []
  const result = await ssokit.login({
    timeout: 60000,
    env,
    openBrowser: false,
    onPrompt: (p) => browse(p.authorizeUrl, pages)
  })
  assert.equal(result.flow, 'pkce')
  assert.match(result.flowReason, /WSL/)
  assert.equal((await pages[0]).status, 200)
})

test('an unknown flow is ERR_SSOKIT_USAGE', async () => {
  const env = freshHome(emu)
  await assert.rejects(
    ssokit.login({ env, timeout: 60000, flow: 'magic', openBrowser: false }),
    { name: 'SsoError', code: 'ERR_SSOKIT_USAGE', kind: 'usage', message: 'flow must be "auto", "pkce" or "device-code", not "magic"' }
  )
})

test('without onPrompt, the core\'s prompt text goes to stderr', async () => {
  const env = freshHome(emu)
  const written = []
  const write = process.stderr.write
  process.stderr.write = (chunk) => written.push(String(chunk)) > 0
  try {
    await ssokit.login({ env, timeout: 60000, flow: 'device-code', openBrowser: false })
  } finally {
    process.stderr.write = write
  }
  const text = written.join('')
  assert.match(text, /^Open the following URL in a browser \(on any device\):\n\n/)
  assert.match(text, /\n\nThen enter the code:\n\n[A-Z0-9]{4}-[A-Z0-9]{4}\n\n/)
  assert.match(text, /Or open this URL, which fills in the code:\n\S+user_code=\S+\n$/)
})

// Puts `sso_use_device_code = <value>` first in the emulator's [sso-session].
function withSessionKey (env, value) {
  const text = fs.readFileSync(env.AWS_CONFIG_FILE, 'utf8')
  assert.match(text, /\[sso-session emulator\]\n/)
  fs.writeFileSync(env.AWS_CONFIG_FILE, text.replace('[sso-session emulator]\n', `[sso-session emulator]\nsso_use_device_code = ${value}\n`))
  return env
}

test('flow: SSOKIT_LOGIN_FLOW applies when flow is auto, after the flow option', async () => {
  // A WSL machine would get PKCE: the variable asks for the device code.
  const wsl = { ...freshHome(emu), WSL_DISTRO_NAME: 'Ubuntu', SSOKIT_LOGIN_FLOW: 'device-code' }
  const device = await ssokit.login({ env: wsl, timeout: 60000, openBrowser: false, onPrompt: () => {} })
  assert.equal(device.flow, 'device-code')
  assert.equal(device.flowReason, 'SSOKIT_LOGIN_FLOW=device-code')
  // Over SSH the device code would be chosen: the variable asks for PKCE.
  const ssh = { ...freshHome(emu), SSH_CONNECTION: '1 2 3 4', SSOKIT_LOGIN_FLOW: 'pkce' }
  const pages = []
  const pkce = await ssokit.login({ env: ssh, timeout: 60000, openBrowser: false, onPrompt: (p) => browse(p.authorizeUrl, pages) })
  assert.equal(pkce.flow, 'pkce')
  assert.equal(pkce.flowReason, 'SSOKIT_LOGIN_FLOW=pkce')
  assert.equal((await pages[0]).status, 200)
  // The option beats the variable.
  const asked = await ssokit.login({ env: ssh, flow: 'device-code', timeout: 60000, openBrowser: false, onPrompt: () => {} })
  assert.equal(asked.flow, 'device-code')
  assert.equal(asked.flowReason, 'as requested')
})

test('flow: sso_use_device_code = true applies after the variable', async () => {
  const env = withSessionKey({ ...freshHome(emu), WSL_DISTRO_NAME: 'Ubuntu' }, 'true')
  for (const extra of [{}, { SSOKIT_LOGIN_FLOW: 'auto' }]) {
    const result = await ssokit.login({ env: { ...env, ...extra }, timeout: 60000, openBrowser: false, onPrompt: () => {} })
    assert.equal(result.flow, 'device-code')
    assert.equal(result.flowReason, 'sso_use_device_code = true in [sso-session emulator]')
  }
  const pages = []
  const pkce = await ssokit.login({
    env: { ...env, SSOKIT_LOGIN_FLOW: 'pkce' },
    timeout: 60000,
    openBrowser: false,
    onPrompt: (p) => browse(p.authorizeUrl, pages)
  })
  assert.equal(pkce.flow, 'pkce')
  assert.equal(pkce.flowReason, 'SSOKIT_LOGIN_FLOW=pkce')
  assert.equal((await pages[0]).status, 200)
})

test('an invalid SSOKIT_LOGIN_FLOW or sso_use_device_code is ERR_SSOKIT_CONFIG', async () => {
  const before = emu.requestLog().length
  await assert.rejects(
    ssokit.login({ env: { ...freshHome(emu), SSOKIT_LOGIN_FLOW: 'magic' }, timeout: 60000, openBrowser: false }),
    (e) => {
      assert.equal(e.code, 'ERR_SSOKIT_CONFIG')
      assert.ok(e.message.startsWith('invalid SSOKIT_LOGIN_FLOW "magic" (environment variable SSOKIT_LOGIN_FLOW): expected "auto", "pkce" or "device-code"'), e.message)
      return true
    }
  )
  const env = withSessionKey(freshHome(emu), 'maybe')
  await assert.rejects(
    ssokit.login({ env, timeout: 60000, openBrowser: false }),
    (e) => {
      assert.equal(e.code, 'ERR_SSOKIT_CONFIG')
      assert.ok(e.message.includes(`invalid sso_use_device_code "maybe" ([sso-session emulator] in ${env.AWS_CONFIG_FILE} line `), e.message)
      return true
    }
  )
  assert.equal(emu.requestLog().length, before)
})
