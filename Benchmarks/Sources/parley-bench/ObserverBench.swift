import BenchSupport
import ParleyCore
import ParleyServer
import ParleyTransport
import ParleyWire

/// `observers`: the time to set up one conversation watched by N observers (CONV-39), in
/// process. One `ServerCore` (no sockets, no store: batches confirmed at once) holds a
/// conversation assigned to an agent who answered it, and N agents of its team, connected; the
/// timed part is the N `join`s as `observer`, one after the other, with every session write
/// they cause. Nobody acknowledges (the retention bounds are raised so that no session is shed).
///
/// The baseline is the same room with half the observers, in the same run: when setting up is
/// O(N) twice the observers take about twice the time, when O(N²) about four times.
struct ObserverBench: BenchSuite {
    let name = "observers"
    static let counts = [250, 500, 1_000, 2_000, 4_000]
    static let repetitions = 3

    func run() {
        print("\n== observers: N agents join one conversation as observers (ServerCore in process; best of \(Self.repetitions)) ==")
        print("observers   set-up ms   µs/observer   events written   events/observer   time vs N/2")
        var previous: Double?
        for count in Self.counts {
            var best: (seconds: Double, events: Int)?
            for _ in 0..<Self.repetitions {
                var room = Room(observers: count)
                let run = room.joinAll()
                if run.seconds < best?.seconds ?? .infinity { best = run }
            }
            let (seconds, events) = best!
            print(pad("\(count)", 12) + pad(fmt(seconds * 1_000, 1), 11) + pad(fmt(seconds * 1e6 / Double(count), 1), 14)
                  + pad("\(events)", 17) + pad(fmt(Double(events) / Double(count), 1), 18)
                  + (previous.map { fmt(seconds / $0, 2) + "×" } ?? "-"))
            previous = seconds
        }
    }

    private func pad(_ s: String, _ width: Int) -> String { s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count) }

    /// A conversation assigned to an agent who answered, and `observers` connected agents of its
    /// team ready to join it.
    struct Room {
        var server: InProcessServer
        var conversation = ""
        var observers: [ConnectionID] = []

        init(observers count: Int) {
            var session = SessionConfiguration()
            session.maxRetainedEvents = 1 << 30
            session.maxRetainedBytes = 1 << 40
            let configuration = ServerConfiguration(key: Array("observer bench key, thirty-two!!".utf8), teams: ["support"], session: session)
            let now = Instant(milliseconds: 1_800_000_000_000)
            server = InProcessServer(configuration: configuration, now: now)
            func token(_ user: String) -> Wire.Auth {
                let claims = TokenClaims(user: user, role: .agent, teams: ["support"], expiresAt: now.adding(milliseconds: 86_400_000))
                return Wire.Auth(scheme: "token", credential: server.core.mintToken(claims))
            }
            let host = server.connect(token("host")).id
            _ = server.command({ .agentStatus(Wire.AgentStatus(rid: $0, routing: .accepting)) }, on: host)
            let visitor = server.connect(Wire.Auth(scheme: "anonymous")).id
            for (_, items) in server.command({ .create(Wire.Create(rid: $0, text: "my parcel is late")) }, on: visitor) {
                for case .message(.ok(let ok)) in items { conversation = ok.conversation ?? conversation }
            }
            _ = server.command({ [conversation] in .send(Wire.Send(rid: $0, conversation: conversation, clientMessageId: "host-1", text: "let me look")) }, on: host)
            observers = (1...count).map { server.connect(token("watcher-\($0)")).id }
        }

        /// Every observer joins in turn: the time it took and the events written to sessions.
        mutating func joinAll() -> (seconds: Double, events: Int) {
            let clock = ContinuousClock()
            let start = clock.now
            var events = 0
            for id in observers {
                for (_, items) in server.command({ [conversation] in .join(Wire.Join(rid: $0, conversation: conversation, mode: .observer)) }, on: id) {
                    for case .event in items { events += 1 }
                }
            }
            let elapsed = clock.now - start
            return (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18, events)
        }
    }
}
