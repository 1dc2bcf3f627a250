// Types of the npm package `ssokit` (the hand-written entry point ssokit.js). The
// data types come from index.d.ts, which napi-rs generates from the Rust docs.

import type {
  AccountInfo,
  ConsoleOptions,
  Credentials,
  DevicePromptInfo,
  EmulatorAccount,
  EmulatorOptions,
  EmulatorProfile,
  EmulatorRequest,
  FaultOptions,
  ListRolesOptions,
  LoginOptions as NativeLoginOptions,
  LoginResult,
  LogoutResult,
  PkcePromptInfo,
  ProfileOptions,
  ProviderOptions,
  RoleInfo,
  SessionStatus,
  SsoProfile,
  StatusOptions,
  TargetOptions,
  TokenIdentity,
} from './index'

export type {
  AccountInfo,
  ConsoleOptions,
  Credentials,
  DevicePromptInfo,
  EmulatorAccount,
  EmulatorOptions,
  EmulatorProfile,
  EmulatorRequest,
  FaultOptions,
  ListRolesOptions,
  LoginResult,
  LogoutResult,
  PkcePromptInfo,
  ProfileOptions,
  RoleInfo,
  SessionStatus,
  SsoProfile,
  StatusOptions,
  TargetOptions,
  TokenIdentity,
}

/**
 * The stable codes of the warnings ssokit emits with `process.emitWarning`:
 * - `SSOKIT_UNSAFE_PERMISSIONS`: a cache directory is writable by group or other users
 *   or owned by another user, or a cache file has group or other permission bits or is
 *   owned by another user. Emitted once per process and path; the message says how to
 *   fix it.
 */
export type WarningCode = 'SSOKIT_UNSAFE_PERMISSIONS' | 'SSOKIT_PROFILE_VARIABLES_DIFFER'

/**
 * A warning from ssokit, as `process.on('warning', (w) => …)` receives it after the
 * call that found it settles: `name` is `'Warning'`, `code` a {@link WarningCode} and
 * `path` the file or directory it is about.
 */
export interface SsoWarning extends Error {
  name: 'Warning'
  code: WarningCode
  path?: string
}

/**
 * The stable codes of {@link SsoError}:
 * - `ERR_SSOKIT_CONFIG`: the AWS config file, a profile or an option is wrong;
 * - `ERR_SSOKIT_NOT_LOGGED_IN`: no token in the cache: log in;
 * - `ERR_SSOKIT_SESSION_EXPIRED`: the SSO session ended (expired, revoked, refresh refused): log in again;
 * - `ERR_SSOKIT_ACCESS_DENIED`: the user denied the login in the browser (or, with PKCE, the
 *   browser's answer did not match the login: a wrong `state`);
 * - `ERR_SSOKIT_LOGIN_TIMEOUT`: the login was not approved in time (or its code expired);
 * - `ERR_SSOKIT_ABORTED`: the login was aborted through its `AbortSignal`;
 * - `ERR_SSOKIT_SERVICE`: IAM Identity Center answered with an error (or its
 *   authorize page answered with an OAuth error other than `access_denied`); see
 *   `serviceCode` and `httpStatus`;
 * - `ERR_SSOKIT_NETWORK`: IAM Identity Center could not be reached (connection, DNS, TLS,
 *   timeout);
 * - `ERR_SSOKIT_USAGE`: what was asked cannot be done as asked;
 * - `ERR_SSOKIT_CACHE`: a cache file under `~/.aws` could not be read, written or locked;
 * - `ERR_SSOKIT_EMULATOR`: an {@link Emulator} call failed (bad option, unknown user code);
 * - `ERR_SSOKIT_INTERNAL`: a bug in ssokit (please report it).
 */
export type ErrorCode =
  | 'ERR_SSOKIT_CONFIG'
  | 'ERR_SSOKIT_NOT_LOGGED_IN'
  | 'ERR_SSOKIT_SESSION_EXPIRED'
  | 'ERR_SSOKIT_ACCESS_DENIED'
  | 'ERR_SSOKIT_LOGIN_TIMEOUT'
  | 'ERR_SSOKIT_ABORTED'
  | 'ERR_SSOKIT_SERVICE'
  | 'ERR_SSOKIT_NETWORK'
  | 'ERR_SSOKIT_USAGE'
  | 'ERR_SSOKIT_CACHE'
  | 'ERR_SSOKIT_EMULATOR'
  | 'ERR_SSOKIT_INTERNAL'

/**
 * Every error ssokit throws or rejects with. The message says what went wrong and
 * what to do (it never contains a token or a key).
 */
/**
 * The kind of a core error, one per `ErrorCode` (except `ERR_SSOKIT_EMULATOR`, which is
 * the emulator's own).
 */
export type ErrorKind =
  | 'not_logged_in'
  | 'session_expired'
  | 'access_denied'
  | 'login_timeout'
  | 'cancelled'
  | 'config'
  | 'cache'
  | 'service'
  | 'network'
  | 'usage'
  | 'internal'

export declare class SsoError extends Error {
  /** The stable code; branch on it, not on the message. */
  readonly code: ErrorCode
  readonly name: 'SsoError'
  /** The kind of core error (absent for an emulator error or an aborted login). */
  readonly kind?: ErrorKind
  /** The call that fixes it, e.g. `call await login({ profile: 'dev' })`; the message ends with it. */
  readonly remedy?: string
  /** The profile to log in to, or the login was for. */
  readonly profile?: string
  /** The sso-session to log in to, or the login was for. */
  readonly ssoSession?: string
  /** The service's error code, e.g. `'TooManyRequestsException'`. */
  readonly serviceCode?: string
  /** The HTTP status of the service's answer. */
  readonly httpStatus?: number
}

/** Options of {@link fromSso}. */
export interface FromSsoInit {
  /** The profile; defaults to `AWS_PROFILE`, then `AWS_DEFAULT_PROFILE`, then `default`. */
  profile?: string
  /** The config file; defaults to `AWS_CONFIG_FILE`, then `~/.aws/config`. */
  configFile?: string
  /** Replaces `process.env` for this provider (for tests). */
  env?: Record<string, string>
  /**
   * Log in (device code) when there is no usable token instead of rejecting with
   * `ERR_SSOKIT_NOT_LOGGED_IN` or `ERR_SSOKIT_SESSION_EXPIRED`. Default `false`.
   */
  autoLogin?: boolean
  /** For an automatic login: shows the code (default: its `text` printed on stderr). */
  onPrompt?: (prompt: DevicePromptInfo) => void
  /** For an automatic login: open the verification page (default `true`). */
  openBrowser?: boolean
  /** For an automatic login: give up after this many milliseconds. */
  loginTimeout?: number
}

/** AWS credentials of an SSO profile: a plain object, as the AWS SDK expects. */
export interface SsoCredentials {
  readonly accessKeyId: string
  readonly secretAccessKey: string
  readonly sessionToken?: string
  readonly expiration?: Date
  readonly accountId?: string
}

/**
 * A credentials provider, assignable to the AWS SDK's `AwsCredentialIdentityProvider`.
 */
export type SsoCredentialsProvider = (
  identityProperties?: Record<string, unknown>,
) => Promise<SsoCredentials>

/**
 * The credentials of an SSO profile for the AWS SDK for JavaScript v3, from the token
 * that `aws sso login` or {@link login} cached:
 * `new S3Client({ credentials: fromSso({ profile: 'dev' }) })`.
 *
 * Memoized, refreshed 15 minutes before expiry (the token too), sharing
 * `~/.aws/cli/cache` with the AWS CLI; concurrent calls share one request. Rejects
 * with an {@link SsoError}.
 */
export declare function fromSso(init?: FromSsoInit): SsoCredentialsProvider

/**
 * What {@link login}'s `onPrompt` receives; tell the two apart by `flow`:
 * - `'device-code'`: {@link DevicePromptInfo} — a URL and a code to enter, on any device;
 * - `'pkce'`: {@link PkcePromptInfo} — the `authorizeUrl` to open in a browser on this
 *   machine (it redirects to ssokit's listener on 127.0.0.1).
 */
export type LoginPrompt = DevicePromptInfo | PkcePromptInfo

/** The login flows of {@link LoginOptions.flow}. */
export type LoginFlow = 'auto' | 'pkce' | 'device-code'

/** Options of {@link login}. */
export interface LoginOptions extends NativeLoginOptions {
  /**
   * The flow: `'auto'` (the default) chooses as the core does — PKCE for sso-session
   * profiles when a local browser can reach 127.0.0.1; the device code for legacy
   * profiles, over SSH (`SSH_CONNECTION`/`SSH_TTY`), in containers and sessions without
   * a display (read from `env` when given). `'pkce'` or `'device-code'` forces one. The
   * result's `flow` and `flowReason` say which was used and why.
   */
  flow?: LoginFlow
  /**
   * Shows the user what to do (default: its `text` printed on stderr): `{ flow:
   * 'device-code', verificationUri, verificationUriComplete, userCode, expiresAt,
   * browserOpened, text }` or `{ flow: 'pkce', authorizeUrl, browserOpened, text }`.
   * Called once per login, after the browser was opened (unless `openBrowser: false`);
   * `text` is what `ssokit login` prints. If it throws, the login is cancelled and
   * rejects with that error.
   */
  onPrompt?: (prompt: LoginPrompt) => void
  /** Aborts the login: it rejects with `ERR_SSOKIT_ABORTED`. */
  signal?: AbortSignal
}

/**
 * Logs in like `aws sso login` — with the PKCE authorization-code flow or the device
 * code (see {@link LoginOptions.flow}) — and writes the token to `~/.aws/sso/cache`,
 * where the AWS CLI and SDKs read it. Waits for the user off the JavaScript thread.
 * Resolves with where the token went and which flow was used (`flow`, `flowReason`),
 * never the token itself.
 */
export declare function login(options?: LoginOptions): Promise<LoginResult>

/**
 * Logs out like `aws sso logout`: with neither `profile` nor `ssoSession`, every SSO
 * token is revoked and removed with every cached SSO role credential; with one, only
 * that session's.
 */
export declare function logout(options?: TargetOptions): Promise<LogoutResult>

/**
 * The SSO bearer token of a profile or session (a `TokenIdentity`), refreshed when it
 * has less than 15 minutes left. Never logs in.
 */
export declare function getToken(options?: TargetOptions): Promise<TokenIdentity>

/** Every sso-session and legacy start URL in the config, from the token cache. */
export declare function status(options?: StatusOptions): Promise<SessionStatus[]>

/** Every account the signed-in user may access. */
export declare function listAccounts(options?: TargetOptions): Promise<AccountInfo[]>

/**
 * The roles the signed-in user may assume, in `accountId` or in every account (then
 * with `accountName`; at most 8 ListAccountRoles calls at a time). Sorted by account
 * id, then role name.
 */
export declare function listRoles(options?: ListRolesOptions): Promise<RoleInfo[]>

/**
 * The console sign-in URL of the profile's role, to `destination` (default: the console
 * home of the profile's region). It signs in whoever opens it, for 15 minutes.
 */
export declare function consoleUrl(options?: ConsoleOptions): Promise<string>

/** Resolves an SSO profile from the AWS config file (synchronous, no network). */
export declare function resolveProfile(options?: ProfileOptions): SsoProfile

/** The names of every profile in the config and credentials files. */
export declare function listProfiles(options?: ProfileOptions): string[]

/** The version of the native addon. */
export declare function version(): string

/**
 * A local IAM Identity Center (SSO OIDC and the SSO portal), linked into the native
 * module, for your own tests. Without `accounts` it serves the emulator's default
 * organisation (the same as `ssokit demo` and Python's `ssokit.testing.Emulator`).
 * By default it creates a temporary AWS home whose config, written by the emulator,
 * has an sso-session `emulator` and, for every account and role, a profile
 * `<account name>-<role>`; the first role of each account is also the profile
 * `<account name>`, and the first role of the first account the `default` profile
 * (see `profiles`). For the default organisation: `default`, `dev`, `dev-ReadOnly`,
 * `dev-AdministratorAccess`, `staging`, `staging-ReadOnly`, `staging-Deployer`,
 * `prod`, `prod-ReadOnly`.
 */
export declare class Emulator {
  private constructor()
  /** Starts it on 127.0.0.1 (a free port unless `port` is given). */
  static start(options?: EmulatorOptions): Promise<Emulator>
  /** The endpoint of both SSO OIDC and the SSO portal, e.g. `http://127.0.0.1:41234`. */
  readonly url: string
  /** The device verification page. */
  readonly verificationUri: string
  /** The temporary AWS home (absent with `home: false`). */
  readonly home?: string
  /** The temporary home's AWS config file (absent with `home: false`). */
  readonly configFile?: string
  /** The name of the config's sso-session, `emulator` (absent with `home: false`). */
  readonly ssoSession?: string
  /**
   * The profiles of the config, in its order (with `home: false`, those it would
   * have): `{ name, accountId, roleName }`.
   */
  readonly profiles: EmulatorProfile[]
  /**
   * The variables that point ssokit, the AWS CLI and the AWS SDKs at it:
   * `AWS_ENDPOINT_URL_SSO_OIDC`, `AWS_ENDPOINT_URL_SSO`, and with the temporary home
   * `HOME`, `USERPROFILE`, `AWS_CONFIG_FILE`, `AWS_SHARED_CREDENTIALS_FILE`. Pass
   * them as the `env` option, or to a child process.
   */
  env(): Record<string, string>
  /** Approves the pending login with this user code, as a person pressing Allow. */
  approve(userCode: string): void
  /** Denies the pending login with this user code. */
  deny(userCode: string): void
  /** The user codes of logins waiting for a decision. */
  pendingUserCodes(): string[]
  /** Approves device codes on poll `n+1` from now on, or stops doing so (`null`). */
  setAutoApprove(afterPolls?: number | null): void
  /** Every request it served, oldest first (never a body, header or secret). */
  requestLog(): EmulatorRequest[]
  /** Empties the request log. */
  clearRequestLog(): void
  /** Makes requests fail, wait or get throttled. */
  injectFault(fault: FaultOptions): void
  /** Removes every fault. */
  clearFaults(): void
  /** Revokes every live login session; returns how many. */
  revokeAllSessions(): number
  /** Moves its clock forward, so tokens, codes and sessions expire without waiting. */
  advanceClock(millis: number): void
  /** Stops the server and removes the temporary home. Idempotent. */
  stop(): Promise<void>
}
