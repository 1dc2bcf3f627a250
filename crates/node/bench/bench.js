'use strict'
// Benchmark of the npm package `ssokit`, beside `@aws-sdk/credential-provider-sso`'s
// `fromSSO` resolving the same profile, in one run:
//
// - `require('ssokit')` in fresh `node -e` processes (in-process time of the require,
//   and the process's wall time beside a baseline `node -e ''`);
// - a memoized `fromSso()` provider call;
// - a first call of a new provider (one GetRoleCredentials; and from ~/.aws/cli/cache);
// - `fromSSO({ profile })`: first call, repeated call, and memoized as the AWS SDK's
//   clients memoize it (`memoizeIdentityProvider` of `@smithy/core`).
//
// Everything runs against the embedded Emulator in a temporary AWS home: no network,
// no real ~/.aws. Build the addon in release mode first (see docs/performance.md):
//
//   npx napi build --platform --release --target x86_64-unknown-linux-gnu
//   npm run bench [-- --processes 21 --calls 200000]

const { spawnSync } = require('node:child_process')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')

const PACKAGE = path.join(__dirname, '..')
const PROFILE = 'dev-ReadOnly'

function option (name, fallback) {
  const i = process.argv.indexOf(`--${name}`)
  return i === -1 ? fallback : Number(process.argv[i + 1])
}
const PROCESSES = option('processes', 21)
const CALLS = option('calls', 200_000)
const FIRST_CALLS = option('first-calls', 41)

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2
}
const now = () => process.hrtime.bigint()
const ms = (ns) => Number(ns) / 1e6
const fmt = (milliseconds) =>
  milliseconds >= 1 ? `${milliseconds.toFixed(2)} ms` : `${(milliseconds * 1000).toFixed(2)} µs`
const ratio = (a, b) => `${(a / b).toFixed(a / b >= 100 ? 0 : 1)}×`

// `require(module)` for each of `modules` in `PROCESSES` fresh node processes each,
// interleaved with a baseline `node -e ''` so that load on the machine hits all
// alike: per module, the median in-process time of the require alone, the median wall
// time of the process, and the median of its wall time minus the baseline's of the
// same round.
function requireTimes (modules) {
  const snippet = (module) =>
    'const t = process.hrtime.bigint(); require(' + JSON.stringify(module) + '); ' +
    'process.stdout.write(String(process.hrtime.bigint() - t))'
  const run = (args) => {
    const started = now()
    const out = spawnSync(process.execPath, args, { cwd: PACKAGE, encoding: 'utf8' })
    const wall = ms(now() - started)
    if (out.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${out.stderr}`)
    return { wall, inProcess: out.stdout ? ms(BigInt(out.stdout)) : undefined }
  }
  const samples = modules.map(() => ({ inProcess: [], wall: [], overBaseline: [] }))
  const baseline = []
  for (let i = 0; i < PROCESSES + 1; i++) {
    const base = run(['-e', ''])
    const rounds = modules.map((m) => run(['-e', snippet(m)]))
    if (i === 0) continue // warms the page cache
    baseline.push(base.wall)
    rounds.forEach((r, k) => {
      samples[k].inProcess.push(r.inProcess)
      samples[k].wall.push(r.wall)
      samples[k].overBaseline.push(r.wall - base.wall)
    })
  }
  return {
    baseline: median(baseline),
    modules: samples.map((x) => ({
      inProcess: median(x.inProcess),
      wall: median(x.wall),
      overBaseline: median(x.overBaseline)
    }))
  }
}

// Median milliseconds per call of an async function, over batches of `calls / 10`.
async function perCall (fn, calls) {
  const batch = Math.max(1, Math.floor(calls / 10))
  for (let i = 0; i < batch; i++) await fn() // warm-up
  const samples = []
  for (let b = 0; b < 10; b++) {
    const started = now()
    for (let i = 0; i < batch; i++) await fn()
    samples.push(ms(now() - started) / batch)
  }
  return median(samples)
}

// Median milliseconds of `fn()` over `runs`, with `setup()` untimed before each run.
async function timed (runs, setup, fn) {
  const samples = []
  for (let i = 0; i < runs; i++) {
    const arg = await setup()
    const started = now()
    await fn(arg)
    samples.push(ms(now() - started))
  }
  return median(samples)
}

// What the AWS SDK's clients wrap a credentials provider in.
function sdkMemoize () {
  try {
    const core = require('@smithy/core')
    return (provider) =>
      core.memoizeIdentityProvider(provider, core.isIdentityExpired, core.doesIdentityRequireRefresh)
  } catch {
    // The same semantics, should @smithy/core not be installed: refresh 5 minutes early.
    return (provider) => {
      let resolved
      return async () => {
        if (resolved === undefined || resolved.expiration.getTime() - Date.now() < 300_000) {
          resolved = await provider()
        }
        return resolved
      }
    }
  }
}

async function main () {
  // 1. require, in fresh processes (before this process loads anything).
  const requires = requireTimes([PACKAGE, '@aws-sdk/credential-provider-sso'])
  const [ssokitRequire, sdkRequire] = requires.modules

  // 2. The emulator and a logged-in temporary home; the SDK reads process.env.
  const t0 = now()
  const ssokit = require(PACKAGE)
  const requireHere = ms(now() - t0)
  const emu = await ssokit.Emulator.start({ autoApproveAfterPolls: 0 })
  const env = emu.env()
  Object.assign(process.env, env) // HOME, AWS_CONFIG_FILE, AWS_ENDPOINT_URL_SSO[_OIDC], ...
  delete process.env.AWS_PROFILE
  delete process.env.AWS_REGION
  const roleCache = path.join(env.HOME, '.aws', 'cli', 'cache')
  const getRoleCredentials = () =>
    emu.requestLog().filter((r) => r.operation === 'GetRoleCredentials').length
  try {
    await ssokit.login({ env, flow: 'device-code', openBrowser: false, onPrompt: () => {} })

    // 3. ssokit: the very first call in this process, then first calls of new providers.
    const clearRoleCache = () => fs.rmSync(roleCache, { recursive: true, force: true })
    clearRoleCache()
    let started = now()
    await ssokit.fromSso({ profile: PROFILE, env })()
    const ssokitVeryFirst = ms(now() - started)
    let before = getRoleCredentials()
    const ssokitFirst = await timed(
      FIRST_CALLS,
      () => { clearRoleCache(); return ssokit.fromSso({ profile: PROFILE, env }) },
      (provider) => provider()
    )
    const ssokitFirstRequests = getRoleCredentials() - before
    const ssokitFirstFromFile = await timed(
      FIRST_CALLS,
      () => ssokit.fromSso({ profile: PROFILE, env }),
      (provider) => provider()
    )
    // Where a first call's time goes: building the native provider (config, caches,
    // HTTP clients), then its first credentials() call (here from ~/.aws/cli/cache).
    const native = require(path.join(PACKAGE, 'index.js'))
    const construct = await timed(FIRST_CALLS, () => undefined, () => native.credentialsProvider({ profile: PROFILE, env }))
    const nativeFirst = await timed(
      FIRST_CALLS,
      () => native.credentialsProvider({ profile: PROFILE, env }),
      (p) => p.credentials()
    )

    // 4. ssokit: memoized calls of one provider.
    const provider = ssokit.fromSso({ profile: PROFILE, env })
    await provider()
    before = getRoleCredentials()
    const ssokitMemo = await perCall(provider, CALLS)
    if (getRoleCredentials() !== before) throw new Error('memoized ssokit calls made requests')
    // The same memoized call through the native async method (the path before the
    // synchronous fast path): a promise settled from napi-rs's tokio runtime.
    const asyncProvider = native.credentialsProvider({ profile: PROFILE, env })
    await asyncProvider.credentials()
    const ssokitMemoAsync = await perCall(() => asyncProvider.credentials(), Math.min(CALLS, 20_000))

    // 5. @aws-sdk/credential-provider-sso, in this process after the emulator set HOME.
    started = now()
    const { fromSSO } = require('@aws-sdk/credential-provider-sso')
    const sdkRequireHere = ms(now() - started)
    started = now()
    await fromSSO({ profile: PROFILE })()
    const sdkVeryFirst = ms(now() - started)
    before = getRoleCredentials()
    const sdkFirst = await timed(FIRST_CALLS, () => fromSSO({ profile: PROFILE }), (p) => p())
    const sdkFirstRequests = getRoleCredentials() - before
    const direct = fromSSO({ profile: PROFILE })
    const sdkRepeat = await timed(FIRST_CALLS, () => direct, (p) => p())
    const memoized = sdkMemoize()(fromSSO({ profile: PROFILE }))
    await memoized()
    before = getRoleCredentials()
    const sdkMemo = await perCall(memoized, CALLS)
    if (getRoleCredentials() !== before) throw new Error('memoized SDK calls made requests')

    // 6. The report.
    const lines = [
      `ssokit ${ssokit.version()} (native addon: ${path.basename(nativeAddon())}), ` +
        `@aws-sdk/credential-provider-sso ${versionOf('@aws-sdk/credential-provider-sso')}, ` +
        `node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model?.trim()}`,
      '',
      `require, in ${PROCESSES} fresh processes (median):`,
      `  require('ssokit')                           ${fmt(ssokitRequire.inProcess)}   (target < 20 ms)`,
      `  require('@aws-sdk/credential-provider-sso') ${fmt(sdkRequire.inProcess)}   ratio SDK/ssokit ${ratio(sdkRequire.inProcess, ssokitRequire.inProcess)}`,
      `  node -e "require('ssokit')" wall           ${fmt(ssokitRequire.wall)}   baseline node -e '' ${fmt(requires.baseline)}; over the baseline ${fmt(ssokitRequire.overBaseline)}`,
      `  node -e "require(<the SDK provider>)" wall  ${fmt(sdkRequire.wall)}   over the baseline ${fmt(sdkRequire.overBaseline)}`,
      `  (in this process: ssokit ${fmt(requireHere)}, the SDK provider ${fmt(sdkRequireHere)})`,
      '',
      `credentials of profile ${PROFILE} from the emulator (medians):`,
      `  ssokit memoized call                        ${fmt(ssokitMemo)}   (target < 10 µs; ${CALLS} calls)`,
      `  (the same through the native async method   ${fmt(ssokitMemoAsync)}, the path before the fast path)`,
      `  SDK fromSSO memoized as clients do          ${fmt(sdkMemo)}   ratio SDK/ssokit ${ratio(sdkMemo, ssokitMemo)}`,
      `  ssokit first call, new provider (GetRoleCredentials)  ${fmt(ssokitFirst)}   (${ssokitFirstRequests} requests in ${FIRST_CALLS} calls)`,
      `  ssokit first call, new provider (~/.aws/cli/cache)    ${fmt(ssokitFirstFromFile)}`,
      `    of which building the native provider               ${fmt(construct)}; its first credentials() from the file ${fmt(nativeFirst)}`,
      `  SDK fromSSO first call, new provider                  ${fmt(sdkFirst)}   (${sdkFirstRequests} requests in ${FIRST_CALLS} calls) ratio SDK/ssokit ${ratio(sdkFirst, ssokitFirst)} (vs file cache ${ratio(sdkFirst, ssokitFirstFromFile)})`,
      `  SDK fromSSO repeated call, not memoized               ${fmt(sdkRepeat)}`,
      `  very first call in the process: ssokit ${fmt(ssokitVeryFirst)}, SDK fromSSO ${fmt(sdkVeryFirst)} (ratio ${ratio(sdkVeryFirst, ssokitVeryFirst)}; includes the SDK's lazy load of its SSO client)`
    ]
    console.log(lines.join('\n'))
  } finally {
    await emu.stop()
  }
}

function nativeAddon () {
  return fs.readdirSync(PACKAGE).find((f) => f.endsWith('.node')) ?? '?'
}

function versionOf (pkg) {
  try {
    return require(`${pkg}/package.json`).version
  } catch {
    return '?'
  }
}

main().catch((err) => {
  console.error(err)
  process.exitCode = 1
})
