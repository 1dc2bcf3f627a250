//! napi-rs link setup for the Node.js addon.
fn main() {
    napi_build::setup();
}
