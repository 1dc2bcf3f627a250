//! Running blocking work from async code: file locks, reads and writes go to tokio's
//! blocking pool, so that the executor's threads never wait on the disk or a lock.

/// Runs blocking file work (locks, reads, writes) off the async executor.
pub(crate) async fn blocking<T, F>(f: F) -> Result<T, crate::Error>
where
    F: FnOnce() -> Result<T, crate::Error> + Send + 'static,
    T: Send + 'static,
{
    match tokio::task::spawn_blocking(f).await {
        Ok(result) => result,
        Err(join) => Err(crate::Error::Internal(format!(
            "a background file task failed: {join}"
        ))),
    }
}
