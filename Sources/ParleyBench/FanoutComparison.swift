import ParleyClient

/// The cases of `parley bench compare` and its table: the same fan-out runs against Redis,
/// NATS and Parley, and a markdown table of their figures side by side.
public enum FanoutComparison {
    /// One fan-out shape, run on every server.
    public struct Case: Sendable, Hashable {
        /// A short name for progress lines.
        public var name: String
        /// Measured subscribers, over ``rooms`` rooms.
        public var subscribers: Int
        /// Rooms (channels, subjects, conversations).
        public var rooms: Int
        /// Publishes per second in total; 0: as fast as possible.
        public var rate: Double
        /// Bytes of each message.
        public var size: Int

        /// The options of this case against `server` at `endpoint`, for `duration` seconds.
        public func options(server: ServerKind, endpoint: Endpoint, key: [UInt8], duration: Double) -> FanoutOptions {
            var options = FanoutOptions(
                endpoint: endpoint, subscribers: subscribers, rooms: rooms, publishers: 1, rate: rate, size: size, duration: duration, key: key)
            options.server = server
            return options
        }
    }

    /// 1 → 1,000, 100 B, as fast as possible.
    public static let fanout1000 = Case(name: "1 → 1,000 × 100 B, max rate", subscribers: 1_000, rooms: 1, rate: 0, size: 100)
    /// 1 → 100, 100 B, as fast as possible.
    public static let fanout100 = Case(name: "1 → 100 × 100 B, max rate", subscribers: 100, rooms: 1, rate: 0, size: 100)
    /// 1 → 1,000, 1 KiB, as fast as possible.
    public static let fanout1000KiB = Case(name: "1 → 1,000 × 1 KiB, max rate", subscribers: 1_000, rooms: 1, rate: 0, size: 1_024)
    /// 1 → 1,000 at 200 publishes/s.
    public static let paced1000 = Case(name: "1 → 1,000 × 100 B at 200 msg/s", subscribers: 1_000, rooms: 1, rate: 200, size: 100)
    /// 500 rooms × 2 subscribers, 200 publishes/s over all rooms.
    public static let rooms500 = Case(name: "500 rooms × 2 × 100 B at 200 msg/s", subscribers: 1_000, rooms: 500, rate: 200, size: 100)

    /// Every case, in the order they run.
    public static let cases = [fanout1000, fanout100, fanout1000KiB, paced1000, rooms500]

    /// The servers of the table, in its column order.
    public static let servers: [ServerKind] = [.redis, .nats, .parley]

    /// One line of the table: a figure of one case.
    struct Row {
        var label: String
        var source: Case
        /// The figure of one run (`nil`: not measured).
        var figure: @Sendable (FanoutResult) -> Double?
        var format: @Sendable (Double) -> String
    }

    static let rows: [Row] = {
        let rate = { @Sendable (value: Double) in FanoutResult.number(value) }
        let millis = { @Sendable (value: Double) in FanoutResult.fixed(value, 1) }
        return [
            Row(label: "1 → 1,000 × 100 B, max rate: deliveries/s", source: fanout1000, figure: { $0.deliveriesPerSecond }, format: rate),
            Row(label: "1 → 100 × 100 B, max rate: deliveries/s", source: fanout100, figure: { $0.deliveriesPerSecond }, format: rate),
            Row(label: "1 → 1,000 × 1 KiB, max rate: deliveries/s", source: fanout1000KiB, figure: { $0.deliveriesPerSecond }, format: rate),
            Row(
                label: "server CPU per delivery, 1 → 1,000 max rate (µs)", source: fanout1000, figure: { $0.serverCPUPerDelivery },
                format: { FanoutResult.fixed($0, 2) }),
            Row(
                label: "load generator CPU per delivery, 1 → 1,000 max rate (µs)", source: fanout1000, figure: { $0.benchCPUPerDelivery },
                format: { FanoutResult.fixed($0, 2) }),
            Row(label: "1 → 1,000 at 200 msg/s: deliveries/s", source: paced1000, figure: { $0.deliveriesPerSecond }, format: rate),
            Row(label: "1 → 1,000 at 200 msg/s: p99 latency (ms)", source: paced1000, figure: { $0.millis(99) }, format: millis),
            Row(label: "500 rooms × 2 at 200 msg/s: p99 latency (ms)", source: rooms500, figure: { $0.millis(99) }, format: millis),
            Row(
                label: "deliveries per read at the subscriber, 1 → 1,000 max rate", source: fanout1000, figure: { $0.deliveriesPerRead },
                format: { FanoutResult.fixed($0, 1) }),
            Row(
                label: "setup of 1,000 subscribers (s)", source: fanout1000, figure: { $0.subscriberSetupSeconds },
                format: { FanoutResult.fixed($0, 2) }),
        ]
    }()

    /// The markdown table of `results` (every run of each case on each server; a figure is the
    /// median of its runs), with a note under it for every run that was not clean.
    public static func table(_ results: [Case: [ServerKind: [FanoutResult]]]) -> String {
        var lines = ["| | Redis | NATS | Parley | Parley ÷ NATS |", "| --- | ---: | ---: | ---: | ---: |"]
        for row in rows {
            let figures = servers.map { server in median((results[row.source]?[server] ?? []).compactMap(row.figure)) }
            var cells = figures.map { $0.map(row.format) ?? "—" }
            if let parley = figures[2], let nats = figures[1], nats > 0 {
                cells.append(FanoutResult.fixed(parley / nats, 2) + "×")
            } else {
                cells.append("—")
            }
            lines.append("| \(row.label) | " + cells.joined(separator: " | ") + " |")
        }
        var notes: [String] = []
        for source in cases {
            for server in servers {
                for result in results[source]?[server] ?? [] where !result.isClean {
                    notes.append("- \(server), \(source.name): not clean — \(result.flaws)")
                }
            }
        }
        if !notes.isEmpty { lines += ["", "Runs that were not clean:"] + notes }
        return lines.joined(separator: "\n")
    }

    /// The middle value (the mean of the two middle ones for an even count), or `nil` for none.
    static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }
}

extension FanoutResult {
    /// What made the run unclean, e.g. `lost 12, dropped 3`.
    var flaws: String {
        let counts = [
            ("lost", lost), ("duplicated", duplicated), ("out of order", outOfOrder), ("refused", refused), ("unanswered", unanswered),
            ("session gaps", sessionGaps), ("session repeats", sessionRepeats), ("dropped", droppedSubscribers),
        ]
        return counts.filter { $0.1 > 0 }.map { "\($0.0) \($0.1)" }.joined(separator: ", ")
    }
}
