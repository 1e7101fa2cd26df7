import ParleyCore

/// The last steps of a run as readable lines, for the report of a failing seed; with `echo`
/// every line is also handed to a printer as it happens (`parley simulate --trace`).
public struct TraceRecorder: Sendable {
    private var lines: [String] = []
    private var start = 0
    private let capacity: Int
    /// Whether lines are recorded at all (building them costs time a passing run need not pay).
    public var isEnabled: Bool

    /// A recorder keeping the last `capacity` lines.
    public init(capacity: Int, enabled: Bool = true) {
        self.capacity = max(capacity, 1)
        isEnabled = enabled
    }

    /// Records a line for step `step` at `now` (callers build lines only when ``isEnabled``).
    mutating func record(step: Int, now: Instant, _ line: String) {
        let text = "#\(step) \(now.rawValue % 100_000_000) \(line)"
        if lines.count < capacity {
            lines.append(text)
        } else {
            lines[start] = text
            start = (start + 1) % capacity
        }
    }

    /// The recorded lines, oldest first.
    public var recent: [String] { Array(lines[start...] + lines[..<start]) }
}
