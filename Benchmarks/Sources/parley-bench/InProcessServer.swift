import ParleyCore
import ParleyServer
import ParleyTransport
import ParleyWire

/// A `ServerCore` driven in process as a host without a store drives it: the reference
/// authenticator answers every hello at once, every batch of durable changes is confirmed at
/// once (and counted), reads of archived conversations find none. The suites that use it
/// (`archive`, `observers`) read what was written to each connection from what ``perform(_:)``
/// returns.
struct InProcessServer {
    /// What was written to connections, in order.
    typealias Writes = [(connection: ConnectionID, items: [Outbound])]

    var core: ServerCore
    var now: Instant
    /// Durable changes handed to the store so far.
    private(set) var changes = 0
    private var reference: ReferenceAuthenticator
    private var rid: UInt64 = 10

    /// A core of `configuration` whose clock starts at `now`.
    init(configuration: ServerConfiguration, now: Instant) {
        core = ServerCore(configuration: configuration, now: now)
        reference = ReferenceAuthenticator(configuration: configuration)
        self.now = now
    }

    /// Opens a connection and says hello with `auth`.
    mutating func connect(_ auth: Wire.Auth) -> (id: ConnectionID, writes: Writes) {
        let (id, outputs) = core.open(now: now, from: .loopback)
        let writes = perform(outputs) + perform(core.receive(.hello(Wire.Hello(rid: 1, versions: [1], auth: auth)), on: id, now: now))
        return (id, writes)
    }

    /// Sends a command, given its rid, on connection `id`.
    mutating func command(_ make: (UInt64) -> Message, on id: ConnectionID) -> Writes {
        rid += 1
        return perform(core.receive(make(rid), on: id, now: now))
    }

    /// Carries out outputs, and those of the answers they call for.
    mutating func perform(_ outputs: [ServerOutput]) -> Writes {
        var writes: Writes = []
        for output in core.answeringAuthentication(outputs, with: &reference, now: now) {
            switch output {
            case .persist(let batch):
                changes += batch.changes.count
                writes += perform(core.persisted(batch.id, now: now))
            case .send(let id, let items):
                writes.append((id, items))
            case .load(let request):
                writes += perform(core.loaded(request.id, ArchivedConversations(), now: now))
            case .close, .measured, .authenticate:
                break
            }
        }
        return writes
    }
}
