import CAllocCounter

/// One timed run of a benchmark body: how many operations it did, how long it took and
/// how many heap allocations it made.
public struct Measurement: Sendable {
    /// What was measured, as printed in the table.
    public var name: String
    /// Operations performed (messages decoded, deliveries made …).
    public var operations: Int
    /// Bytes processed, when throughput in MB/s makes sense; 0 otherwise.
    public var bytes: Int
    /// Wall-clock seconds of the best repetition.
    public var seconds: Double
    /// Heap allocations during the best repetition.
    public var allocations: UInt64

    /// Operations per second.
    public var rate: Double { Double(operations) / seconds }
    /// Megabytes (10^6) per second, or 0 when `bytes` is 0.
    public var megabytesPerSecond: Double { Double(bytes) / seconds / 1e6 }
    /// Allocations per operation.
    public var allocationsPerOperation: Double { Double(allocations) / Double(max(operations, 1)) }
}

/// Runs `body` `repetitions` times (after one warm-up) and keeps the fastest run.
///
/// - Parameters:
///   - operations: how many operations one call of `body` performs.
///   - bytes: how many bytes one call of `body` processes (0 if not meaningful).
public func measure(
    _ name: String, operations: Int, bytes: Int = 0, repetitions: Int = 5, _ body: () -> Void
) -> Measurement {
    body()
    var best = Measurement(name: name, operations: operations, bytes: bytes, seconds: .infinity, allocations: 0)
    let clock = ContinuousClock()
    for _ in 0..<repetitions {
        let allocationsBefore = parley_alloc_count()
        let start = clock.now
        body()
        let elapsed = clock.now - start
        let allocations = parley_alloc_count() - allocationsBefore
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        if seconds < best.seconds {
            best.seconds = seconds
            best.allocations = allocations
        }
    }
    return best
}

/// Heap allocations made since the process started, for benchmarks that count by hand.
public func allocationsSoFar() -> UInt64 { parley_alloc_count() }

/// Bytes requested from the allocator since the process started (frees are not subtracted),
/// for estimating the memory a structure holds after building it into reserved capacity.
public func allocatedBytesSoFar() -> UInt64 { parley_alloc_bytes() }
