import Synchronization

extension Mutex where Value: ~Copyable {
    /// `withLock`, which in a `PARLEY_TSAN` build also tells ThreadSanitizer that the lock
    /// orders the critical sections; in every other build it is `withLock` and nothing else.
    ///
    /// On Linux, `Mutex` hands a contended lock over with `FUTEX_LOCK_PI`/`FUTEX_UNLOCK_PI`
    /// syscalls from its non-inlined slow paths in `libswiftSynchronization.so`, which is not
    /// instrumented; TSan sees only the inlined fast-path compare-exchange, so after a contended
    /// hand-over it misses the happens-before edge and reports the two critical sections as a
    /// race. The annotations below are that edge, on the mutex's own address (not the guarded
    /// value's: taking that is itself an access TSan would check before the acquire). They order
    /// only code that holds this same lock, so a real race (an access without the lock) is still
    /// reported. Build with `Scripts/tsan.sh`.
    @inlinable @inline(__always)
    public borrowing func withTSanVisibleLock<Result>(
        _ body: (inout sending Value) -> sending Result
    ) -> sending Result {
        withLock { value in
            announceAcquire()
            defer { announceRelease() }
            return body(&value)
        }
    }

    /// `withLockIfAvailable` (run `body` only if the lock is free now, else return `nil`),
    /// visible to ThreadSanitizer in a `PARLEY_TSAN` build like ``withTSanVisibleLock(_:)``.
    @inlinable @inline(__always)
    public borrowing func withTSanVisibleLockIfAvailable<Result>(
        _ body: (inout sending Value) -> sending Result
    ) -> sending Result? {
        withLockIfAvailable { value in
            announceAcquire()
            defer { announceRelease() }
            return body(&value)
        }
    }

    /// Tells ThreadSanitizer, in a `PARLEY_TSAN` build, that a critical section of this mutex
    /// begins (an acquire on the mutex's address); does nothing otherwise.
    @inlinable @inline(__always)
    borrowing func announceAcquire() {
        #if PARLEY_TSAN
        withUnsafePointer(to: self) { tsanAcquire($0) }
        #endif
    }

    /// Tells ThreadSanitizer, in a `PARLEY_TSAN` build, that the critical section ends.
    @inlinable @inline(__always)
    borrowing func announceRelease() {
        #if PARLEY_TSAN
        withUnsafePointer(to: self) { tsanRelease($0) }
        #endif
    }
}

#if PARLEY_TSAN
/// ThreadSanitizer's `__tsan_acquire` (compiler-rt `tsan_interface.h`): the calling thread
/// synchronizes with every earlier `__tsan_release` on `address`. Needs `-sanitize=thread`
/// and `-enable-experimental-feature Extern`.
@usableFromInline @_extern(c, "__tsan_acquire") func tsanAcquire(_ address: UnsafeRawPointer)

/// ThreadSanitizer's `__tsan_release`: what the calling thread did so far happens before any
/// later `__tsan_acquire` on `address`.
@usableFromInline @_extern(c, "__tsan_release") func tsanRelease(_ address: UnsafeRawPointer)
#endif
