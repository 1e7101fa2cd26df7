import Foundation
import ParleyBench
import Synchronization

/// A one-line progress display on standard error, redrawn in place, only when standard
/// error is a terminal (piped output stays clean).
final class ProgressBar: Sendable {
    private let enabled = isatty(STDERR_FILENO) != 0
    private let ticker = Mutex<Task<Void, Never>?>(nil)

    /// Shows a fan-out phase; while publishing, redraws every 250 ms from the live counters.
    func phase(_ phase: FanoutRun.Phase, counters: RunCounters) {
        guard enabled else { return }
        stopTicker()
        switch phase {
        case .connecting(let done, let total): draw("connecting \(bar(Double(done) / Double(total))) \(done)/\(total)")
        case .settling: draw("waiting for the joins to settle…")
        case .draining: draw("draining the last deliveries…")
        case .publishing(let start, let stop):
            let task = Task {
                var lastDelivered = 0
                var lastTime = BenchClock.now()
                while !Task.isCancelled {
                    let now = BenchClock.now()
                    let delivered = counters.delivered.load(ordering: .relaxed)
                    let rate = Double(delivered - lastDelivered) / max(1e-9, Double(now - lastTime) / 1e9)
                    lastDelivered = delivered
                    lastTime = now
                    let fraction = min(1, Double(now > start ? now - start : 0) / Double(stop - start))
                    let elapsed = Double(now > start ? now - start : 0) / 1e9
                    draw(String(
                        format: "publishing %@ %5.1f/%.0f s  %@ deliveries/s  published %d  lag %d",
                        bar(fraction), elapsed, Double(stop - start) / 1e9, Self.short(rate),
                        counters.published.load(ordering: .relaxed), max(0, counters.lag)))
                    try? await Task.sleep(for: .milliseconds(250))
                }
            }
            ticker.withLock { $0 = task }
        }
    }

    /// Shows connections opened so far.
    func count(_ done: Int, of total: Int) {
        guard enabled else { return }
        draw("connecting \(bar(Double(done) / Double(max(1, total)))) \(done)/\(total)")
    }

    /// Clears the line.
    func finish() {
        guard enabled else { return }
        stopTicker()
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
    }

    private func stopTicker() { ticker.withLock { $0?.cancel(); $0 = nil } }

    private func draw(_ line: String) { FileHandle.standardError.write(Data("\r\u{1B}[2K\(line)".utf8)) }

    private func bar(_ fraction: Double) -> String {
        let width = 24
        let filled = Int((fraction * Double(width)).rounded(.down))
        return "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "]"
    }

    private static func short(_ value: Double) -> String {
        value >= 1e6 ? String(format: "%.2fM", value / 1e6) : value >= 1e3 ? String(format: "%.1fk", value / 1e3) : String(format: "%.0f", value)
    }
}
