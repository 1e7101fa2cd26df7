import ParleyCore
import ParleyServer
import ParleyWire

/// Test code: drives a ``ServerCore`` with an injected clock, collecting what each
/// connection would receive, as a transport would. Writes are confirmed at once (memory only)
/// unless ``holdsWrites``: then they wait in ``writes`` for ``confirm(_:)`` or ``fail(_:)``.
/// Confirmed writes go to ``store``, which answers reads of archived conversations at once.
struct CoreDriver {
    var core: ServerCore
    /// Answers every hello at once (the reference server's schemes).
    var authenticator: ReferenceAuthenticator
    var now = Instant(milliseconds: 1_800_000_000_000)
    private(set) var inbox: [ConnectionID: [Message]] = [:]
    private(set) var closed: [ConnectionID: ErrorCode] = [:]
    /// Every shared event written, with the connection it went to.
    private(set) var sharedWrites: [(ConnectionID, SharedEvent)] = []
    /// Whether batches wait for ``confirm(_:)`` (a slow store) instead of being confirmed at once.
    var holdsWrites = false
    /// The batches handed to the store and not confirmed yet, oldest first.
    private(set) var writes: [PersistBatch] = []
    /// What the store holds: every confirmed batch.
    private(set) var store = StoreContents()
    /// How many reads of archived conversations the store answered.
    private(set) var reads = 0
    /// Whether the store fails every read.
    var failsReads = false
    /// Connections whose client answers every ping at once, as live clients do.
    var answeringPings: Set<ConnectionID> = []
    private var rid: UInt64 = 0

    static let key = Array("core driver test key, 32 bytes!!".utf8)

    init(configuration: ServerConfiguration = ServerConfiguration(key: CoreDriver.key, teams: ["support", "billing"])) {
        core = ServerCore(configuration: configuration, now: now)
        authenticator = ReferenceAuthenticator(configuration: configuration)
    }

    mutating func perform(_ outputs: [ServerOutput]) {
        var pongs: [(ConnectionID, Message)] = []
        for output in core.answeringAuthentication(outputs, with: &authenticator, now: now) {
            switch output {
            case .send(let id, let items):
                inbox[id, default: []] += items.map(\.message)
                for case .event(_, let shared) in items { sharedWrites.append((id, shared)) }
                guard answeringPings.contains(id) else { continue }
                for case .message(.ping(let ping)) in items { pongs.append((id, .pong(Wire.Pong(nonce: ping.nonce)))) }
            case .close(let id, let code): closed[id] = code
            case .persist(let batch):
                writes.append(batch)
                if !holdsWrites { confirm(batch.id) }
            case .load(let request):
                reads += 1
                perform(core.loaded(request.id, failsReads ? nil : store.answer(request.query), now: now))
            case .measured, .authenticate: break  // every authentication was answered above
            }
        }
        for (id, pong) in pongs { send(pong, on: id) }
    }

    mutating func open(from address: SourceAddress = .loopback, identity: AuthenticatedIdentity? = nil) -> ConnectionID {
        let (id, outputs) = core.open(now: now, from: address, identity: identity)
        perform(outputs)
        return id
    }

    mutating func send(_ message: Message, on id: ConnectionID) {
        perform(core.receive(message, on: id, now: now))
    }

    mutating func nextRID() -> UInt64 {
        rid += 1
        return rid
    }

    /// Sends `message` on `id` and returns everything `id` received since the last ``take(_:)``.
    mutating func exchange(_ message: Message, on id: ConnectionID) -> [Message] {
        send(message, on: id)
        return take(id)
    }

    /// Everything `id` received since the last call.
    mutating func take(_ id: ConnectionID) -> [Message] {
        defer { inbox[id] = [] }
        return inbox[id] ?? []
    }

    mutating func advance(by milliseconds: UInt64) {
        let end = now.adding(milliseconds: milliseconds)
        while let deadline = core.nextDeadline, deadline <= end {
            now = max(now, deadline)
            perform(core.tick(now: now))
        }
        now = end
        perform(core.tick(now: now))
    }

    /// The store confirms batch `id`.
    mutating func confirm(_ id: UInt64) {
        guard let index = writes.firstIndex(where: { $0.id == id }) else { return }
        store.apply(writes.remove(at: index).changes)
        perform(core.persisted(id, now: now))
    }

    /// The store confirms every batch, oldest first, until none is left.
    mutating func confirmWrites() {
        while let batch = writes.first { confirm(batch.id) }
    }

    /// The store fails to write batch `id` (it stays in ``writes``, to be written again).
    mutating func fail(_ id: UInt64) {
        perform(core.persistFailed(id, now: now))
    }

    /// The server process ends (a crash: unconfirmed writes are lost, every connection with
    /// it) and a new one, with its own instance name, starts `milliseconds` later from what the
    /// store holds (STORE-6).
    @discardableResult
    mutating func restart(after milliseconds: UInt64) -> Recovery {
        now = now.adding(milliseconds: milliseconds)
        var configuration = core.configuration
        configuration.instance += "'"  // each run has its own (`parley serve` picks one at start)
        core = ServerCore(configuration: configuration, now: now)
        authenticator = ReferenceAuthenticator(configuration: configuration)
        inbox = [:]
        closed = [:]
        writes = []
        let (recovery, outputs) = core.recover(store.recovered, now: now)
        perform(outputs)
        return recovery
    }

    mutating func drop(_ id: ConnectionID) {
        perform(core.connectionClosed(id, now: now))
    }

    /// Opens a connection and completes a hello with `auth`; returns the connection and welcome.
    mutating func connect(
        _ auth: Wire.Auth, resume: Wire.ResumeRequest? = nil, maxFrame: UInt64? = nil, from address: SourceAddress = .loopback
    ) -> (ConnectionID, Wire.Welcome?) {
        let id = open(from: address)
        let rid = nextRID()
        send(.hello(Wire.Hello(rid: rid, versions: [1], auth: auth, resume: resume, maxFrame: maxFrame)), on: id)
        let welcome = inbox[id]?.firstIndex { $0.resultRID == rid }.map { inbox[id]!.remove(at: $0) }
        guard case .welcome(let w)? = welcome else { return (id, nil) }
        return (id, w)
    }

    /// Connects an agent with a freshly minted token.
    mutating func connectAgent(
        _ user: String, role: Role = .agent, teams: [String] = ["support"], maxFrame: UInt64? = nil
    ) -> ConnectionID {
        let token = core.mintToken(TokenClaims(user: user, role: role, teams: teams, expiresAt: now.adding(milliseconds: 3_600_000)))!
        return connect(Wire.Auth(scheme: "token", credential: token), maxFrame: maxFrame).0
    }

    /// Sends a command and returns its result (the message answering its rid).
    mutating func command(_ make: (UInt64) -> Message, on id: ConnectionID) -> Message? {
        let rid = nextRID()
        send(make(rid), on: id)
        let received = inbox[id] ?? []
        guard let index = received.firstIndex(where: { $0.resultRID == rid }) else { return nil }
        inbox[id]!.remove(at: index)
        return received[index]
    }
}

