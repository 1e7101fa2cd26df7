import Foundation

/// Runs blocking work (waiting for a child process, a blocking socket) on a thread of its own.
/// Swift's cooperative pool has one thread per core — two here — and every other test's
/// clients, and the servers' host tasks (a ``HostAuthenticator``), need them: a test that
/// blocked one for seconds made unrelated handshakes time out under a full `swift test`.
func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
    }
}
