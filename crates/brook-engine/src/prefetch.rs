//! Software prefetch: at production's 16,384 partitions, nearly every partition a step
//! reaches is out of the cache, and the step waits on memory one miss at a time. Loops that
//! know the next items start loading them a few items ahead.

/// Starts loading the cache line holding `*p` into every cache level. A hint only: no effect
/// on what runs, and none off x86-64 (WebAssembly has no prefetch).
#[inline(always)]
pub(crate) fn line<T>(p: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch never faults and reads nothing the program sees; `p` is a live
    // reference anyway.
    unsafe {
        use core::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        _mm_prefetch::<_MM_HINT_T0>((p as *const T).cast::<i8>());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}
