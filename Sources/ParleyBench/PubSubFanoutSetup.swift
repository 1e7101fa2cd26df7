/// Sets up a fan-out on a plain pub/sub server (Redis, NATS) for a ``FanoutRun``: room `r` is
/// the channel (subject) `bench.RUN.r`; publishers and subscribers are connections of their
/// own, as on Parley, with the same rooms, publishers and slow readers; a subscriber counts
/// as set up once the server confirmed its subscription.
struct PubSubFanoutSetup<Peer: PubSubPeer> {
    let options: FanoutOptions
    let dialer: BenchDialer
    /// Names the run's rooms, so runs do not meet.
    let runID: String

    /// Opens the publishers, then the subscribers and their subscriptions.
    func cast(progress: @escaping @Sendable (FanoutRun.Phase) -> Void) async throws -> FanoutCast {
        try await Roster.casting { roster in try await cast(roster: roster, progress: progress) }
    }

    private func cast(roster: Roster, progress: @escaping @Sendable (FanoutRun.Phase) -> Void) async throws -> FanoutCast {
        let options = self.options
        let dialer = self.dialer
        let name = { @Sendable [runID] (room: Int) in "bench.\(runID).\(room)" }
        let open = { @Sendable (index: Int, slow: BenchDialer.SlowReading?) async throws -> Peer in
            let peer = try await Peer.open(dialer, index: index, slow: slow)
            roster.add { peer.leave() }
            return peer
        }
        let fanout = options.measuredFanout
        var publishers: [FanoutCast.Publishing] = []
        for p in 0..<options.publishers {
            let rooms = options.rooms(ofPublisher: p).map { Publisher.Room(name: name($0), index: $0, fanout: fanout[$0]) }
            publishers.append(FanoutCast.Publishing(wire: try await open(p, nil), rooms: rooms))
        }
        let subscribersStart = BenchClock.now()
        let subscribers = try await FanoutCast.openAll(
            count: options.subscribers, concurrency: options.setupConcurrency, progress: { progress(.connecting(done: $0, of: options.subscribers)) }
        ) { i in
            let slow = options.isSlow(subscriber: i)
            let peer = try await open(options.publishers + i, slow ? (options.slowChunk, .milliseconds(options.slowEveryMs)) : nil)
            let room = options.room(ofSubscriber: i)
            try await peer.meter.run { $0.subscription = ConnectionMeter.Subscription(room: room, slow: slow) }
            try await peer.subscribe(to: name(room))
            return peer.meter
        }
        return FanoutCast(
            publishers: publishers, subscribers: subscribers, subscriberSeconds: Double(BenchClock.now() - subscribersStart) / 1e9,
            roster: roster)
    }
}
