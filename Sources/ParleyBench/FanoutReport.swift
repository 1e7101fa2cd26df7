import Histogram

/// The final table and the JSON result file of a fan-out run.
extension FanoutResult {
    /// The percentiles every report shows.
    static let percentiles: [(label: String, value: Double)] = [("p50", 50), ("p90", 90), ("p99", 99), ("p99.9", 99.9)]

    /// A plain-text table for the terminal.
    public var table: String {
        let o = options
        var rows: [(String, String)] = [
            ("server", o.server == .parley ? o.endpoint.description : "\(o.server) at \(o.endpoint.host):\(o.endpoint.port)"),
            ("shape", "\(o.publishers) publisher(s) → \(o.subscribers) subscriber(s) in \(o.rooms) room(s), \(o.size) B"),
            ("rate", o.rate > 0 ? "\(Self.number(o.rate)) publishes/s (constant)" : "as fast as possible (window \(o.window))"),
            ("duration", "\(Self.fixed(o.duration, 1)) s publishing, setup \(Self.fixed(setupSeconds, 1)) s"),
            ("subscriber setup", "\(Self.fixed(subscriberSetupSeconds, 2)) s for \(o.subscribers)"),
            ("publishes/s", Self.number(publishesPerSecond)),
            ("deliveries/s", Self.number(deliveriesPerSecond)),
            ("deliveries", "\(deliveries)"),
            ("deliveries per read", Self.fixed(deliveriesPerRead, 2)),
        ]
        for (label, seconds, perDelivery) in [("server CPU", serverCPUSeconds, serverCPUPerDelivery), ("bench CPU", benchCPUSeconds, benchCPUPerDelivery)] {
            guard let seconds else { continue }
            rows.append((label, "\(Self.fixed(seconds, 2)) s publishing, " + (perDelivery.map { "\(Self.fixed($0, 3)) µs per delivery" } ?? "no deliveries")))
        }
        for (label, p) in Self.percentiles { rows.append(("latency \(label)", "\(Self.fixed(millis(p), 3)) ms")) }
        rows.append(("latency max", "\(Self.fixed(maxMillis, 3)) ms"))
        rows += [
            ("lost", "\(lost)"), ("duplicated", "\(duplicated)"), ("out of order", "\(outOfOrder)"),
            ("unanswered publishes", "\(unanswered)"), ("refused publishes", "\(refused)" + (firstRefusal.map { " (first: \($0))" } ?? "")),
        ]
        if o.server == .parley { rows.append(("session seq gaps/repeats", "\(sessionGaps)/\(sessionRepeats)")) }
        rows.append(("dropped subscribers", "\(droppedSubscribers)"))
        if o.slow > 0 {
            rows.append(("slow subscribers", "\(o.slow), \(slowDisconnected) closed by the server"))
            rows.append(("slow p99 / max", "\(Self.fixed(millis(99, slow: true), 3)) / \(Self.fixed(Double(slowLatency.totalCount == 0 ? 0 : slowLatency.max) / 1_000, 3)) ms"))
        }
        rows.append(("verdict", isClean ? "clean" : "NOT CLEAN"))
        let width = rows.map(\.0.count).max() ?? 0
        return rows.map { $0.0 + String(repeating: " ", count: width - $0.0.count) + "  " + $0.1 }.joined(separator: "\n")
    }

    /// The result as a JSON object (times in ms, rates per second).
    public var json: String {
        let o = options
        var latencyFields = Self.percentiles.map { "\"\($0.label)\": \(Self.fixed(millis($0.value), 3))" }
        latencyFields.append("\"max\": \(Self.fixed(maxMillis, 3))")
        latencyFields.append("\"count\": \(latency.totalCount)")
        return """
            {
              "mode": "fanout", "server": "\(o.server.rawValue)",
              "endpoint": "\(o.endpoint.description)",
              "subscribers": \(o.subscribers), "rooms": \(o.rooms), "publishers": \(o.publishers),
              "rate": \(o.rate), "size": \(o.size), "duration": \(o.duration), "slow": \(o.slow),
              "setupSeconds": \(Self.fixed(setupSeconds, 3)), "subscriberSetupSeconds": \(Self.fixed(subscriberSetupSeconds, 3)),
              "elapsedSeconds": \(Self.fixed(elapsed, 3)), "deliveriesPerRead": \(Self.fixed(deliveriesPerRead, 3)),
              "serverCPUSeconds": \(serverCPUSeconds.map { Self.fixed($0, 3) } ?? "null"),
              "serverCPUMicrosecondsPerDelivery": \(serverCPUPerDelivery.map { Self.fixed($0, 3) } ?? "null"),
              "benchCPUSeconds": \(benchCPUSeconds.map { Self.fixed($0, 3) } ?? "null"),
              "publishesPerSecond": \(Self.fixed(publishesPerSecond, 1)), "deliveriesPerSecond": \(Self.fixed(deliveriesPerSecond, 1)),
              "accepted": \(accepted), "unanswered": \(unanswered), "refused": \(refused), "deliveries": \(deliveries),
              "lost": \(lost), "duplicated": \(duplicated), "outOfOrder": \(outOfOrder),
              "sessionGaps": \(sessionGaps), "sessionRepeats": \(sessionRepeats),
              "droppedSubscribers": \(droppedSubscribers), "slowDisconnected": \(slowDisconnected),
              "latencyMs": { \(latencyFields.joined(separator: ", ")) },
              "slowLatencyMs": { "p99": \(Self.fixed(millis(99, slow: true), 3)), "count": \(slowLatency.totalCount) },
              "clean": \(isClean)
            }

            """
    }

    /// `value` with `places` decimals.
    public static func fixed(_ value: Double, _ places: Int) -> String {
        guard value.isFinite else { return "0" }
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        let whole = Int(scaled / scale)
        let fraction = Int(scaled - Double(whole) * scale)
        let sign = value < 0 && scaled > 0 ? "-" : ""
        guard places > 0 else { return sign + String(whole) }
        let digits = String(fraction)
        return sign + String(whole) + "." + String(repeating: "0", count: places - digits.count) + digits
    }

    /// `value` rounded, with thousands separators.
    public static func number(_ value: Double) -> String {
        let digits = Array(String(Int(value.rounded())))
        var out = ""
        for (i, d) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(d)
        }
        return out
    }
}
