import ParleyClient

/// Everything a fan-out run is told: where, how many connections of each kind, how fast,
/// for how long.
public struct FanoutOptions: Sendable {
    /// The server to load (loopback only); for Redis and NATS only its host and port count.
    public var endpoint: Endpoint
    /// Which server that is: the protocol the run speaks.
    public var server: ServerKind = .parley
    /// The server's process, to report its CPU time per delivery (from /proc); none: not reported.
    public var serverPID: Int32?
    /// Measured subscriber connections, spread over the rooms in turn.
    public var subscribers: Int
    /// Rooms (conversations).
    public var rooms: Int
    /// Publisher connections; room `r` is written by publisher `r % publishers`.
    public var publishers: Int
    /// Total publishes per second over all publishers; 0 publishes as fast as possible.
    public var rate: Double
    /// Bytes of each published message's text (at least ``Probe/minimumSize``).
    public var size: Int
    /// Seconds of publishing.
    public var duration: Double
    /// Subscribers (among the first ones) that read slowly: `slowChunk` bytes every `slowEveryMs`.
    public var slow: Int
    /// Bytes a slow subscriber reads at a time.
    public var slowChunk = 1_024
    /// Milliseconds between a slow subscriber's reads.
    public var slowEveryMs: Int64 = 50
    /// The server's token key (`parley serve --key`), to mint the agents' tokens.
    public var key: [UInt8]
    /// The team the bench's agents belong to (one of the server's teams).
    public var team: String
    /// As-fast-as-possible mode: publishes whose deliveries may be outstanding at once.
    public var window: Int
    /// Local source addresses to spread connections over (empty: the system's choice).
    public var sources: [String]
    /// Connections being set up at once.
    public var setupConcurrency = 64
    /// Seconds to wait, after publishing stops, for the last deliveries.
    public var drainSeconds: Double = 10

    /// Options with the defaults for everything not given.
    public init(
        endpoint: Endpoint, subscribers: Int = 1_000, rooms: Int = 1, publishers: Int = 1, rate: Double = 0, size: Int = 100,
        duration: Double = 10, slow: Int = 0, key: [UInt8], team: String = "support", window: Int = 200, sources: [String] = []
    ) {
        self.endpoint = endpoint
        self.subscribers = subscribers
        self.rooms = rooms
        self.publishers = publishers
        self.rate = rate
        self.size = size
        self.duration = duration
        self.slow = slow
        self.key = key
        self.team = team
        self.window = window
        self.sources = sources
    }

    /// The most rooms one agent hosts: the reference server's concurrency cap (ROUTE-5).
    static let roomsPerHost = 20

    /// The room of subscriber `i`: subscribers are spread over the rooms in turn.
    func room(ofSubscriber i: Int) -> Int { i % rooms }

    /// Whether subscriber `i` is one of the slow readers (the first ``slow`` ones).
    func isSlow(subscriber i: Int) -> Bool { i < slow }

    /// The rooms publisher `p` writes: `p`, `p + publishers`, …
    func rooms(ofPublisher p: Int) -> StrideTo<Int> { stride(from: p, to: rooms, by: publishers) }

    /// Measured (not slow) subscribers per room: the deliveries each publish in it is due.
    var measuredFanout: [Int] {
        var fanout = [Int](repeating: 0, count: rooms)
        for i in slow..<subscribers { fanout[room(ofSubscriber: i)] += 1 }
        return fanout
    }

    /// Checks the options make a bounded, meaningful run.
    func validate() throws {
        guard subscribers >= 1, rooms >= 1, publishers >= 1, rooms >= publishers else {
            throw BenchError.invalid("need subscribers ≥ 1, rooms ≥ 1 and publishers ≥ 1, with no more publishers than rooms")
        }
        guard subscribers >= rooms else { throw BenchError.invalid("need at least one subscriber per room") }
        guard size >= Probe.minimumSize else { throw BenchError.invalid("--size must be at least \(Probe.minimumSize) bytes") }
        guard duration > 0, duration <= 3_600 else { throw BenchError.invalid("--duration must be within (0, 1 h]") }
        guard rate >= 0, slow >= 0, slow < subscribers else { throw BenchError.invalid("--rate ≥ 0 and 0 ≤ --slow < --subscribers") }
    }
}
