//! The one mapping from `ssokit::Error` to JavaScript errors.
//!
//! Errors are built here, on the JavaScript thread, as instances of the `SsoError`
//! class that `ssokit.js` registers ([`register_error_class`]), with `code` and the
//! other properties already set: nothing in JavaScript parses a message. A binding
//! returns a [`Reply`], whose conversion to JavaScript throws (or rejects the promise
//! with) that object.

use std::fmt::Display;
use std::mem::ManuallyDrop;

use napi::bindgen_prelude::{
    FnArgs, Function, FunctionRef, JsObjectValue, Object, ToNapiValue, Unknown,
};
use napi::{Env, JsValue, Status, sys};
use napi_derive::napi;
use ssokit::auth::LoginTarget;
use ssokit::{Error, ErrorKind, Remedy};

/// The code of a configuration problem, including a bad option of a binding.
pub(crate) const CONFIG: &str = "ERR_SSOKIT_CONFIG";
/// The code of an emulator problem (a bad option, a port in use, an unknown user code).
pub(crate) const EMULATOR: &str = "ERR_SSOKIT_EMULATOR";

/// The `err.code` of each kind of error: Node's one table. Exhaustive on purpose, so
/// a new kind must be given its code here.
pub(crate) fn code_of(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::NotLoggedIn => "ERR_SSOKIT_NOT_LOGGED_IN",
        ErrorKind::SessionExpired => "ERR_SSOKIT_SESSION_EXPIRED",
        ErrorKind::AccessDenied => "ERR_SSOKIT_ACCESS_DENIED",
        ErrorKind::LoginTimeout => "ERR_SSOKIT_LOGIN_TIMEOUT",
        ErrorKind::Cancelled => "ERR_SSOKIT_ABORTED",
        ErrorKind::Config => CONFIG,
        ErrorKind::Cache => "ERR_SSOKIT_CACHE",
        ErrorKind::Service => "ERR_SSOKIT_SERVICE",
        ErrorKind::Network => "ERR_SSOKIT_NETWORK",
        ErrorKind::Usage => "ERR_SSOKIT_USAGE",
        ErrorKind::Internal => "ERR_SSOKIT_INTERNAL",
    }
}

/// A JavaScript string literal in single quotes.
fn js_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('\'');
    for c in text.chars() {
        match c {
            '\'' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// The remedy in JavaScript's words: the call that fixes it.
pub(crate) fn remedy_text(remedy: &Remedy) -> String {
    match remedy {
        Remedy::Login(LoginTarget::Profile(p)) => {
            format!("call await login({{ profile: {} }})", js_string(p))
        }
        Remedy::Login(LoginTarget::Session(s)) => {
            format!("call await login({{ ssoSession: {} }})", js_string(s))
        }
        Remedy::Login(LoginTarget::StartUrl(u)) => format!(
            "call await login({{ profile: {} }})",
            js_string(&format!("<a profile with sso_start_url = {u}>"))
        ),
        Remedy::ChooseProfile { .. } => {
            "or pass another profile ({ profile: '…' }) or set AWS_PROFILE".to_owned()
        }
    }
}

/// An error on its way to JavaScript: everything the `SsoError` object gets (boxed,
/// so that results stay small).
#[derive(Debug)]
pub struct Failure(Box<Fields>);

#[derive(Debug)]
struct Fields {
    code: &'static str,
    message: String,
    kind: Option<ErrorKind>,
    remedy: Option<String>,
    profile: Option<String>,
    sso_session: Option<String>,
    service_code: Option<String>,
    http_status: Option<u16>,
}

impl From<Error> for Failure {
    fn from(err: Error) -> Self {
        let kind = err.kind();
        let target = err.login_target();
        Self(Box::new(Fields {
            code: code_of(kind),
            message: err.message_with(remedy_text),
            kind: Some(kind),
            remedy: err.remedy().map(|r| remedy_text(&r)),
            profile: target.and_then(LoginTarget::profile).map(str::to_owned),
            sso_session: target.and_then(LoginTarget::sso_session).map(str::to_owned),
            service_code: err.service_code().map(str::to_owned),
            http_status: err.http_status(),
        }))
    }
}

/// An error of the binding itself (a bad option, an emulator failure) with this code.
pub(crate) fn coded(code: &'static str, message: impl Display) -> Failure {
    Failure(Box::new(Fields {
        code,
        message: message.to_string(),
        kind: None,
        remedy: None,
        profile: None,
        sso_session: None,
        service_code: None,
        http_status: None,
    }))
}

/// A bad argument of a binding (a malformed option): `ERR_SSOKIT_USAGE`, kind
/// `usage`, as the core's own usage errors.
pub(crate) fn usage(message: impl Display) -> Failure {
    let mut failure = coded(code_of(ErrorKind::Usage), message);
    failure.0.kind = Some(ErrorKind::Usage);
    failure
}

/// A core error on its way to JavaScript.
pub(crate) fn js_error(err: Error) -> Failure {
    Failure::from(err)
}

/// The result of a binding: a value, or a [`Failure`] that its conversion to
/// JavaScript throws (synchronous bindings) or rejects the promise with
/// (asynchronous ones) as an `SsoError` object.
#[derive(Debug)]
pub enum Reply<T> {
    /// The call succeeded.
    Value(T),
    /// The call failed.
    Failure(Failure),
}

impl<T> From<Result<T, Failure>> for Reply<T> {
    fn from(result: Result<T, Failure>) -> Self {
        match result {
            Ok(value) => Self::Value(value),
            Err(failure) => Self::Failure(failure),
        }
    }
}

impl<T> From<Result<T, Error>> for Reply<T> {
    fn from(result: Result<T, Error>) -> Self {
        result.map_err(Failure::from).into()
    }
}

impl<T: ToNapiValue> ToNapiValue for Reply<T> {
    unsafe fn to_napi_value(env: sys::napi_env, val: Self) -> napi::Result<sys::napi_value> {
        match val {
            // SAFETY: napi-rs calls this on the JavaScript thread with a live `env`.
            Self::Value(value) => unsafe { T::to_napi_value(env, value) },
            Self::Failure(failure) => Err(failure.into_napi_error(&Env::from_raw(env))),
        }
    }
}

/// The `SsoError` class registered by `ssokit.js`, kept as the instance data of the
/// JavaScript environment that registered it: the main thread, each worker and each
/// environment of an embedder has its own. The reference is never deleted by hand: it
/// lives as long as its environment, which releases it when it is torn down.
struct ErrorClass(ManuallyDrop<FunctionRef<FnArgs<(String, String)>, Unknown<'static>>>);

/// Registers the class the errors are instances of: `new Class(code, message)`.
/// Called once by `ssokit.js` at load, in each environment that loads it.
#[napi]
pub fn register_error_class(
    env: Env,
    class: Function<FnArgs<(String, String)>, Unknown<'static>>,
) -> napi::Result<()> {
    let class = ErrorClass(ManuallyDrop::new(class.create_ref()?));
    env.set_instance_data(class, (), |_| {})
}

impl Failure {
    /// The `SsoError` object, as a napi error that hands the object itself to
    /// JavaScript; if the object cannot be built, a plain error with the message.
    fn into_napi_error(self, env: &Env) -> napi::Error {
        match self.to_object(env) {
            Ok(object) => napi::Error::from(object.to_unknown()),
            Err(_) => {
                // A throwing constructor or setter left an exception pending: clear it,
                // or a promise could not be rejected at all.
                let mut pending = false;
                // SAFETY: on the JavaScript thread with a live `env`.
                unsafe {
                    if sys::napi_is_exception_pending(env.raw(), &mut pending)
                        == sys::Status::napi_ok
                        && pending
                    {
                        let mut exception = std::ptr::null_mut();
                        sys::napi_get_and_clear_last_exception(env.raw(), &mut exception);
                    }
                }
                napi::Error::new(Status::GenericFailure, self.0.message)
            }
        }
    }

    fn to_object<'env>(&self, env: &'env Env) -> napi::Result<Object<'env>> {
        let fields = &self.0;
        // The class is taken out before JavaScript runs, so the constructor may call
        // `registerErrorClass` again without a borrow conflict.
        let class = env
            .get_instance_data::<ErrorClass>()
            .ok()
            .flatten()
            .map(|class| class.0.borrow_back(env));
        let registered = class.map(|class| {
            class?.new_instance(FnArgs::from((
                fields.code.to_owned(),
                fields.message.clone(),
            )))
        });
        let mut object = match registered {
            Some(instance) => instance?.coerce_to_object()?,
            // Without ssokit.js (index.js used directly): an Error with the same
            // properties.
            None => {
                let mut error =
                    env.create_error(napi::Error::new(Status::GenericFailure, &fields.message))?;
                error.set_named_property("name", "SsoError")?;
                error.set_named_property("code", fields.code)?;
                error
            }
        };
        if let Some(kind) = fields.kind {
            object.set_named_property("kind", kind.as_str())?;
        }
        let optional = [
            ("remedy", fields.remedy.as_deref()),
            ("profile", fields.profile.as_deref()),
            ("ssoSession", fields.sso_session.as_deref()),
            ("serviceCode", fields.service_code.as_deref()),
        ];
        for (name, value) in optional {
            if let Some(value) = value {
                object.set_named_property(name, value)?;
            }
        }
        if let Some(status) = fields.http_status {
            object.set_named_property("httpStatus", u32::from(status))?;
        }
        Ok(object)
    }
}

/// Throws the error of a typical core error of the named kind (`'not_logged_in'`,
/// `'service'`, ...): for tests of the mapping table.
#[napi(js_name = "_exampleError", ts_return_type = "never")]
pub fn example_error(kind: String) -> Reply<()> {
    match ErrorKind::ALL.into_iter().find(|k| k.as_str() == kind) {
        Some(kind) => Err::<(), _>(Error::example_of(kind)).into(),
        None => Reply::Failure(coded(CONFIG, format!("no error kind {kind:?}"))),
    }
}
